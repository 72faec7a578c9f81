// Trigger labels, as in upstream Kratix: `kratix.io/manual-reconciliation:
// "true"` on a Resource or Promise runs its configure workflow again, and
// `kratix.io/reconcile-resources: "true"` on a Promise runs all of its
// Resources again. The engine removes each label once it has acted on it.
import { ConflictError } from '@backstage/errors';
import { ObjectStore, StoredObject } from '../database/ObjectStore';

export const MANUAL_RECONCILIATION_LABEL = 'kratix.io/manual-reconciliation';
export const RECONCILE_RESOURCES_LABEL = 'kratix.io/reconcile-resources';

/** Whether `label` is set to "true" on the object. */
export function hasTrigger(stored: StoredObject, label: string): boolean {
  return stored.object.metadata.labels?.[label] === 'true';
}

/**
 * Removes `label` from the object, keeping its other labels; returns the
 * object as saved. A write in between is kept: the removal is tried again
 * on the object as it is then.
 */
export async function removeLabel(
  store: ObjectStore,
  stored: StoredObject,
  label: string,
): Promise<StoredObject> {
  for (let attempt = 1; ; attempt++) {
    const current = (await store.getObject(stored.key)) ?? stored;
    const labels = { ...current.object.metadata.labels };
    if (!(label in labels)) return current;
    delete labels[label];
    try {
      return await store.updateObject(current.key, {
        resourceVersion: current.object.metadata.resourceVersion,
        labels,
      });
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= 3) throw e;
    }
  }
}
