import { workloadPath } from '../engine';
import { ObjectKey, ObjectStore } from '../database/ObjectStore';

export function promiseKey(name: string): ObjectKey {
  return { kind: 'Promise', promise: name, namespace: '', name };
}

export function resourceKey(
  promise: string,
  namespace: string,
  name: string,
): ObjectKey {
  return { kind: 'Resource', promise, namespace, name };
}

/** Where all of an object's pipelines write in each Destination. */
export function objectWorkloadPath(key: ObjectKey): string {
  const path = workloadPath({
    type: key.kind === 'Promise' ? 'promise' : 'resource',
    promise: key.promise,
    namespace: key.namespace,
    name: key.name,
    pipeline: '',
  });
  return path.replace(/\/$/, '');
}

export async function resourceKeysOf(
  store: ObjectStore,
  promise: string,
): Promise<ObjectKey[]> {
  const resources = await store.listObjects({ kind: 'Resource', promise });
  return resources.map(r => r.key);
}
