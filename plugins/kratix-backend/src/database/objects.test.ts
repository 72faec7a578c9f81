import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  createStore,
  createTestDatabases,
  promiseKey,
  resourceKey,
  testClock,
} from './__testUtils__/databases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const newResource = {
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  labels: { team: 'a' },
  annotations: { note: 'x' },
  spec: { size: 'small', nested: { a: 1, b: [1, 2] } },
  status: { message: 'Pending' },
};

describe.each(databases.eachSupportedId())('objects on %p', databaseId => {
  it('creates, gets and lists objects', async () => {
    const clock = testClock();
    const { store } = await createStore(databases, databaseId, {
      now: clock.now,
    });
    const created = await store.createObject(resourceKey('db1'), newResource);
    expect(created.object).toEqual({
      apiVersion: 'marketplace.kratix.io/v1alpha1',
      kind: 'postgresql',
      metadata: {
        name: 'db1',
        namespace: 'default',
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        generation: 1,
        resourceVersion: '1',
        labels: { team: 'a' },
        annotations: { note: 'x' },
        creationTimestamp: '2025-01-01T00:00:00.000Z',
      },
      spec: newResource.spec,
      status: { message: 'Pending' },
    });
    expect(created.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.getObject(resourceKey('db1'))).toEqual(created);
    expect(await store.getObject(resourceKey('db1', 'other'))).toBeUndefined();

    await store.createObject(resourceKey('db2', 'team-b'), newResource);
    await store.createObject(resourceKey('db0'), newResource);
    const promise = await store.createObject(promiseKey('postgresql'), {
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'Promise',
      spec: { api: {} },
      status: {},
    });
    expect(promise.object.metadata.namespace).toBeUndefined();
    expect(promise.object.kind).toBe('Promise');

    const names = (objs: { object: { metadata: { name: string } } }[]) =>
      objs.map(o => o.object.metadata.name);
    expect(names(await store.listObjects({ kind: 'Resource' }))).toEqual([
      'db0',
      'db1',
      'db2',
    ]);
    expect(names(await store.listObjects({ kind: 'Promise' }))).toEqual([
      'postgresql',
    ]);
    expect(
      names(await store.listObjects({ kind: 'Resource', namespace: 'team-b' })),
    ).toEqual(['db2']);
    expect(
      names(await store.listObjects({ kind: 'Resource', promise: 'redis' })),
    ).toEqual([]);
    const after = (namespace: string, name: string) => ({
      promise: 'postgresql',
      namespace,
      name,
    });
    const page = (a: ReturnType<typeof after>, limit?: number) =>
      store.listObjects({ kind: 'Resource', limit, after: a });
    expect(names(await page(after('default', 'db0'), 1))).toEqual(['db1']);
    expect(names(await page(after('default', 'db1')))).toEqual(['db2']);
    // by namespace first, then name: 'team-b' comes after any 'default'
    expect(names(await page(after('default', 'zzz')))).toEqual(['db2']);
    expect(names(await page(after('team-b', 'db2')))).toEqual([]);
    expect(
      names(
        await store.listObjects({
          kind: 'Resource',
          after: { promise: 'a', namespace: 'z', name: 'z' },
        }),
      ),
    ).toEqual(['db0', 'db1', 'db2']);
  });

  it('refuses to create an object twice', async () => {
    const { store } = await createStore(databases, databaseId);
    await store.createObject(resourceKey('db1'), newResource);
    await expect(
      store.createObject(resourceKey('db1'), { ...newResource, spec: {} }),
    ).rejects.toThrow(ConflictError);
    expect((await store.getObject(resourceKey('db1')))?.object.spec).toEqual(
      newResource.spec,
    );
  });

  it('bumps generation only when the spec changes', async () => {
    const { store } = await createStore(databases, databaseId);
    const key = resourceKey('db1');
    const created = await store.createObject(key, newResource);

    // Same spec, keys in another order: not a change.
    const same = await store.updateObject(key, {
      spec: { nested: { b: [1, 2], a: 1 }, size: 'small' },
      labels: { team: 'b' },
    });
    expect(same.object.metadata).toMatchObject({
      generation: 1,
      resourceVersion: '2',
      labels: { team: 'b' },
      annotations: { note: 'x' },
    });
    expect(same.specHash).toBe(created.specHash);

    const changed = await store.updateObject(key, { spec: { size: 'large' } });
    expect(changed.object.metadata).toMatchObject({
      generation: 2,
      resourceVersion: '3',
    });
    expect(changed.specHash).not.toBe(created.specHash);

    const status = await store.updateStatus(key, {
      message: 'Resource requested',
    });
    expect(status.object.metadata).toMatchObject({
      generation: 2,
      resourceVersion: '4',
    });
    expect(status.object.spec).toEqual({ size: 'large' });

    const deleting = await store.updateObject(key, {
      deletionTimestamp: '2025-02-01T00:00:00.000Z',
    });
    expect(deleting.object.metadata.deletionTimestamp).toBe(
      '2025-02-01T00:00:00.000Z',
    );
    expect(await store.getObject(key)).toEqual(deleting);
  });

  it('never overwrites with a stale resourceVersion', async () => {
    const { store } = await createStore(databases, databaseId);
    const key = resourceKey('db1');
    await store.createObject(key, newResource);
    const winner = await store.updateObject(key, {
      resourceVersion: '1',
      spec: { size: 'large' },
    });
    await expect(
      store.updateObject(key, { resourceVersion: '1', spec: { size: 'tiny' } }),
    ).rejects.toThrow(ConflictError);
    await expect(
      store.updateStatus(key, { message: 'stale' }, '1'),
    ).rejects.toThrow(/resourceVersion 1 is stale/);
    expect(await store.getObject(key)).toEqual(winner);
  });

  it('never updates an object deleted and created again since it was read', async () => {
    const { store } = await createStore(databases, databaseId);
    const key = resourceKey('db1');
    const first = await store.createObject(key, newResource);
    await store.deleteObject(key);
    const second = await store.createObject(key, newResource);
    expect(second.object.metadata.resourceVersion).toBe(
      first.object.metadata.resourceVersion,
    );
    await expect(
      store.updateObject(key, {
        resourceVersion: first.object.metadata.resourceVersion,
        uid: first.object.metadata.uid,
        spec: { size: 'tiny' },
      }),
    ).rejects.toThrow(/was deleted and created again/);
    expect(await store.getObject(key)).toEqual(second);
  });

  it('loses no update when writers race', async () => {
    const { store } = await createStore(databases, databaseId);
    const key = resourceKey('db1');
    await store.createObject(key, newResource);
    const writes = 8;
    const results = await Promise.allSettled(
      Array.from({ length: writes }, (_, i) =>
        store.updateObject(key, {
          resourceVersion: '1',
          status: { message: `w${i}` },
        }),
      ),
    );
    // Exactly one writer expecting version 1 wins; the rest conflict.
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    // Writers without an expected version all land, one after another.
    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        store.updateObject(key, { labels: { [`w${i}`]: 'x' } }),
      ),
    );
    expect((await store.getObject(key))?.object.metadata.resourceVersion).toBe(
      String(2 + writes),
    );
  });

  it('reports a missing object', async () => {
    const { store } = await createStore(databases, databaseId);
    await expect(
      store.updateObject(resourceKey('nope'), { spec: {} }),
    ).rejects.toThrow(NotFoundError);
    await expect(store.updateStatus(resourceKey('nope'), {})).rejects.toThrow(
      'Resource postgresql/default/nope not found',
    );
    expect(await store.deleteObject(resourceKey('nope'))).toBe(false);
  });

  it('deletes an object with its runs and logs', async () => {
    const { store } = await createStore(databases, databaseId);
    const key = resourceKey('db1');
    const other = resourceKey('db2');
    await store.createObject(key, newResource);
    await store.createObject(other, newResource);
    const run = await store.createWorkflowRun({
      key,
      type: 'resource',
      action: 'configure',
      generation: 1,
      pipelines: ['p1'],
    });
    const kept = await store.createWorkflowRun({
      key: other,
      type: 'resource',
      action: 'configure',
      generation: 1,
      pipelines: ['p1'],
    });
    await store.appendLog(run, 'p1', 'c1', 'hello');
    await store.appendLog(kept, 'p1', 'c1', 'kept');

    expect(await store.deleteObject(key)).toBe(true);
    expect(await store.getObject(key)).toBeUndefined();
    expect(await store.getWorkflowRun(run)).toBeUndefined();
    expect(await store.getLogs(run)).toEqual([]);
    expect(await store.listWorkflowRuns(key)).toEqual([]);
    expect(await store.getWorkflowRun(kept)).toBeDefined();
    expect(await store.getLogs(kept)).toHaveLength(1);
  });
  it('writes a status by compare-and-swap in one statement', async () => {
    const { store, knex } = await createStore(databases, databaseId);
    const key = resourceKey('db1');
    await store.createObject(key, newResource);
    const statements: string[] = [];
    const count = (q: { sql: string }) => statements.push(q.sql);
    knex.on('query', count);
    const saved = await store.updateStatus(key, { message: 'Ready' }, '1');
    knex.off('query', count);
    expect(statements).toHaveLength(1);
    expect(saved).toEqual(await store.getObject(key));
    expect(saved.object.metadata).toMatchObject({
      resourceVersion: '2',
      generation: 1,
    });
    expect(saved.object.status).toEqual({ message: 'Ready' });

    await expect(store.updateStatus(key, {}, '1')).rejects.toThrow(
      'Resource postgresql/default/db1 was modified: resourceVersion 1 is stale, the current one is 2',
    );
    for (const malformed of ['02', 'abc', '', '-2', '2.0']) {
      await expect(store.updateStatus(key, {}, malformed)).rejects.toThrow(
        ConflictError,
      );
    }
    await expect(
      store.updateStatus(resourceKey('nope'), {}, '1'),
    ).rejects.toThrow(NotFoundError);
    expect((await store.getObject(key))?.object.status).toEqual({
      message: 'Ready',
    });
  });

  it('reads the generation and deletion mark alone, and many objects at once', async () => {
    const { store } = await createStore(databases, databaseId);
    const [a, b, c] = ['a', 'b', 'c'].map(n => resourceKey(n));
    await store.createObject(a, newResource);
    await store.createObject(c, newResource);
    await store.updateObject(c, { spec: { size: 'large' } });
    expect(await store.getRevision(c)).toEqual({
      generation: 2,
      deleting: false,
    });
    expect(await store.getRevision(b)).toBeUndefined();
    await store.updateObject(c, {
      deletionTimestamp: new Date().toISOString(),
    });
    expect(await store.getRevision(c)).toEqual({
      generation: 2,
      deleting: true,
    });

    const many = Array.from({ length: 150 }, (_, i) => resourceKey(`m${i}`));
    for (const key of many.slice(0, 120)) {
      await store.createObject(key, newResource);
    }
    const got = await store.getObjects([c, b, a, ...many]);
    expect(got.slice(0, 3)).toEqual([
      await store.getObject(c),
      undefined,
      await store.getObject(a),
    ]);
    expect(got.slice(3).map(o => o?.key.name)).toEqual(
      many.map((k, i) => (i < 120 ? k.name : undefined)),
    );
  });

  it('loads the objects asked for in one turn with one query', async () => {
    const { store, knex } = await createStore(databases, databaseId);
    const [a, b] = ['a', 'b'].map(n => resourceKey(n));
    await store.createObject(a, newResource);
    await store.createObject(b, newResource);
    let statements = 0;
    const count = () => statements++;
    knex.on('query', count);
    const [a1, b1, a2, missing] = await Promise.all([
      store.loadObject(a),
      store.loadObject(b),
      store.loadObject(a),
      store.loadObject(resourceKey('nope')),
    ]);
    knex.off('query', count);
    expect(statements).toBe(1);
    expect(a1).toEqual(await store.getObject(a));
    expect(b1).toEqual(await store.getObject(b));
    expect(missing).toBeUndefined();
    // Two callers of one object get copies of it.
    expect(a2).toEqual(a1);
    expect(a2).not.toBe(a1);
    a1!.object.status!.message = 'changed by a caller';
    expect(a2!.object.status!.message).toBe('Pending');

    // A load sees the writes that completed before it.
    await store.updateStatus(a, { message: 'Ready' });
    expect((await store.loadObject(a))?.object.status).toEqual({
      message: 'Ready',
    });
  });
});
