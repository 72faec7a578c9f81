// The durable state of the Kratix engine, in narrow stores: objects,
// the work queue, workflow runs with their logs, HealthRecords, and where
// Works were placed. Each
// consumer depends on the ones it uses; this is all of them, as the
// database implements them.
import { HealthRecordStore } from './HealthRecordStore';
import { ObjectStore } from './ObjectStore';
import { RunLog } from './RunLog';
import { WorkQueue } from './WorkQueue';
import { WorkPlacementStore } from './WorkPlacementStore';

export type KratixStore = ObjectStore &
  WorkQueue &
  RunLog &
  HealthRecordStore &
  WorkPlacementStore;

// Kubernetes mode names objects by the same key.
export type { ObjectKey } from './ObjectStore';
