// Reconcile mode end to end on a real kube-apiserver (only the node is
// played): the seeds' iam example, applied to the cluster, runs as Pods and
// ends with the status the embedded engine gives it; a delete waits for
// its delete pipeline through the finalizers.
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { readKratixConfig } from '../../config';
import {
  createStore,
  createTestDatabases,
} from '../../database/__testUtils__/databases';
import {
  eventually,
  sandboxWritableDir,
  startKratix,
} from '../../__testUtils__/startKratix';
import { iamPromiseYaml } from '../../__testUtils__/iamPromise';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from '../__testUtils__/kubeTestCluster';
import { NodeAgent, startNodeAgent } from '../__testUtils__/nodeAgent';
import { asServiceAccount } from '../__testUtils__/impersonation';
import { createReconcileEngine } from './reconcileEngine';
import { FINALIZERS } from './finalizers';
import { LEADER_ELECTION_DEFAULTS } from './leaderElection';

jest.setTimeout(180_000);

const databases = createTestDatabases();

const PROMISES = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'promises',
};
const IAM = {
  group: 'example.promise.syntasso.io',
  version: 'v1',
  plural: 'iams',
};
const ALICE = `apiVersion: example.promise.syntasso.io/v1
kind: IAM
metadata:
  name: alice
  namespace: default
spec:
  user: ada
`;

let cluster: KubeTestCluster;
let agent: NodeAgent;
let custom: CustomObjectsApi;
let dir: string;
let markers: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-reconcile-'));
  markers = sandboxWritableDir(dir, 'markers');
  cluster = await startKubeTestCluster();
  custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({
    body: { metadata: { name: 'kratix-platform-system' } },
  });
  const agentDir = fs.mkdtempSync(path.join(dir, 'agent-'));
  fs.chmodSync(agentDir, 0o711);
  agent = await startNodeAgent(cluster, {
    images: {},
    workDir: agentDir,
    sandbox: { writablePaths: [markers] },
  });
});

afterAll(async () => {
  await agent?.stop();
  cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Times and uids differ between two runs; the rest must not. */
function normalized(status: unknown): unknown {
  return JSON.parse(
    JSON.stringify(status).replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, '"<time>"'),
  );
}

/** Warnings and errors shown: they say why a step did not happen. */
const logger: any = {
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  child: () => logger,
};

async function startEngine(kubeConfig = cluster.kubeConfig) {
  const { store } = await createStore(databases, 'SQLITE_3');
  const config = readKratixConfig(
    new ConfigReader({
      kratix: {
        stateStore: { path: path.join(dir, 'state') },
        engine: { pollInterval: '50ms', leaseDuration: '2s' },
      },
    }),
  );
  const engine = await createReconcileEngine({
    cluster: { name: 'test', kubeConfig },
    config,
    database: { store },
    logger,
    sweepMs: 200,
    // The plugin's default: a Lease elects the replica that reconciles.
    leaderElection: {
      ...LEADER_ELECTION_DEFAULTS,
      leaseDurationSeconds: 3,
      renewIntervalSeconds: 1,
    },
  });
  await engine.start();
  return engine;
}

const readAlice = (name = 'alice') =>
  custom.getNamespacedCustomObject({ ...IAM, namespace: 'default', name }).then(
    o => o as any,
    e => {
      if (e.code === 404) return null;
      throw e;
    },
  );

async function embeddedIamStatus(marker: string) {
  const { server, stop } = await startKratix(databases, 'SQLITE_3');
  try {
    await request(server)
      .put('/api/kratix/promises/iam')
      .set('Content-Type', 'application/yaml')
      .send(iamPromiseYaml({ deleteMarker: marker }))
      .expect(201);
    await request(server)
      .put('/api/kratix/promises/iam/resources/default/alice')
      .send({ spec: { user: 'ada' } })
      .expect(201);
    const done = await eventually(async () => {
      const res = await request(server).get(
        '/api/kratix/promises/iam/resources/default/alice',
      );
      const reconciled = res.body.status?.conditions?.find(
        (c: any) => c.type === 'Reconciled',
      );
      return reconciled?.status === 'True' ? res.body : undefined;
    });
    return done.status;
  } finally {
    await stop();
  }
}

it('runs the iam example on the cluster, as the embedded engine does, and deletes through the delete pipeline', async () => {
  const marker = path.join(markers, 'deleted');
  const engine = await startEngine();
  try {
    await cluster.apply(iamPromiseYaml({ deleteMarker: marker }));
    // The Promise's API CRD, made from spec.api, with a status subresource.
    const crd = await eventually(() =>
      cluster.objects
        .read({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'iams.example.promise.syntasso.io' },
        })
        .catch(() => undefined),
    );
    expect((crd as any).spec.versions[0].subresources).toEqual({ status: {} });
    const promise = await eventually(async () => {
      const p = (await custom.getClusterCustomObject({
        group: 'platform.kratix.io',
        version: 'v1alpha1',
        plural: 'promises',
        name: 'iam',
      })) as any;
      return p.status?.status === 'Available' ? p : undefined;
    });
    expect(promise.metadata.finalizers).toEqual(
      expect.arrayContaining([FINALIZERS.apiCrdCleanup]),
    );

    await eventually(() =>
      cluster.apply(ALICE).then(
        () => true,
        () => undefined,
      ),
    );
    const alice = await eventually(async () => {
      const a = await readAlice();
      const reconciled = a?.status?.conditions?.find(
        (c: any) => c.type === 'Reconciled',
      );
      return reconciled?.status === 'True' ? a : undefined;
    });
    expect(alice.metadata.finalizers).toEqual(
      expect.arrayContaining([FINALIZERS.deleteWorkflows]),
    );
    expect(alice.status.message).toBe('User created and vault secret created');
    expect(agent.started.filter(p => p.startsWith('default/'))).toHaveLength(2);

    const embedded = await embeddedIamStatus(path.join(markers, 'embedded'));
    expect(normalized(alice.status)).toEqual(normalized(embedded));

    // The delete waits for its delete pipeline.
    await custom.deleteNamespacedCustomObject({
      ...IAM,
      namespace: 'default',
      name: 'alice',
    });
    const deleting = await readAlice();
    expect(deleting?.metadata.deletionTimestamp).toBeDefined();
    expect(fs.existsSync(marker)).toBe(false);
    await eventually(async () =>
      (await readAlice()) === null ? true : undefined,
    );
    expect(fs.readFileSync(marker, 'utf8').trim()).toBe('deleted');
    expect(agent.started.filter(p => p.startsWith('default/'))).toHaveLength(3);

    // The Promise goes once its CRD is deleted.
    await custom.deleteClusterCustomObject({ ...PROMISES, name: 'iam' });
    await eventually(async () =>
      custom.getClusterCustomObject({ ...PROMISES, name: 'iam' }).then(
        () => undefined,
        e => (e.code === 404 ? true : undefined),
      ),
    );
  } finally {
    await engine.stop();
  }
});

it('runs as the ServiceAccount of kubernetes/rbac.yaml with its reconcile role', async () => {
  await cluster.apply(
    '{ apiVersion: v1, kind: Namespace, metadata: { name: backstage } }',
  );
  const rbac = fs
    .readFileSync(
      path.resolve(__dirname, '../../../kubernetes/rbac.yaml'),
      'utf8',
    )
    // The iam Promise's API group, added as the file says to.
    .replace(
      /- marketplace\.kratix\.io$/gm,
      '$&\n      - example.promise.syntasso.io',
    );
  await cluster.apply(rbac);
  await cluster.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: kratix-backstage-reconcile
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: kratix-backstage-reconcile
subjects:
  - kind: ServiceAccount
    name: kratix-backstage
    namespace: backstage
`);
  const identity = asServiceAccount(cluster, 'backstage', 'kratix-backstage');
  const marker = path.join(markers, 'deleted-bob');
  const engine = await startEngine(identity.kubeConfig);
  try {
    // The CRD the last test's Promise left may still be going.
    await eventually(() =>
      cluster.apply(iamPromiseYaml({ deleteMarker: marker })).then(
        () => true,
        () => undefined,
      ),
    );
    await eventually(() =>
      cluster.apply(ALICE.replace('name: alice', 'name: bob')).then(
        () => true,
        () => undefined,
      ),
    );
    const bob = await eventually(async () => {
      const b = await readAlice('bob');
      return b?.status?.observedGeneration === 1 ? b : undefined;
    });
    expect(bob.status.message).toBe('User created and vault secret created');
    await custom.deleteNamespacedCustomObject({
      ...IAM,
      namespace: 'default',
      name: 'bob',
    });
    await eventually(async () =>
      (await readAlice('bob')) === null ? true : undefined,
    );
    expect(fs.existsSync(marker)).toBe(true);
  } finally {
    await engine.stop();
  }
});
