// Kubernetes observe mode against a real kube-apiserver: a Resource
// requested through the API carries its requester on the cluster object,
// and the policy's conditions see it (update and delete).
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { eventually } from '../__testUtils__/startKratix';
import {
  policyPermissionsFactory,
  requesterPolicy,
} from '../__testUtils__/policyPermissions';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from './__testUtils__/kubeTestCluster';
import {
  installPromise,
  startClusterBackend,
  thingPromise,
} from './__testUtils__/promiseFixture';

jest.setTimeout(120_000);

const thing = thingPromise();
const REQUESTED_BY = 'kratix.io/requested-by';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

describe('Kubernetes observe mode: who requested a Resource', () => {
  let cluster: KubeTestCluster;
  let backend: Awaited<ReturnType<typeof startClusterBackend>>;

  beforeAll(async () => {
    cluster = await startKubeTestCluster();
    await installPromise(cluster, thing);
    backend = await startClusterBackend(
      [{ name: 'prod', kubeconfig: cluster.kubeconfig }],
      [policyPermissionsFactory(requesterPolicy)],
    );
  });
  afterAll(async () => {
    await backend?.stop();
    cluster?.stop();
  });

  it('sets kratix.io/requested-by on the cluster object from the caller, and keeps it', async () => {
    const api = () => request(backend.server);
    const url =
      '/api/kratix/clusters/prod/promises/thing/resources/default/one';
    const onCluster = async () =>
      (
        (await cluster.kubeConfig
          .makeApiClient(CustomObjectsApi)
          .getNamespacedCustomObject({
            ...thing.where,
            namespace: 'default',
            name: 'one',
          })) as any
      ).metadata;
    // Once the backend's watch has listed the Promise's Resources.
    await eventually(async () =>
      (
        await api()
          .get('/api/kratix/clusters/prod/promises/thing/resources')
          .set('Authorization', as('ada'))
      ).status === 200
        ? true
        : undefined,
    );

    // Each apply claims bob requested it.
    const apply = (user: string, size: number) =>
      api()
        .put(url)
        .set('Authorization', as(user))
        .send({
          metadata: { annotations: { [REQUESTED_BY]: 'user:default/bob' } },
          spec: { size },
        });
    await apply('ada', 1).expect(201);
    expect((await onCluster()).annotations).toEqual({
      [REQUESTED_BY]: 'user:default/ada',
    });

    // bob may not change it: at once (the backend's watch may not have
    // seen it yet, so his create finds it there), and once it has.
    const refused = await apply('bob', 2).expect(403);
    expect(refused.body.error.message).toBe(
      `Not allowed: the permission 'kratix.resource.update' is required`,
    );
    await eventually(async () =>
      (await api().get(url).set('Authorization', as('bob'))).status === 200
        ? true
        : undefined,
    );
    await apply('bob', 2).expect(403);
    expect((await onCluster()).generation).toBe(1);

    // The platform team's apply changes it, and leaves it ada's.
    await apply('platform', 2).expect(200);
    const after = await onCluster();
    expect(after.annotations).toEqual({ [REQUESTED_BY]: 'user:default/ada' });
    expect(after.generation).toBe(2);
    await apply('ada', 3).expect(200);

    // The policy's conditions read it: bob may not delete it, ada may.
    await api().delete(url).set('Authorization', as('bob')).expect(403);
    expect((await onCluster()).deletionTimestamp).toBeUndefined();
    await api().delete(url).set('Authorization', as('ada')).expect(202);
  });

  it('checks a create that finds the Resource on the cluster as an update', async () => {
    const api = () => request(backend.server);
    // ada and bob request the same names at once: the second one's create
    // finds the first one's object on the API server (the watch has not
    // seen it yet), so is an update of another's Resource, refused.
    for (const name of ['race-0', 'race-1', 'race-2', 'race-3']) {
      const url = `/api/kratix/clusters/prod/promises/thing/resources/default/${name}`;
      const answers = await Promise.all(
        ['ada', 'bob'].map(async user => ({
          user,
          status: (
            await api()
              .put(url)
              .set('Authorization', as(user))
              .send({ spec: { size: user === 'ada' ? 1 : 2 } })
          ).status,
        })),
      );
      expect(answers.map(a => a.status).sort()).toEqual([201, 403]);
      const first = answers.find(a => a.status === 201)!.user;
      const stored = (await cluster.kubeConfig
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({
          ...thing.where,
          namespace: 'default',
          name,
        })) as any;
      expect([stored.metadata.annotations, stored.spec]).toEqual([
        { [REQUESTED_BY]: `user:default/${first}` },
        { size: first === 'ada' ? 1 : 2 },
      ]);
    }
  });
});
