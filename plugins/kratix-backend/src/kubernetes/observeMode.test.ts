// Kubernetes observe mode against a real kube-apiserver. The test plays
// upstream Kratix: it applies the Promise and its API CRD, writes statuses
// and creates labelled Jobs and Pods; the real plugin serves them.
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { eventually } from '../__testUtils__/startKratix';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from './__testUtils__/kubeTestCluster';
import {
  installPromise,
  promiseFixture,
  retry,
  startClusterBackend,
} from './__testUtils__/promiseFixture';

jest.setTimeout(120_000);

const thing = promiseFixture({
  name: 'thing',
  group: 'test.kratix.io',
  kind: 'Thing',
  plural: 'things',
});
const THINGS = thing.where;

const base = '/api/kratix';
const url = `${base}/promises/thing/resources/default/one`;

describe('Kubernetes observe mode', () => {
  let cluster: KubeTestCluster;
  let custom: CustomObjectsApi;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const signals: Array<{ channel: string; message: any; at: number }> = [];

  beforeAll(async () => {
    cluster = await startKubeTestCluster();
    custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    await installPromise(cluster, thing);
    backend = await startClusterBackend(
      [{ name: 'prod', kubeconfig: cluster.kubeconfig }],
      [
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async (s: any) =>
              void signals.push({ ...s, at: Date.now() }),
          }),
        }),
      ],
    );
  });
  afterAll(async () => {
    await backend?.stop();
    cluster?.stop();
  });

  const api = () => request(backend.server);

  it('lists the Promises and finds Resources made with kubectl within seconds', async () => {
    const promises = await eventually(async () => {
      const res = await api().get(`${base}/promises`);
      return res.status === 200 && res.body.items.length ? res.body : undefined;
    });
    expect(promises.items.map((p: any) => p.metadata.name)).toEqual(['thing']);

    await retry(() =>
      custom.createNamespacedCustomObject({
        ...THINGS,
        namespace: 'default',
        body: {
          apiVersion: 'test.kratix.io/v1',
          kind: 'Thing',
          metadata: { name: 'one', labels: { team: 'a' } },
          spec: { size: 1 },
        },
      }),
    );
    const one = await eventually(async () => {
      const res = await api().get(url);
      return res.status === 200 ? res.body : undefined;
    });
    expect(one.spec).toEqual({ size: 1 });
    const list = await api()
      .get(`${base}/promises/thing/resources?labelSelector=team%3Da`)
      .expect(200);
    expect(list.body.items.map((r: any) => r.metadata.name)).toEqual(['one']);
  });

  it('shows the status as Kratix wrote it, and signals the change in under a second', async () => {
    const status = {
      message: 'Resource requested',
      conditions: [
        {
          type: 'ConfigureWorkflowCompleted',
          status: 'True',
          reason: 'PipelinesExecutedSuccessfully',
          message: 'Pipelines completed',
          lastTransitionTime: '2026-11-29T00:00:00Z',
        },
      ],
      healthStatus: { state: 'healthy' },
    };
    const patchedAt = Date.now();
    await custom.patchNamespacedCustomObjectStatus(
      { ...THINGS, namespace: 'default', name: 'one', body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const signal = await eventually(
      async () =>
        signals.find(
          s => s.channel === 'kratix:thing:default:one' && s.at >= patchedAt,
        ),
      5000,
    );
    expect(signal.at - patchedAt).toBeLessThan(1000);
    expect(signal.message.status).toBeUndefined();
    const res = await api().get(url).expect(200);
    expect(res.body.status).toEqual(status);
  });

  it('requests, reconciles and deletes Resources on the cluster; the API server judges the spec', async () => {
    const two = `${base}/promises/thing/resources/default/two`;
    const created = await api()
      .put(two)
      .send({ spec: { size: 2 } })
      .expect(201);
    expect(created.body.metadata.name).toBe('two');
    const onCluster: any = await custom.getNamespacedCustomObject({
      ...THINGS,
      namespace: 'default',
      name: 'two',
    });
    expect(onCluster.spec).toEqual({ size: 2 });

    // Create-only on one that exists: 409, nothing changed.
    const taken = await api()
      .put(two)
      .set('If-None-Match', '*')
      .send({ spec: { size: 4 } })
      .expect(409);
    expect(taken.body.error.message).toMatch(/already exists/);

    // A stale resourceVersion: 409, nothing changed.
    const stale = await api()
      .put(two)
      .send({ metadata: { resourceVersion: '1' }, spec: { size: 3 } })
      .expect(409);
    expect(stale.body.error.message).toMatch(/cluster prod/);

    // The CRD's schema, enforced by the API server: 422 naming the field.
    const invalid = await api()
      .put(`${base}/promises/thing/resources/default/three`)
      .send({ spec: { size: 99 } })
      .expect(422);
    expect(invalid.body.error.message).toMatch(/spec\.size/);
    await expect(
      custom.getNamespacedCustomObject({
        ...THINGS,
        namespace: 'default',
        name: 'three',
      }),
    ).rejects.toMatchObject({ code: 404 });

    await eventually(async () =>
      (await api().get(two)).status === 200 ? true : undefined,
    );
    await api().post(`${two}/reconcile`).expect(202);
    const labelled: any = await custom.getNamespacedCustomObject({
      ...THINGS,
      namespace: 'default',
      name: 'two',
    });
    expect(labelled.metadata.labels).toMatchObject({
      'kratix.io/manual-reconciliation': 'true',
    });

    await api().delete(two).expect(202);
    await eventually(async () =>
      (await api().get(two)).status === 404 ? true : undefined,
    );
  });

  it("shows the Resource's pipeline Jobs as runs, and says when logs cannot be read", async () => {
    const labels = {
      'kratix.io/promise-name': 'thing',
      'kratix.io/resource-name': 'one',
      'kratix.io/pipeline-name': 'configure-one',
      'kratix.io/workflow-type': 'resource',
      'kratix.io/workflow-action': 'configure',
      'kratix.io/hash': 'abc123',
    };
    const job = await cluster.objects.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'kratix-thing-one-configure-one',
        namespace: 'default',
        labels,
      },
      spec: {
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'status-writer', image: 'busybox' }],
          },
        },
      },
    } as any);
    await cluster.objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'kratix-thing-one-configure-one-x1',
        namespace: 'default',
        labels: { ...labels, 'job-name': job.metadata!.name! },
      },
      spec: { containers: [{ name: 'status-writer', image: 'busybox' }] },
    } as any);

    const runs = await api().get(`${url}/runs`).expect(200);
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0]).toMatchObject({
      type: 'resource',
      action: 'configure',
      pipelines: [{ name: 'configure-one', phase: 'Pending' }],
    });
    const logs = await api()
      .get(`${url}/runs/${runs.body.items[0].id}/logs`)
      .expect(200);
    expect(logs.body.items).toEqual([
      expect.objectContaining({
        pipeline: 'configure-one',
        container: 'status-writer',
        log: expect.stringMatching(/unavailable: cluster prod/),
      }),
    ]);
  });

  it('says the cluster is unreachable when it is down', async () => {
    cluster.stop();
    const res = await eventually(async () => {
      const r = await api().get(url);
      return r.status === 503 ? r : undefined;
    }, 30_000);
    expect(res.body.error.message).toMatch(/^cluster prod unreachable: /);
  });
});
