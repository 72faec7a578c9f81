// kubernetes/rbac.yaml, as shipped, on a real kube-apiserver: the real
// plugin, acting as the ServiceAccount it binds, does all it serves; with
// only the read-only role it reads and its requests are refused.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { eventually } from '../__testUtils__/startKratix';
import { HEALTH_RECORDS } from './healthRecordApi';
import { FakeKubelet, startFakeKubelet } from './__testUtils__/fakeKubelet';
import { asServiceAccount } from './__testUtils__/impersonation';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from './__testUtils__/kubeTestCluster';
import {
  installPromise,
  promiseFixture,
  startClusterBackend,
} from './__testUtils__/promiseFixture';

jest.setTimeout(120_000);

const RBAC = path.resolve(__dirname, '../../kubernetes/rbac.yaml');
const NAMESPACE = 'backstage';
/** A Promise in the API group and plural the shipped file names. */
const postgres = promiseFixture({
  name: 'postgresql',
  group: 'marketplace.kratix.io',
  kind: 'PostgreSQL',
  plural: 'postgresqls',
});
const base = '/api/kratix';
const resources = `${base}/promises/postgresql/resources`;
const resource = (name: string) => `${resources}/default/${name}`;

let cluster: KubeTestCluster;
let admin: CustomObjectsApi;
let kubelet: FakeKubelet;

beforeAll(async () => {
  cluster = await startKubeTestCluster();
  admin = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  for (const namespace of [NAMESPACE, 'kratix-platform-system']) {
    await cluster.apply(
      `{ apiVersion: v1, kind: Namespace, metadata: { name: ${namespace} } }`,
    );
  }
  await cluster.apply(fs.readFileSync(RBAC, 'utf8'));
  await installPromise(cluster, postgres);
  kubelet = await startFakeKubelet(cluster);
});
afterAll(async () => {
  await kubelet?.stop();
  cluster?.stop();
});

/** The plugin, with cluster `prod` reached as the ServiceAccount `name`. */
async function startAs(name: string) {
  const identity = asServiceAccount(cluster, NAMESPACE, name);
  const backend = await startClusterBackend([
    { name: 'prod', kubeconfig: identity.kubeconfig },
  ]);
  const api = () => request(backend.server);
  // Served once the Promise's Resources are listed.
  await eventually(async () =>
    (await api().get(resources)).status === 200 ? true : undefined,
  );
  return { backend, api, identity };
}

it('ships kubernetes/rbac.yaml in the package', () => {
  const pkg = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'),
  );
  expect(pkg.files).toContain('kubernetes');
});

const adminGet = (name: string) =>
  admin.getNamespacedCustomObject({
    ...postgres.where,
    namespace: 'default',
    name,
  });

/** A HealthRecord of the Resource `default/<name>`, named as it. */
function healthRecord(name: string) {
  return {
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'HealthRecord',
    metadata: { name, namespace: 'default' },
    data: {
      promiseRef: { name: 'postgresql' },
      resourceRef: { name, namespace: 'default' },
      state: 'healthy',
    },
  };
}

describe('as the ServiceAccount of kubernetes/rbac.yaml', () => {
  let plugin: Awaited<ReturnType<typeof startAs>>;
  beforeAll(async () => {
    plugin = await startAs('kratix-backstage');
  });
  afterAll(() => plugin?.backend.stop());

  it('reads Promises, and lists Resources and HealthRecords as they are made', async () => {
    const promises = await plugin.api().get(`${base}/promises`).expect(200);
    expect(promises.body.items.map((p: any) => p.metadata.name)).toEqual([
      'postgresql',
    ]);
    await admin.createNamespacedCustomObject({
      ...postgres.where,
      namespace: 'default',
      body: {
        apiVersion: 'marketplace.kratix.io/v1',
        kind: 'PostgreSQL',
        metadata: { name: 'made-with-kubectl' },
        spec: { size: 1 },
      },
    });
    await admin.createNamespacedCustomObject({
      group: 'platform.kratix.io',
      version: 'v1alpha1',
      plural: 'healthrecords',
      namespace: 'default',
      body: healthRecord('made-with-kubectl'),
    });
    const listed = await eventually(async () => {
      const res = await plugin.api().get(resources);
      return res.body.items?.length ? res.body.items : undefined;
    });
    expect(listed.map((r: any) => r.metadata.name)).toEqual([
      'made-with-kubectl',
    ]);
    const record = await eventually(async () => {
      const res = await plugin
        .api()
        .get(`${base}/healthrecords/default/made-with-kubectl`);
      return res.status === 200 ? res.body : undefined;
    });
    expect(record.data.state).toBe('healthy');
  });

  it('requests, updates, reconciles and deletes Resources, and writes HealthRecords', async () => {
    const url = resource('requested');
    await plugin
      .api()
      .put(url)
      .send({ spec: { size: 2 } })
      .expect(201);
    expect(await adminGet('requested')).toMatchObject({ spec: { size: 2 } });
    await eventually(async () =>
      (await plugin.api().get(url)).status === 200 ? true : undefined,
    );
    await plugin
      .api()
      .put(url)
      .send({ spec: { size: 3 } })
      .expect(200);
    expect(await adminGet('requested')).toMatchObject({ spec: { size: 3 } });

    await plugin.api().post(`${url}/reconcile`).expect(202);
    expect(await adminGet('requested')).toMatchObject({
      metadata: { labels: { 'kratix.io/manual-reconciliation': 'true' } },
    });

    await plugin.api().delete(url).expect(202);
    await expect(adminGet('requested')).rejects.toMatchObject({ code: 404 });

    const health = `${base}/healthrecords/default/requested`;
    await plugin.api().put(health).send(healthRecord('requested')).expect(201);
    // Once the watch has it, a PUT replaces it at the version it has.
    await eventually(async () =>
      (await plugin.api().get(health)).status === 200 ? true : undefined,
    );
    const degraded = healthRecord('requested');
    degraded.data.state = 'degraded';
    await plugin.api().put(health).send(degraded).expect(200);
    expect(
      await admin.getNamespacedCustomObject({
        ...HEALTH_RECORDS,
        namespace: 'default',
        name: 'requested',
      }),
    ).toMatchObject({ data: { state: 'degraded' } });
    await plugin.api().delete(health).expect(204);
    await plugin.api().delete(health).expect(404);
  });

  it('cannot write the status upstream Kratix owns', async () => {
    const custom = plugin.identity.kubeConfig.makeApiClient(CustomObjectsApi);
    await expect(
      custom.patchNamespacedCustomObjectStatus(
        {
          ...postgres.where,
          namespace: 'default',
          name: 'made-with-kubectl',
          body: { status: { message: 'forged' } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    ).rejects.toMatchObject({ code: 403 });
  });

  it("shows the Resource's pipeline runs and their logs", async () => {
    const labels = {
      'kratix.io/promise-name': 'postgresql',
      'kratix.io/resource-name': 'made-with-kubectl',
      'kratix.io/pipeline-name': 'instance-configure',
      'kratix.io/workflow-type': 'resource',
      'kratix.io/workflow-action': 'configure',
      'kratix.io/hash': 'f00d',
    };
    const container = { name: 'create-db', image: 'busybox' };
    await cluster.objects.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'kratix-postgresql-configure',
        namespace: 'default',
        labels,
      },
      spec: {
        template: {
          metadata: { labels },
          spec: { restartPolicy: 'Never', containers: [container] },
        },
      },
    } as any);
    await cluster.objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'kratix-postgresql-configure-x1',
        namespace: 'default',
        labels: { ...labels, 'job-name': 'kratix-postgresql-configure' },
      },
      spec: { nodeName: kubelet.nodeName, containers: [container] },
    } as any);
    kubelet.setLog(
      'default',
      'kratix-postgresql-configure-x1',
      'create-db',
      'database created\n',
    );

    const url = resource('made-with-kubectl');
    const runs = await plugin.api().get(`${url}/runs`).expect(200);
    expect(runs.body.items).toEqual([
      expect.objectContaining({
        id: 'resource.configure.f00d',
        pipelines: [expect.objectContaining({ name: 'instance-configure' })],
      }),
    ]);
    const logs = await plugin
      .api()
      .get(`${url}/runs/resource.configure.f00d/logs`)
      .expect(200);
    expect(logs.body.items).toEqual([
      {
        pipeline: 'instance-configure',
        container: 'create-db',
        log: 'database created\n',
        truncated: false,
      },
    ]);
  });

  it('installs Promises only once kratix-backstage-promises is bound', async () => {
    const url = `${base}/promises/no-api`;
    const promise = {
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'Promise',
      metadata: { name: 'no-api' },
      spec: {},
    };
    const refused = await plugin.api().put(url).send(promise).expect(403);
    expect(refused.body.error.message).toMatch(
      /^cluster prod: .*cannot create resource "promises"/,
    );
    await expect(
      admin.getClusterCustomObject({
        group: 'platform.kratix.io',
        version: 'v1alpha1',
        plural: 'promises',
        name: 'no-api',
      }),
    ).rejects.toMatchObject({ code: 404 });

    // As the file says: kubectl create clusterrolebinding ...
    await cluster.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kratix-backstage-promises }
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: kratix-backstage-promises
subjects:
  - { kind: ServiceAccount, name: kratix-backstage, namespace: ${NAMESPACE} }
`);
    await eventually(async () =>
      (await plugin.api().put(url).send(promise)).status === 201
        ? true
        : undefined,
    );
    await plugin.api().delete(url).expect(202);
  });
});

describe('with only kratix-backstage-observe bound', () => {
  let plugin: Awaited<ReturnType<typeof startAs>>;
  beforeAll(async () => {
    await cluster.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kratix-backstage-viewer }
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: kratix-backstage-observe
subjects:
  - { kind: ServiceAccount, name: kratix-backstage-viewer, namespace: ${NAMESPACE} }
`);
    plugin = await startAs('kratix-backstage-viewer');
  });
  afterAll(() => plugin?.backend.stop());

  it('reads, and a request answers 403 naming the cluster; nothing is created', async () => {
    const list = await plugin.api().get(resources).expect(200);
    expect(list.body.items.map((r: any) => r.metadata.name)).toContain(
      'made-with-kubectl',
    );

    const res = await plugin
      .api()
      .put(resource('refused'))
      .send({ spec: { size: 1 } })
      .expect(403);
    expect(res.body.error.message).toMatch(
      /^cluster prod: .*"system:serviceaccount:backstage:kratix-backstage-viewer" cannot create resource "postgresqls"/,
    );
    await expect(adminGet('refused')).rejects.toMatchObject({ code: 404 });
  });
});
