// Reconcile mode end to end on a real kube-apiserver (only the node is
// played): the seeds' iam example, applied to the cluster, runs as Pods and
// ends with the status the embedded engine gives it; a delete waits for
// its delete pipeline through the finalizers.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { eventually, startKratix } from '../../__testUtils__/startKratix';
import { iamPromiseYaml } from '../../__testUtils__/iamPromise';
import { asServiceAccount } from '../__testUtils__/impersonation';
import {
  IAM,
  PROMISES,
  reconcileFixture,
  testLogger,
} from '../__testUtils__/reconcileFixture';
import { FINALIZERS } from './finalizers';
import { LEADER_ELECTION_DEFAULTS } from './leaderElection';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'reconcile', platformNamespace: true });

const ALICE = `apiVersion: example.promise.syntasso.io/v1
kind: IAM
metadata:
  name: alice
  namespace: default
spec:
  user: ada
`;

/** Times and uids differ between two runs; the rest must not. */
function normalized(status: unknown): unknown {
  return JSON.parse(
    JSON.stringify(status).replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, '"<time>"'),
  );
}

/** The plugin's default: a Lease elects the replica that reconciles. */
const startEngine = (kubeConfig = f.cluster.kubeConfig) =>
  f.startEngine({
    kubeConfig,
    logger: testLogger(true),
    leaderElection: {
      ...LEADER_ELECTION_DEFAULTS,
      leaseDurationSeconds: 3,
      renewIntervalSeconds: 1,
    },
  });

const readAlice = (name = 'alice') => f.read(IAM, name, 'default');

async function embeddedIamStatus(marker: string) {
  const { server, stop } = await startKratix(f.databases, 'SQLITE_3');
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
  const marker = path.join(f.markers, 'deleted');
  const engine = await startEngine();
  try {
    await f.cluster.apply(iamPromiseYaml({ deleteMarker: marker }));
    // The Promise's API CRD, made from spec.api, with a status subresource.
    const crd = await eventually(() =>
      f.cluster.objects
        .read({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'iams.example.promise.syntasso.io' },
        })
        .catch(() => undefined),
    );
    expect((crd as any).spec.versions[0].subresources).toEqual({ status: {} });
    const promise = await f.promiseAvailable('iam');
    expect(promise.metadata.finalizers).toEqual(
      expect.arrayContaining([FINALIZERS.apiCrdCleanup]),
    );

    await f.applyWhenReady(ALICE);
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
    const started = () => f.agent.started.filter(p => p.startsWith('default/'));
    expect(started()).toHaveLength(2);

    const embedded = await embeddedIamStatus(path.join(f.markers, 'embedded'));
    expect(normalized(alice.status)).toEqual(normalized(embedded));

    // The delete waits for its delete pipeline.
    await f.custom.deleteNamespacedCustomObject({
      ...IAM,
      namespace: 'default',
      name: 'alice',
    });
    const deleting = await readAlice();
    expect(deleting?.metadata.deletionTimestamp).toBeDefined();
    expect(fs.existsSync(marker)).toBe(false);
    await f.untilGone(() => readAlice());
    expect(fs.readFileSync(marker, 'utf8').trim()).toBe('deleted');
    expect(started()).toHaveLength(3);

    // The Promise goes once its CRD is deleted.
    await f.custom.deleteClusterCustomObject({ ...PROMISES, name: 'iam' });
    await f.untilGone(() => f.read(PROMISES, 'iam'));
  } finally {
    await engine.stop();
  }
});

it('runs as the ServiceAccount of kubernetes/rbac.yaml with its reconcile role', async () => {
  await f.cluster.apply(
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
  await f.cluster.apply(rbac);
  await f.cluster.apply(`apiVersion: rbac.authorization.k8s.io/v1
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
  const identity = asServiceAccount(f.cluster, 'backstage', 'kratix-backstage');
  const marker = path.join(f.markers, 'deleted-bob');
  const engine = await startEngine(identity.kubeConfig);
  try {
    // The CRD the last test's Promise left may still be going.
    await f.applyWhenReady(iamPromiseYaml({ deleteMarker: marker }));
    await f.applyWhenReady(ALICE.replace('name: alice', 'name: bob'));
    const bob = await eventually(async () => {
      const b = await readAlice('bob');
      return b?.status?.observedGeneration === 1 ? b : undefined;
    });
    expect(bob.status.message).toBe('User created and vault secret created');
    await f.custom.deleteNamespacedCustomObject({
      ...IAM,
      namespace: 'default',
      name: 'bob',
    });
    await f.untilGone(() => readAlice('bob'));
    expect(fs.existsSync(marker)).toBe(true);
  } finally {
    await engine.stop();
  }
});
