// The store the Reconciler runs on in reconcile mode: Promises and
// Resources (and, given `health`, HealthRecords) on the cluster; its work
// queue, workflow runs and Work placements in the database, as in
// embedded mode.
import { DatabaseKratixStore } from '../../database/DatabaseKratixStore';
import { HealthRecordStore } from '../../database/HealthRecordStore';
import { ObjectStore } from '../../database/ObjectStore';
import { KratixStore } from '../../database/KratixStore';

/** The ObjectStore methods, served by the cluster. */
const OBJECT_METHODS: Array<keyof ObjectStore> = [
  'onChange',
  'getObject',
  'getRevision',
  'getObjects',
  'loadObject',
  'listObjects',
  'createObject',
  'updateObject',
  'updateStatus',
  'deleteObject',
];

/** The HealthRecordStore methods, served by `health` when given. */
const HEALTH_METHODS: Array<keyof HealthRecordStore> = [
  'putHealthRecord',
  'getHealthRecord',
  'deleteHealthRecord',
  'listHealthRecordsForResource',
];

export function reconcileStore(
  objects: ObjectStore,
  database: DatabaseKratixStore,
  health?: HealthRecordStore,
): KratixStore {
  return new Proxy(database, {
    get(target, prop, receiver) {
      if (OBJECT_METHODS.includes(prop as keyof ObjectStore)) {
        const method = objects[prop as keyof ObjectStore] as Function;
        return method.bind(objects);
      }
      if (health && HEALTH_METHODS.includes(prop as keyof HealthRecordStore)) {
        const method = health[prop as keyof HealthRecordStore] as Function;
        return method.bind(health);
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as KratixStore;
}
