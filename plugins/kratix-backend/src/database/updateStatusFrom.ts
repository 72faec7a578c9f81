import { ConflictError, NotFoundError } from '@backstage/errors';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { KratixStore, ObjectKey, StoredObject } from './KratixStore';

const ATTEMPTS = 10;

/**
 * Writes a status computed from the object's current one, compare-and-swap:
 * on a conflict it re-reads and computes again, so no concurrent write of
 * another part of the status is lost.
 */
export async function updateStatusFrom(
  store: KratixStore,
  key: ObjectKey,
  compute: (current: StoredObject) => KratixStatus,
): Promise<StoredObject> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.getObject(key);
    if (!current) {
      throw new NotFoundError(`${key.kind} '${key.name}' not found`);
    }
    try {
      return await store.updateStatus(
        key,
        compute(current),
        current.object.metadata.resourceVersion,
      );
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= ATTEMPTS) throw e;
    }
  }
}
