// HealthRecords, and which Resource each applies to.
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';

/** A resource a HealthRecord applies to. */
export interface ResourceRef {
  promise: string;
  namespace: string;
  name: string;
}

/** HealthRecords; namespace defaults to 'default'. */
export interface HealthRecordStore {
  putHealthRecord(record: HealthRecord): Promise<{ created: boolean }>;
  getHealthRecord(
    namespace: string,
    name: string,
  ): Promise<HealthRecord | undefined>;
  deleteHealthRecord(namespace: string, name: string): Promise<boolean>;
  /** resourceRef.namespace defaults to the record's namespace. */
  listHealthRecordsForResource(ref: ResourceRef): Promise<HealthRecord[]>;
}
