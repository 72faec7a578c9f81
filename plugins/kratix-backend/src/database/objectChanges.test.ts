// The object store's change feed: one change per successful write, with
// the object after it (or none, deleted), before the write returns; failed
// writes and failing listeners change nothing.
import { ConflictError } from '@backstage/errors';
import {
  createStore,
  createTestDatabases,
  resourceKey,
} from './__testUtils__/databases';
import { ObjectChange } from './ObjectStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const newResource = {
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  spec: { size: 'small' },
  status: { message: 'Pending' },
};

describe.each(databases.eachSupportedId())('object changes on %p', id => {
  it('tells each listener of every write, with what it left', async () => {
    const { store } = await createStore(databases, id);
    const changes: ObjectChange[] = [];
    store.onChange(c => void changes.push(c));
    // A failing listener neither fails the write nor stops the others.
    store.onChange(() => Promise.reject(new Error('listener down')));
    const key = resourceKey('db1');

    const created = await store.createObject(key, newResource);
    expect(changes).toEqual([{ key, stored: created }]);
    const updated = await store.updateObject(key, { spec: { size: 'big' } });
    const status = await store.updateStatus(key, { message: 'Ready' });
    expect(changes.slice(1)).toEqual([
      { key, stored: updated },
      { key, stored: status },
    ]);
    expect(status.object.metadata.resourceVersion).toBe('3');

    await expect(
      store.updateStatus(key, { message: 'stale' }, '1'),
    ).rejects.toThrow(ConflictError);
    await expect(store.createObject(key, newResource)).rejects.toThrow(
      ConflictError,
    );
    expect(changes).toHaveLength(3);

    expect(await store.deleteObject(key)).toBe(true);
    expect(await store.deleteObject(key)).toBe(false);
    expect(changes.slice(3)).toEqual([{ key }]);
  });

  it('stops telling a listener once it unsubscribes', async () => {
    const { store } = await createStore(databases, id);
    const changes: ObjectChange[] = [];
    const unsubscribe = store.onChange(c => void changes.push(c));
    await store.createObject(resourceKey('db1'), newResource);
    unsubscribe();
    await store.createObject(resourceKey('db2'), newResource);
    expect(changes.map(c => c.key.name)).toEqual(['db1']);
  });
});
