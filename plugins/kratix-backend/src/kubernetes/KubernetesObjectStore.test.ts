// The object store on a real kube-apiserver: writes through CustomObjectsApi,
// reads from the watches, the API server's 409 on a stale resourceVersion.
import { ConflictError, NotFoundError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import { eventually } from '../__testUtils__/startKratix';
import { ObjectChange, ObjectKey } from '../database/ObjectStore';
import { hashSpec } from '../database/stableJson';
import { KubernetesObjectStore } from './KubernetesObjectStore';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from './__testUtils__/kubeTestCluster';
import {
  installPromise,
  promiseFixture,
  retry,
} from './__testUtils__/promiseFixture';

jest.setTimeout(120_000);

const thing = promiseFixture({
  name: 'thing',
  group: 'test.kratix.io',
  kind: 'Thing',
  plural: 'things',
});

const key = (namespace: string, name: string): ObjectKey => ({
  kind: 'Resource',
  promise: 'thing',
  namespace,
  name,
});
const newThing = (size: number) => ({
  apiVersion: 'test.kratix.io/v1',
  kind: 'Thing',
  labels: { team: 'a' },
  spec: { size },
  status: {},
});
const names = (list: Array<{ key: ObjectKey }>) =>
  list.map(o => `${o.key.namespace}/${o.key.name}`);

describe('KubernetesObjectStore', () => {
  let cluster: KubeTestCluster;
  let store: KubernetesObjectStore;

  beforeAll(async () => {
    cluster = await startKubeTestCluster();
    await installPromise(cluster, thing);
    store = new KubernetesObjectStore(
      { name: 'prod', kubeConfig: cluster.kubeConfig },
      mockServices.logger.mock(),
    );
    await store.start();
    // The Promise's Resources are watched once it is seen.
    await eventually(() =>
      store.listObjects({ kind: 'Resource', promise: 'thing' }),
    );
  });
  afterAll(async () => {
    await store?.stop();
    cluster?.stop();
  });

  it('creates Resources, reads them back, and refuses one that exists', async () => {
    const create = (namespace: string, name: string) =>
      retry(() => store.createObject(key(namespace, name), newThing(1)));
    await create('default', 'b');
    await create('kube-system', 'a');
    await create('default', 'c');
    await create('default', 'a');
    const created = await eventually(() =>
      store.getObject(key('default', 'a')),
    );
    expect(created.object.metadata.generation).toBe(1);
    expect(created.object.spec).toEqual({ size: 1 });
    expect(created.object.metadata.labels).toEqual({ team: 'a' });
    expect(created.specHash).toBe(hashSpec({ size: 1 }));
    expect(created.key).toMatchObject({ cluster: 'prod', promise: 'thing' });

    await expect(
      store.createObject(key('default', 'a'), newThing(2)),
    ).rejects.toThrow(ConflictError);
  });

  it('lists in order of promise, namespace, name, with keyset paging', async () => {
    const all = await eventually(async () => {
      const list = await store.listObjects({ kind: 'Resource' });
      return list.length === 4 ? list : undefined;
    });
    expect(names(all)).toEqual([
      'default/a',
      'default/b',
      'default/c',
      'kube-system/a',
    ]);
    const first = await store.listObjects({ kind: 'Resource', limit: 2 });
    expect(names(first)).toEqual(['default/a', 'default/b']);
    const next = await store.listObjects({
      kind: 'Resource',
      limit: 2,
      after: { promise: 'thing', namespace: 'default', name: 'b' },
    });
    expect(names(next)).toEqual(['default/c', 'kube-system/a']);
    const inNamespace = await store.listObjects({
      kind: 'Resource',
      promise: 'thing',
      namespace: 'kube-system',
    });
    expect(names(inNamespace)).toEqual(['kube-system/a']);
    const promises = await store.listObjects({ kind: 'Promise' });
    expect(promises.map(p => p.key.name)).toEqual(['thing']);
  });

  it('updates with compare-and-swap: the API server refuses a stale resourceVersion', async () => {
    const before = (await store.getObject(key('default', 'b')))!;
    const stale = before.object.metadata.resourceVersion!;
    const updated = await store.updateObject(key('default', 'b'), {
      resourceVersion: stale,
      spec: { size: 2 },
    });
    expect(updated.object.metadata.generation).toBe(2);
    expect(updated.object.metadata.resourceVersion).not.toBe(stale);
    expect(updated.specHash).toBe(hashSpec({ size: 2 }));

    await expect(
      store.updateObject(key('default', 'b'), {
        resourceVersion: stale,
        spec: { size: 3 },
      }),
    ).rejects.toThrow(ConflictError);

    // Without a resourceVersion: the current one; labels keep the generation.
    const relabelled = await store.updateObject(key('default', 'b'), {
      labels: { team: 'b' },
    });
    expect(relabelled.object.metadata.labels).toEqual({ team: 'b' });
    expect(relabelled.object.metadata.generation).toBe(2);
    expect(relabelled.object.spec).toEqual({ size: 2 });
    const seen = await eventually(async () => {
      const o = await store.getObject(key('default', 'b'));
      return o?.object.metadata.labels?.team === 'b' ? o : undefined;
    });
    expect(await store.getRevision(key('default', 'b'))).toEqual({
      generation: 2,
      deleting: false,
    });
    expect(seen.object.spec).toEqual({ size: 2 });
  });

  it('writes the status through the status subresource, with compare-and-swap', async () => {
    const before = await store.updateStatus(key('default', 'c'), {
      message: 'Resource requested',
    });
    expect(before.object.status).toEqual({ message: 'Resource requested' });
    expect(before.object.metadata.generation).toBe(1);
    await expect(
      store.updateStatus(key('default', 'c'), { message: 'late' }, '1'),
    ).rejects.toThrow(ConflictError);
    const after = await store.updateStatus(
      key('default', 'c'),
      { message: 'Resource ready' },
      before.object.metadata.resourceVersion,
    );
    expect(after.object.status).toEqual({ message: 'Resource ready' });
    expect(after.object.metadata.resourceVersion).not.toBe(
      before.object.metadata.resourceVersion,
    );
  });

  it('tells onChange of writes, from the watch', async () => {
    const changes: ObjectChange[] = [];
    const unsubscribe = store.onChange(change => void changes.push(change));
    try {
      await store.updateObject(key('kube-system', 'a'), { spec: { size: 5 } });
      const change = await eventually(async () =>
        changes.find(
          c =>
            c.key.name === 'a' &&
            c.key.namespace === 'kube-system' &&
            (c.stored?.object.spec as { size?: number })?.size === 5,
        ),
      );
      expect(change.key).toEqual({
        ...key('kube-system', 'a'),
        cluster: 'prod',
      });
      expect(change.stored!.specHash).toBe(hashSpec({ size: 5 }));

      expect(await store.deleteObject(key('kube-system', 'a'))).toBe(true);
      await eventually(async () =>
        changes.find(c => c.key.namespace === 'kube-system' && !c.stored),
      );
    } finally {
      unsubscribe();
    }
  });

  it('deletes, and answers NotFound for what is missing', async () => {
    expect(await store.deleteObject(key('default', 'a'))).toBe(true);
    await eventually(async () =>
      (await store.getObject(key('default', 'a'))) ? undefined : true,
    );
    expect(await store.getRevision(key('default', 'a'))).toBeUndefined();
    expect(await store.deleteObject(key('default', 'a'))).toBe(false);
    await expect(
      store.updateObject(key('default', 'a'), { spec: { size: 1 } }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      store.updateStatus(key('default', 'a'), { message: 'x' }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      store.createObject(
        { ...key('default', 'x'), promise: 'nope' },
        newThing(1),
      ),
    ).rejects.toThrow(NotFoundError);
    expect(
      await store.getObject({ ...key('default', 'x'), promise: 'nope' }),
    ).toBeUndefined();
  });

  it('creates, updates and deletes a Promise', async () => {
    const promiseKey: ObjectKey = {
      kind: 'Promise',
      promise: 'bare',
      namespace: '',
      name: 'bare',
    };
    const changes: ObjectChange[] = [];
    const unsubscribe = store.onChange(change => void changes.push(change));
    try {
      const created = await store.createObject(promiseKey, {
        apiVersion: 'platform.kratix.io/v1alpha1',
        kind: 'Promise',
        spec: {},
        status: {
          message: 'Promise installed',
          workflows: 0,
          workflowsFailed: 0,
          workflowsSucceeded: 0,
        },
      });
      expect(created.object.metadata.generation).toBe(1);
      expect(created.object.status?.message).toBe('Promise installed');
      expect(changes.map(c => c.key.name)).toContain('bare');
      const listed = await eventually(async () => {
        const list = await store.listObjects({ kind: 'Promise' });
        return list.length === 2 ? list : undefined;
      });
      expect(listed.map(p => p.key.name)).toEqual(['bare', 'thing']);
      await expect(
        store.updateObject(promiseKey, { resourceVersion: '1', spec: {} }),
      ).rejects.toThrow(ConflictError);
      expect(await store.deleteObject(promiseKey)).toBe(true);
      expect(changes.at(-1)).toEqual({
        key: { ...promiseKey, cluster: 'prod' },
      });
    } finally {
      unsubscribe();
    }
  });
});
