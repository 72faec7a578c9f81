import { NotFoundError } from '@backstage/errors';
import {
  createStore,
  createTestDatabases,
  resourceKey,
} from './__testUtils__/databases';
import { updateStatusFrom } from './updateStatusFrom';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const newResource = {
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  spec: {},
  status: { message: 'Pending' },
};

describe.each(databases.eachSupportedId())(
  'updateStatusFrom on %p',
  databaseId => {
    it('computes from the version it is given, without reading', async () => {
      const { store, knex } = await createStore(databases, databaseId);
      const key = resourceKey('db1');
      const created = await store.createObject(key, newResource);
      const statements: string[] = [];
      const count = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', count);
      const saved = await updateStatusFrom(
        store,
        key,
        current => ({ message: `${current.object.status?.message} -> Ready` }),
        created,
      );
      knex.off('query', count);
      expect(statements).toHaveLength(1);
      expect(saved.object.status).toEqual({ message: 'Pending -> Ready' });
    });

    it('reads again when the given version is stale, losing no write', async () => {
      const { store } = await createStore(databases, databaseId);
      const key = resourceKey('db1');
      const created = await store.createObject(key, newResource);
      // Another writer adds a field after `created` was read.
      await store.updateStatus(key, { message: 'Pending', health: 'ok' }, '1');
      const seen: unknown[] = [];
      const saved = await updateStatusFrom(
        store,
        key,
        current => {
          seen.push(current.object.status);
          return { ...current.object.status, message: 'Ready' };
        },
        created,
      );
      expect(seen).toEqual([
        { message: 'Pending' },
        { message: 'Pending', health: 'ok' },
      ]);
      expect(saved.object.status).toEqual({ message: 'Ready', health: 'ok' });
      expect(saved.object.metadata.resourceVersion).toBe('3');
    });

    it('reads first without a stored version, and reports a missing object', async () => {
      const { store } = await createStore(databases, databaseId);
      const key = resourceKey('db1');
      const created = await store.createObject(key, newResource);
      await store.updateStatus(key, { message: 'Newer' }, '1');
      // Without its resourceVersion the object given cannot be compared.
      const { resourceVersion: _, ...metadata } = created.object.metadata;
      const saved = await updateStatusFrom(
        store,
        key,
        current => ({ message: `${current.object.status?.message}!` }),
        { object: { ...created.object, metadata } },
      );
      expect(saved.object.status).toEqual({ message: 'Newer!' });
      await expect(
        updateStatusFrom(store, resourceKey('nope'), () => ({})),
      ).rejects.toThrow(NotFoundError);
      await expect(
        updateStatusFrom(store, resourceKey('nope'), () => ({}), created),
      ).rejects.toThrow(NotFoundError);
    });
  },
);
