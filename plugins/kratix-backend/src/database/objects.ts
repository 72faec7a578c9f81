// Promises and Resources: one row each, written by compare-and-swap on
// resource_version so two backends never lose an update.
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  KratixStatus,
  ObjectMeta,
} from '@kratix-backstage/plugin-kratix-common';
import { randomUUID } from 'node:crypto';
import {
  describeKey,
  keyColumns,
  scopedKeyColumns,
  StoreContext,
  toIso,
  toMs,
  toNumber,
} from './context';
import {
  ListObjectsOptions,
  NewObject,
  ObjectKey,
  ObjectRevision,
  ObjectUpdate,
  StoredObject,
} from './ObjectStore';
import { hashSpec } from './stableJson';
import { deleteWorkPlacements } from './workPlacements';

const TABLE = 'objects';
/** Unconditional writes retry this often when racing other writers. */
const MAX_CAS_ATTEMPTS = 10;

interface ObjectRow {
  id: number | string;
  kind: ObjectKey['kind'];
  promise: string;
  namespace: string;
  name: string;
  uid: string;
  api_version: string;
  object_kind: string;
  generation: number | string;
  resource_version: number | string;
  spec_hash: string;
  labels: string;
  annotations: string;
  spec: string;
  status: string;
  created_at: number | string;
  deletion_timestamp: number | string | null;
}

function toStoredObject(row: ObjectRow): StoredObject {
  const key: ObjectKey = {
    kind: row.kind,
    promise: row.promise,
    namespace: row.namespace,
    name: row.name,
  };
  const metadata: ObjectMeta = {
    name: row.name,
    ...(row.kind === 'Resource' ? { namespace: row.namespace } : {}),
    uid: row.uid,
    generation: toNumber(row.generation),
    resourceVersion: String(row.resource_version),
    labels: JSON.parse(row.labels),
    annotations: JSON.parse(row.annotations),
    creationTimestamp: toIso(row.created_at),
  };
  const deletionTimestamp = toIso(row.deletion_timestamp);
  if (deletionTimestamp) {
    metadata.deletionTimestamp = deletionTimestamp;
  }
  return {
    key,
    object: {
      apiVersion: row.api_version,
      kind: row.kind === 'Promise' ? 'Promise' : row.object_kind,
      metadata,
      spec: JSON.parse(row.spec),
      status: JSON.parse(row.status),
    } as StoredObject['object'],
    specHash: row.spec_hash,
  };
}

async function getRow(ctx: StoreContext, key: ObjectKey) {
  return ctx.db<ObjectRow>(TABLE).where(keyColumns(key)).first() as Promise<
    ObjectRow | undefined
  >;
}

export async function getObject(ctx: StoreContext, key: ObjectKey) {
  const row = await getRow(ctx, key);
  return row && toStoredObject(row);
}

/** Only the generation: for a running workflow to see a newer spec. */
export async function getRevision(
  ctx: StoreContext,
  key: ObjectKey,
): Promise<ObjectRevision | undefined> {
  const row = (await ctx
    .db<ObjectRow>(TABLE)
    .where(keyColumns(key))
    .first('generation', 'deletion_timestamp')) as
    | Pick<ObjectRow, 'generation' | 'deletion_timestamp'>
    | undefined;
  return (
    row && {
      generation: toNumber(row.generation),
      deleting: row.deletion_timestamp !== null,
    }
  );
}

/** Keys a batch of getObjects reads per statement. */
const KEYS_PER_QUERY = 100;

/** Several objects in one statement per KEYS_PER_QUERY keys, in the order of `keys`. */
export async function getObjects(
  ctx: StoreContext,
  keys: ObjectKey[],
): Promise<Array<StoredObject | undefined>> {
  const found = new Map<string, StoredObject>();
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    const chunk = keys.slice(i, i + KEYS_PER_QUERY);
    const rows = (await ctx.db<ObjectRow>(TABLE).whereIn(
      ['kind', 'promise', 'namespace', 'name'],
      chunk.map(k => [k.kind, k.promise, k.namespace, k.name]),
    )) as ObjectRow[];
    for (const row of rows) {
      const stored = toStoredObject(row);
      found.set(keyString(stored.key), stored);
    }
  }
  return keys.map(k => found.get(keyString(k)));
}

export function keyString(key: ObjectKey): string {
  return JSON.stringify([key.kind, key.promise, key.namespace, key.name]);
}

export async function listObjects(
  ctx: StoreContext,
  options: ListObjectsOptions,
): Promise<StoredObject[]> {
  const query = ctx
    .db<ObjectRow>(TABLE)
    .where({ kind: options.kind })
    .orderBy(['promise', 'namespace', 'name']);
  if (options.promise !== undefined) {
    query.andWhere({ promise: options.promise });
  }
  if (options.namespace !== undefined) {
    query.andWhere({ namespace: options.namespace });
  }
  if (options.limit !== undefined) {
    query.limit(options.limit);
  }
  const after = options.after;
  if (after) {
    // keyset: rows after it in the (promise, namespace, name) order
    query.andWhereRaw('(promise, namespace, name) > (?, ?, ?)', [
      after.promise,
      after.namespace,
      after.name,
    ]);
  }
  const rows = (await query) as ObjectRow[];
  return rows.map(toStoredObject);
}

export async function createObject(
  ctx: StoreContext,
  key: ObjectKey,
  object: NewObject,
): Promise<StoredObject> {
  const row: Omit<ObjectRow, 'id'> = {
    ...keyColumns(key),
    uid: randomUUID(),
    api_version: object.apiVersion,
    object_kind: object.kind,
    generation: 1,
    resource_version: 1,
    spec_hash: hashSpec(object.spec),
    labels: JSON.stringify(object.labels ?? {}),
    annotations: JSON.stringify(object.annotations ?? {}),
    spec: JSON.stringify(object.spec ?? {}),
    status: JSON.stringify(object.status ?? {}),
    created_at: ctx.now(),
    deletion_timestamp: null,
  };
  const inserted = await ctx
    .db(TABLE)
    .insert(row)
    .onConflict(['kind', 'promise', 'namespace', 'name'])
    .ignore()
    .returning('id');
  if (inserted.length === 0) {
    throw new ConflictError(`${describeKey(key)} already exists`);
  }
  return toStoredObject({ ...row, id: inserted[0].id });
}

/** The columns an update changes, given the current row. */
function changedColumns(
  row: ObjectRow,
  update: ObjectUpdate,
): Partial<ObjectRow> {
  const changes: Partial<ObjectRow> = {
    resource_version: toNumber(row.resource_version) + 1,
  };
  if (update.spec !== undefined) {
    const specHash = hashSpec(update.spec);
    changes.spec = JSON.stringify(update.spec);
    if (specHash !== row.spec_hash) {
      changes.spec_hash = specHash;
      changes.generation = toNumber(row.generation) + 1;
    }
  }
  if (update.status !== undefined) {
    changes.status = JSON.stringify(update.status);
  }
  if (update.labels !== undefined) {
    changes.labels = JSON.stringify(update.labels);
  }
  if (update.annotations !== undefined) {
    changes.annotations = JSON.stringify(update.annotations);
  }
  if (update.apiVersion !== undefined) {
    changes.api_version = update.apiVersion;
  }
  if (update.kind !== undefined) {
    changes.object_kind = update.kind;
  }
  if (update.deletionTimestamp !== undefined) {
    changes.deletion_timestamp =
      update.deletionTimestamp === null
        ? null
        : toMs(update.deletionTimestamp, 'deletionTimestamp');
  }
  return changes;
}

/**
 * Compare-and-swap on resource_version. With an expected resourceVersion a
 * stale write is a ConflictError; without one it re-reads and retries.
 */
export async function updateObject(
  ctx: StoreContext,
  key: ObjectKey,
  update: ObjectUpdate,
): Promise<StoredObject> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const row = await getRow(ctx, key);
    if (!row) {
      throw new NotFoundError(`${describeKey(key)} not found`);
    }
    if (update.uid !== undefined && update.uid !== row.uid) {
      throw new ConflictError(
        `${describeKey(key)} was deleted and created again: uid ${
          update.uid
        } is gone, the current one is ${row.uid}`,
      );
    }
    const current = String(row.resource_version);
    const expected = update.resourceVersion;
    if (expected !== undefined && expected !== current) {
      throw new ConflictError(
        `${describeKey(
          key,
        )} was modified: resourceVersion ${expected} is stale, the current one is ${current}`,
      );
    }
    const changes = changedColumns(row, update);
    const updated = await ctx
      .db<ObjectRow>(TABLE)
      .where({ id: row.id, resource_version: row.resource_version })
      .update(changes);
    if (updated === 1) {
      return toStoredObject({ ...row, ...changes });
    }
    if (expected !== undefined) {
      throw new ConflictError(
        `${describeKey(
          key,
        )} was modified concurrently: resourceVersion ${expected} is stale`,
      );
    }
  }
  throw new ConflictError(
    `${describeKey(
      key,
    )}: gave up after ${MAX_CAS_ATTEMPTS} concurrent modifications`,
  );
}

/**
 * With an expected resourceVersion: one statement, the compare-and-swap
 * itself, returning the row (no read first). Without: as updateObject.
 */
export async function updateStatus(
  ctx: StoreContext,
  key: ObjectKey,
  status: KratixStatus,
  expectedResourceVersion?: string,
): Promise<StoredObject> {
  if (expectedResourceVersion === undefined) {
    return updateObject(ctx, key, { status });
  }
  if (/^[1-9][0-9]{0,15}$/.test(expectedResourceVersion)) {
    const [row] = (await ctx
      .db<ObjectRow>(TABLE)
      .where({
        ...keyColumns(key),
        resource_version: Number(expectedResourceVersion),
      })
      .update({
        status: JSON.stringify(status),
        resource_version: ctx.db.raw('?? + 1', ['resource_version']),
      })
      .returning('*')) as ObjectRow[];
    if (row) return toStoredObject(row);
  }
  // Stale, malformed or missing: say which.
  const current = await getRow(ctx, key);
  if (!current) {
    throw new NotFoundError(`${describeKey(key)} not found`);
  }
  throw new ConflictError(
    `${describeKey(
      key,
    )} was modified: resourceVersion ${expectedResourceVersion} is stale, the current one is ${
      current.resource_version
    }`,
  );
}

/** Removes the object with its workflow runs, pipeline runs and logs. */
export async function deleteObject(
  ctx: StoreContext,
  key: ObjectKey,
): Promise<boolean> {
  return ctx.db.transaction(async trx => {
    const runs = scopedKeyColumns(ctx, key);
    const runIds = trx('workflow_runs').where(runs).select('id');
    await trx('container_logs').whereIn('run_id', runIds).delete();
    await trx('pipeline_runs').whereIn('run_id', runIds).delete();
    await trx('workflow_runs').where(runs).delete();
    await deleteWorkPlacements(ctx, trx, key);
    return (await trx(TABLE).where(keyColumns(key)).delete()) > 0;
  });
}
