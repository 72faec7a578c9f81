// Paused reconciliation (label `kratix.io/paused: "true"`, as in upstream
// Kratix): no workflow runs for the object, nor for the Resources of a
// paused Promise, until the label goes; `Reconciled` says Paused meanwhile.
import {
  ConditionReasons,
  ConditionTypes,
  findCondition,
  isPaused,
} from '@kratix-backstage/plugin-kratix-common';
import { markPaused } from '../engine';
import { ObjectStore, StoredObject } from '../database/ObjectStore';
import { updateStatusFrom } from '../database/updateStatusFrom';

/** Whether the object, or the Promise of a Resource, is paused. */
export function isReconciliationPaused(
  stored: StoredObject,
  promise: StoredObject | undefined,
): boolean {
  return (
    isPaused(stored.object.metadata.labels) ||
    isPaused(promise?.object.metadata.labels)
  );
}

/** Sets `Reconciled` to Paused, once. */
export async function markReconciliationPaused(
  store: ObjectStore,
  stored: StoredObject,
): Promise<void> {
  const reconciled = findCondition(
    stored.object.status,
    ConditionTypes.Reconciled,
  );
  if (reconciled?.reason === ConditionReasons.PausedReconciliation) return;
  await updateStatusFrom(
    store,
    stored.key,
    current =>
      markPaused(
        current.object.status ?? {},
        new Date(),
        stored.key.kind === 'Promise' ? 'promise' : 'resource',
      ),
    stored,
  );
}
