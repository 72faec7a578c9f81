// The store the Reconciler runs on in reconcile mode: Promises and
// Resources on the cluster; its work queue, workflow runs, Work placements
// (and the API's HealthRecords) in the database, as in embedded mode.
import { DatabaseKratixStore } from '../../database/DatabaseKratixStore';
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

export function reconcileStore(
  objects: ObjectStore,
  database: DatabaseKratixStore,
): KratixStore {
  return new Proxy(database, {
    get(target, prop, receiver) {
      if (OBJECT_METHODS.includes(prop as keyof ObjectStore)) {
        const method = objects[prop as keyof ObjectStore] as Function;
        return method.bind(objects);
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as KratixStore;
}
