// Several clusters, one of them down; and a Promise whose API cannot be
// watched, which must not take its cluster's other Promises with it.
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { mockCredentials } from '@backstage/backend-test-utils';
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
/** Its API CRD is never made: its Resources cannot be watched. */
const broken = promiseFixture({
  name: 'broken',
  group: 'broken.kratix.io',
  kind: 'Broken',
  plural: 'brokens',
});

describe('several clusters', () => {
  let prod: KubeTestCluster;
  let backend: Awaited<ReturnType<typeof startClusterBackend>>;
  const signals: Array<{ channel: string; at: number }> = [];

  beforeAll(async () => {
    prod = await startKubeTestCluster();
    await installPromise(prod, thing);
    await retry(() => prod.apply(broken.promise));
    await retry(() =>
      prod.kubeConfig
        .makeApiClient(CustomObjectsApi)
        .createNamespacedCustomObject({
          ...thing.where,
          namespace: 'default',
          body: {
            apiVersion: 'test.kratix.io/v1',
            kind: 'Thing',
            metadata: { name: 'one' },
            spec: { size: 1 },
          },
        }),
    );
    backend = await startClusterBackend(
      [
        { name: 'prod', kubeconfig: prod.kubeconfig },
        // Nothing listens there: a cluster that is down.
        { name: 'staging', url: 'https://127.0.0.1:1', skipTLSVerify: true },
      ],
      [
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async (s: any) =>
              void signals.push({ channel: s.channel, at: Date.now() }),
          }),
        }),
      ],
    );
  });
  afterAll(async () => {
    await backend?.stop();
    prod?.stop();
  });

  const api = () => request(backend.server);
  const one = '/api/kratix/clusters/prod/promises/thing/resources/default/one';

  it('serves each cluster under its name; the down one says so, the other keeps working', async () => {
    const res = await eventually(async () => {
      const r = await api().get(one);
      return r.status === 200 ? r : undefined;
    });
    expect(res.body.spec).toEqual({ size: 1 });

    const down = await api().get('/api/kratix/clusters/staging/promises');
    expect(down.status).toBe(503);
    expect(down.body.error.message).toMatch(/^cluster staging unreachable: /);

    const unknown = await api().get('/api/kratix/clusters/nope/promises');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(
      /No cluster 'nope'; the clusters are prod, staging/,
    );

    const unnamed = await api().get('/api/kratix/promises');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.message).toMatch(/name one, as \/clusters\//);
  });

  it('lists the configured clusters, in order, to a signed-in caller', async () => {
    const res = await api().get('/api/kratix/clusters');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [{ name: 'prod' }, { name: 'staging' }],
    });
    const anonymous = await api()
      .get('/api/kratix/clusters')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it("signals a change on the cluster's own channel", async () => {
    // Listed at start, unchanged since: no signal for it yet.
    expect(signals.filter(s => s.channel.endsWith(':one'))).toEqual([]);
    const at = Date.now();
    await prod.kubeConfig
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObjectStatus(
        {
          ...thing.where,
          namespace: 'default',
          name: 'one',
          body: { status: { message: 'from prod' } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await eventually(async () =>
      signals.some(
        s => s.channel === 'kratix:prod:thing:default:one' && s.at >= at,
      )
        ? true
        : undefined,
    );
    // With several clusters, a ref must name its cluster.
    expect(
      signals.filter(s => s.channel === 'kratix:thing:default:one'),
    ).toEqual([]);
  });

  it('fails only the Promise whose Resources cannot be watched', async () => {
    const res = await eventually(async () => {
      const r = await api().get(
        '/api/kratix/clusters/prod/promises/broken/resources',
      );
      return r.status === 503 ? r : undefined;
    });
    expect(res.body.error.message).toMatch(
      /^cluster prod: Promise 'broken': its Resources cannot be watched: /,
    );
    await api().get(one).expect(200);
    const promises = await api()
      .get('/api/kratix/clusters/prod/promises')
      .expect(200);
    expect(promises.body.items.map((p: any) => p.metadata.name).sort()).toEqual(
      ['broken', 'thing'],
    );
  });
});
