// The durable state of the Kratix engine: objects, HealthRecords, workflow
// runs with their logs, and the work queue. Safe with several backends on one
// database: writes are compare-and-swap, the queue lease is a per-object lock.
import {
  ContainerLog,
  HealthRecord,
  KratixPromise,
  KratixResource,
  KratixStatus,
  PipelinePhase,
  WorkflowAction,
  WorkflowRun,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';

/** Identifies a Promise (promise = name, namespace = '') or a Resource. */
export interface ObjectKey {
  kind: 'Promise' | 'Resource';
  /** Kubernetes mode: the cluster that holds it. */
  cluster?: string;
  promise: string;
  namespace: string;
  name: string;
}

export interface StoredObject {
  key: ObjectKey;
  /** metadata has name, namespace (Resources), uid, generation, resourceVersion, labels, annotations, creationTimestamp, deletionTimestamp? */
  object: KratixResource | KratixPromise;
  /** Stable hash of `spec`. */
  specHash: string;
}

export interface NewObject {
  apiVersion: string;
  kind: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec: Record<string, unknown>;
  status: KratixStatus;
}

export interface ObjectUpdate {
  /** Expected resourceVersion: when stale the update fails with a ConflictError. */
  resourceVersion?: string;
  apiVersion?: string;
  kind?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: KratixStatus;
  /** ISO 8601; null clears it. */
  deletionTimestamp?: string | null;
}

export interface ListObjectsOptions {
  kind: ObjectKey['kind'];
  promise?: string;
  namespace?: string;
  limit?: number;
  /** Only objects after this one, in list order (keyset paging). */
  after?: { promise: string; namespace: string; name: string };
}

/** A resource a HealthRecord applies to. */
export interface ResourceRef {
  promise: string;
  namespace: string;
  name: string;
}

export interface NewWorkflowRun {
  key: ObjectKey;
  type: WorkflowType;
  action: WorkflowAction;
  generation: number;
  /** Pipeline names, in the order they run. */
  pipelines: string[];
}

export interface PipelineRunUpdate {
  phase: PipelinePhase;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  message?: string;
}

/** Updates of pipelines of one run, in the order they happened. */
export type PipelineRunUpdates = Array<{
  index: number;
  update: PipelineRunUpdate;
}>;

export interface WorkflowRunFinish {
  /** Cancelled is stored as Failed, with the message "Cancelled" by default. */
  phase: 'Succeeded' | 'Failed' | 'Cancelled';
  message?: string;
  /** ISO 8601; now by default. */
  finishedAt?: string;
}

/** A workflow run with the object it ran for. */
export interface StoredWorkflowRun extends WorkflowRun {
  key: ObjectKey;
  message?: string;
}

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

/** What a running workflow checks to see whether it is still wanted. */
export interface ObjectRevision {
  generation: number;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
}

export interface KratixStore {
  // Objects
  getObject(key: ObjectKey): Promise<StoredObject | undefined>;
  /** Generation and deletion mark alone, without reading the object. */
  getRevision(key: ObjectKey): Promise<ObjectRevision | undefined>;
  /** In the order of `keys`; undefined for the missing. */
  getObjects(keys: ObjectKey[]): Promise<Array<StoredObject | undefined>>;
  /**
   * As getObject, read with the other loads of the same turn of the event
   * loop in one query: for many concurrent readers (the API's GETs).
   */
  loadObject(key: ObjectKey): Promise<StoredObject | undefined>;
  /** Ordered by promise, namespace, name. */
  listObjects(options: ListObjectsOptions): Promise<StoredObject[]>;
  /** generation 1, resourceVersion '1'; ConflictError if it exists. */
  createObject(key: ObjectKey, object: NewObject): Promise<StoredObject>;
  /**
   * generation +1 when the spec changes; resourceVersion +1 on every write.
   * NotFoundError if missing; ConflictError if `resourceVersion` is stale.
   */
  updateObject(key: ObjectKey, update: ObjectUpdate): Promise<StoredObject>;
  updateStatus(
    key: ObjectKey,
    status: KratixStatus,
    expectedResourceVersion?: string,
  ): Promise<StoredObject>;
  /** Also removes the object's workflow runs and logs. */
  deleteObject(key: ObjectKey): Promise<boolean>;

  // HealthRecords (namespace defaults to 'default')
  putHealthRecord(record: HealthRecord): Promise<{ created: boolean }>;
  getHealthRecord(
    namespace: string,
    name: string,
  ): Promise<HealthRecord | undefined>;
  deleteHealthRecord(namespace: string, name: string): Promise<boolean>;
  /** resourceRef.namespace defaults to the record's namespace. */
  listHealthRecordsForResource(ref: ResourceRef): Promise<HealthRecord[]>;

  // Workflow runs
  /** Starts a run in phase Running, its pipelines Pending; returns its id. */
  createWorkflowRun(run: NewWorkflowRun): Promise<string>;
  updatePipelineRun(
    runId: string,
    pipelineIndex: number,
    update: PipelineRunUpdate,
  ): Promise<void>;
  /** Several updates in one write; an index given twice gets both, in order. */
  updatePipelineRuns(runId: string, updates: PipelineRunUpdates): Promise<void>;
  /** Pipelines still Running are marked Failed unless the run Succeeded. */
  finishWorkflowRun(runId: string, finish: WorkflowRunFinish): Promise<void>;
  getWorkflowRun(runId: string): Promise<StoredWorkflowRun | undefined>;
  /** Newest first. */
  listWorkflowRuns(
    key: ObjectKey,
    options?: { limit?: number },
  ): Promise<StoredWorkflowRun[]>;
  /** The newest run still Running, left by a crash. */
  findInterruptedRun(key: ObjectKey): Promise<StoredWorkflowRun | undefined>;
  /** Keeps the first `maxLogBytes` (UTF-8) per container; then `truncated`. */
  appendLog(
    runId: string,
    pipeline: string,
    container: string,
    chunk: string,
  ): Promise<void>;
  /** In the order the containers first logged. */
  getLogs(runId: string): Promise<ContainerLog[]>;

  // Work queue: one entry per object
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
