import { ConflictError, NotFoundError } from '@backstage/errors';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { ObjectKey, ObjectStore, StoredObject } from './ObjectStore';

const ATTEMPTS = 10;

/**
 * Writes a status computed from the object's current one, compare-and-swap:
 * on a conflict it re-reads and computes again, so no concurrent write of
 * another part of the status is lost.
 *
 * `known` is a version of the object the caller already has (e.g. what its
 * previous write returned): the first attempt computes from it without a
 * read. Stale, it costs one failed compare-and-swap, then reads as usual.
 */
export async function updateStatusFrom(
  store: ObjectStore,
  key: ObjectKey,
  compute: (current: Pick<StoredObject, 'object'>) => KratixStatus,
  known?: Pick<StoredObject, 'object'>,
): Promise<StoredObject> {
  // Only a stored version (with its resourceVersion) can be compared.
  let hint = known?.object.metadata.resourceVersion ? known : undefined;
  for (let attempt = 1; ; attempt++) {
    const current = hint ?? (await store.getObject(key));
    hint = undefined;
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
