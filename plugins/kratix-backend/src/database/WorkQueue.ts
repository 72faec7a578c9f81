// The work queue: one entry per object; its lease is a per-object lock,
// safe with several backends on one database.
import { ObjectKey } from './ObjectStore';

/** A claimed entry of the work queue. */
export interface WorkItem {
  key: ObjectKey;
  reason: string;
  /** The enqueue sequence number at claim time; see isSuperseded. */
  seq: number;
  /** Reconciles of the entry that failed with an error, in a row. */
  failures: number;
}

export interface ReleaseOptions {
  /** Due then (default now), or earlier when requested again during the run. */
  notBefore?: Date;
  /** Sets the entry's failure count; kept when not given. */
  failures?: number;
}

export interface ClaimOptions {
  /** Unique per backend process. */
  owner: string;
  leaseMs: number;
  /** Objects not to claim, e.g. those this process runs already. */
  exclude?: ObjectKey[];
}

export type CompleteResult =
  /** The entry was removed. */
  | 'removed'
  /** Enqueued again during the run: the lease is released, it runs again. */
  | 'requeued'
  /** The lease was lost to another owner (or the entry is gone). */
  | 'lost';

/** One entry per object. */
export interface WorkQueue {
  /** Upsert: keeps the earliest notBefore, bumps seq. */
  enqueue(
    key: ObjectKey,
    options: { reason: string; notBefore?: Date },
  ): Promise<void>;
  /** Atomically claims one due entry without a live lease. */
  claimNext(options: ClaimOptions): Promise<WorkItem | undefined>;
  /** False when the lease was lost. */
  renewLease(key: ObjectKey, owner: string, leaseMs: number): Promise<boolean>;
  /** A success: removes the entry, or (requested again) clears its failures. */
  complete(key: ObjectKey, owner: string, seq: number): Promise<CompleteResult>;
  /** Releases the lease to retry later; false when it was lost. */
  release(
    key: ObjectKey,
    owner: string,
    options?: ReleaseOptions,
  ): Promise<boolean>;
  /** True when enqueued again since the claim that returned `seq`. */
  isSuperseded(key: ObjectKey, seq: number): Promise<boolean>;
  /** When the next entry is due (or its lease runs out); undefined if empty. */
  nextDueAt(): Promise<Date | undefined>;
  /** Entries due and free now: the backlog. */
  countClaimable(): Promise<number>;
}
