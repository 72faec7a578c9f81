// A Resource's health in its status: `status.healthRecord` and
// `status.healthStatus` derived from the HealthRecords that name it
// (engine/health.ts), written compare-and-swap. The REST API calls this
// after a HealthRecord changed; reconcile mode after the cluster's did.
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';
import { applyHealthRecords } from '../engine';
import { HealthRecordStore } from '../database/HealthRecordStore';
import { ObjectKey, ObjectStore } from '../database/ObjectStore';
import { updateStatusFrom } from '../database/updateStatusFrom';
import { resourceKey } from './keys';

/** The Resource a (parsed) HealthRecord applies to. */
export function healthTarget(record: HealthRecord): ObjectKey {
  const { promiseRef, resourceRef } = record.data;
  return resourceKey(
    promiseRef.name,
    resourceRef.namespace ?? record.metadata.namespace ?? 'default',
    resourceRef.name,
  );
}

/** Re-derives the Resource's health fields from its records; CAS with retry. */
export async function refreshResourceHealth(
  store: ObjectStore & Pick<HealthRecordStore, 'listHealthRecordsForResource'>,
  key: ObjectKey,
): Promise<void> {
  const records = await store.listHealthRecordsForResource(key);
  await updateStatusFrom(store, key, current =>
    applyHealthRecords(current.object.status, records),
  );
}
