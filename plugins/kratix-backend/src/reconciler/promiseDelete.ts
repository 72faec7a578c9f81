// Deleting a Promise, in upstream Kratix's order: its Resources' running
// configure pipelines end, its delete workflow runs, then its Resources
// are deleted (their delete workflows run), then the Promise goes.
import { ObjectStore, StoredObject } from '../database/ObjectStore';
import { RunLog } from '../database/RunLog';
import { WorkQueue } from '../database/WorkQueue';

/** Whether the Promise's delete workflow succeeded since it was deleted. */
export async function deleteWorkflowSucceeded(
  store: RunLog,
  promise: StoredObject,
): Promise<boolean> {
  const since = Date.parse(promise.object.metadata.deletionTimestamp!);
  const runs = await store.listWorkflowRuns(promise.key, { limit: 8 });
  return runs.some(
    r =>
      r.action === 'delete' &&
      r.phase === 'Succeeded' &&
      // Runs' times are whole seconds.
      Date.parse(r.startedAt ?? '') >= since - 1000,
  );
}

/** Whether a configure workflow of one of the Promise's Resources runs. */
export async function resourceConfigureRunning(
  store: ObjectStore & RunLog,
  promise: string,
): Promise<boolean> {
  for (const r of await store.listObjects({ kind: 'Resource', promise })) {
    const [newest] = await store.listWorkflowRuns(r.key, { limit: 1 });
    if (newest?.action === 'configure' && newest.phase === 'Running') {
      return true;
    }
  }
  return false;
}

/**
 * Marks the Promise's Resources for deletion and queues them. Returns how
 * many remain (being deleted) and how many were marked now.
 */
export async function deleteResourcesOf(
  store: ObjectStore & WorkQueue,
  promise: string,
): Promise<{ remaining: number; marked: number }> {
  const resources = await store.listObjects({ kind: 'Resource', promise });
  const marking = resources.filter(r => !r.object.metadata.deletionTimestamp);
  for (const r of marking) {
    await store.updateObject(r.key, {
      deletionTimestamp: new Date().toISOString(),
    });
    await store.enqueue(r.key, { reason: 'promise-deleted' });
  }
  return { remaining: resources.length, marked: marking.length };
}
