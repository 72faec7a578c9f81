// What the parts of the database store share.
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { ObjectKey } from './ObjectStore';

export interface StoreContext {
  db: Knex;
  /** Milliseconds since the epoch. */
  now(): number;
  maxLogBytes: number;
  /**
   * The Kubernetes cluster whose work queue, runs and Work placements these
   * are (reconcile mode); '' for the embedded engine.
   */
  cluster: string;
}

/** The key columns of a row that belongs to one object. */
export function keyColumns(key: ObjectKey) {
  return {
    kind: key.kind,
    promise: key.promise,
    namespace: key.namespace,
    name: key.name,
  };
}

/** The key columns of a queue, run or placement row: with the cluster. */
export function scopedKeyColumns(ctx: StoreContext, key: ObjectKey) {
  return { cluster: ctx.cluster, ...keyColumns(key) };
}

export function describeKey(key: ObjectKey): string {
  return key.kind === 'Promise'
    ? `Promise ${key.name}`
    : `Resource ${key.promise}/${key.namespace}/${key.name}`;
}

/** pg returns bigint columns as strings. */
export function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toIso(ms: number | string | null | undefined) {
  return ms === null || ms === undefined
    ? undefined
    : new Date(toNumber(ms)).toISOString();
}

export function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new InputError(`${field} is not an ISO 8601 time: '${iso}'`);
  }
  return ms;
}
