// HealthRecords, kept whole as JSON and indexed by the Resource they apply to.
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';
import { StoreContext } from './context';
import { ResourceRef } from './HealthRecordStore';

const TABLE = 'health_records';
const DEFAULT_NAMESPACE = 'default';

interface HealthRecordRow {
  namespace: string;
  name: string;
  promise: string;
  resource_namespace: string;
  resource_name: string;
  record: string;
  updated_at: number | string;
}

/** Creates the record or replaces the one with its namespace and name. */
export async function putHealthRecord(
  ctx: StoreContext,
  record: HealthRecord,
): Promise<{ created: boolean }> {
  const namespace = record.metadata.namespace || DEFAULT_NAMESPACE;
  const stored: HealthRecord = {
    ...record,
    metadata: { ...record.metadata, namespace },
  };
  const identity = { namespace, name: record.metadata.name };
  const columns = {
    promise: record.data.promiseRef.name,
    resource_namespace: record.data.resourceRef.namespace || namespace,
    resource_name: record.data.resourceRef.name,
    record: JSON.stringify(stored),
    updated_at: ctx.now(),
  };
  // Insert or else replace; the loop covers a delete in between.
  for (;;) {
    const inserted = await ctx
      .db(TABLE)
      .insert({ ...identity, ...columns })
      .onConflict(['namespace', 'name'])
      .ignore()
      .returning('name');
    if (inserted.length === 1) return { created: true };
    if ((await ctx.db(TABLE).where(identity).update(columns)) === 1) {
      return { created: false };
    }
  }
}

export async function getHealthRecord(
  ctx: StoreContext,
  namespace: string,
  name: string,
): Promise<HealthRecord | undefined> {
  const row = (await ctx
    .db<HealthRecordRow>(TABLE)
    .where({ namespace, name })
    .first()) as HealthRecordRow | undefined;
  return row && JSON.parse(row.record);
}

export async function deleteHealthRecord(
  ctx: StoreContext,
  namespace: string,
  name: string,
): Promise<boolean> {
  return (await ctx.db(TABLE).where({ namespace, name }).delete()) > 0;
}

/** Ordered by namespace and name of the record. */
export async function listHealthRecordsForResource(
  ctx: StoreContext,
  ref: ResourceRef,
): Promise<HealthRecord[]> {
  const rows = (await ctx
    .db<HealthRecordRow>(TABLE)
    .where({
      promise: ref.promise,
      resource_namespace: ref.namespace,
      resource_name: ref.name,
    })
    .orderBy(['namespace', 'name'])) as HealthRecordRow[];
  return rows.map(row => JSON.parse(row.record));
}
