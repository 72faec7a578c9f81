// Reconcile mode on several clusters, through the real plugin: two real
// kube-apiservers (each node played by an agent), and two that are down
// (one in reconcile mode, one in observe mode beside them).
// A Resource of the same namespace and name on both is reconciled on its
// own cluster, with its own Lease, status and runs under /clusters/<name>/;
// the down cluster, and later one of the two going down, stop nothing else.
import request from 'supertest';
import { TestBackend } from '@backstage/backend-test-utils';
import { CoordinationV1Api } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '../../__testUtils__/startKratix';
import {
  apiPromiseYaml,
  reconcileFixture,
  resourceWorkflows,
  shContainer,
  testApi,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(240_000);

const one = reconcileFixture({ name: 'cluster-one', platformNamespace: true });
const two = reconcileFixture({ name: 'cluster-two', platformNamespace: true });
const THINGS = testApi('things');

/** One configure pipeline: the status says the size and the cluster. */
const thingPromise = (cluster: string) =>
  apiPromiseYaml(
    { name: 'thing', kind: 'Thing', plural: 'things' },
    resourceWorkflows({
      configure: {
        size: shContainer(
          'size',
          'size:v1',
          "size=$(sed -n 's/^  size: //p' /kratix/input/object.yaml)",
          `echo "size $size on ${cluster}"`,
          `echo "message: size $size on ${cluster}" > /kratix/metadata/status.yaml`,
          'echo "size: $size" > /kratix/output/thing.yaml',
        ),
      },
    }),
  );

let backend: TestBackend;
let dir: string;

beforeAll(async () => {
  dir = one.dir;
  for (const [f, name] of [
    [one, 'one'],
    [two, 'two'],
  ] as const) {
    await f.cluster.apply(thingPromise(name));
  }
  // The plugin's state store is in one's folder.
  backend = await one.startPlugin({
    engine: { leaseDuration: '2s' },
    kubernetes: {
      mode: 'reconcile',
      leaderElection: {
        leaseDurationSeconds: 3,
        renewIntervalSeconds: 1,
      },
      clusters: [
        { name: 'one', kubeconfig: one.cluster.kubeconfig },
        { name: 'two', kubeconfig: two.cluster.kubeconfig },
        // Nothing listens there: clusters that are down, one in
        // each mode.
        {
          name: 'gone',
          url: 'https://127.0.0.1:1',
          skipTLSVerify: true,
        },
        {
          name: 'away',
          mode: 'observe',
          url: 'https://127.0.0.1:1',
          skipTLSVerify: true,
        },
      ],
    },
  });
  await one.promiseAvailable('thing');
  await two.promiseAvailable('thing');
});

const api = () => request(backend.server);
const thing = (cluster: string, name: string) =>
  `/api/kratix/clusters/${cluster}/promises/thing/resources/default/${name}`;

const create = (f: typeof one, name: string, size: number) =>
  f.applyResource('Thing', name, { size });

/** Until the API shows the Resource's status message; returns the body. */
const statusVia = (cluster: string, name: string, message: string) =>
  eventually(async () => {
    const res = await api().get(thing(cluster, name));
    return res.status === 200 && res.body.status?.message === message
      ? res.body
      : undefined;
  }, 60_000);

it('reconciles a Resource of the same name on each cluster, apart', async () => {
  await create(one, 'same', 1);
  await create(two, 'same', 2);

  await statusVia('one', 'same', 'size 1 on one');
  await statusVia('two', 'same', 'size 2 on two');
  // On the clusters themselves, each its own.
  expect((await one.read(THINGS, 'same', 'default')).status.message).toBe(
    'size 1 on one',
  );
  expect((await two.read(THINGS, 'same', 'default')).status.message).toBe(
    'size 2 on two',
  );

  // Each cluster's runs (once none runs): its own, with its own log. (A
  // busy controller may run a workflow twice; never the other cluster's.)
  const runsOf = (cluster: string) =>
    eventually(async () => {
      const res = await api().get(`${thing(cluster, 'same')}/runs`);
      const items = res.body.items ?? [];
      return res.status === 200 &&
        items.length > 0 &&
        items.every((r: any) => r.phase === 'Succeeded')
        ? items
        : undefined;
    }, 60_000);
  const [runsOne, runsTwo] = [await runsOf('one'), await runsOf('two')];
  const ids = (runs: any[]) => runs.map(r => r.id);
  expect(ids(runsOne).filter(id => ids(runsTwo).includes(id))).toEqual([]);
  expect(runsOne[0]).toMatchObject({ generation: 1, trigger: 'create' });
  const logOf = async (cluster: string, run: string) =>
    (
      await api()
        .get(`${thing(cluster, 'same')}/runs/${run}/logs`)
        .expect(200)
    ).body.items.map((l: any) => l.log.trim());
  for (const run of runsOne) {
    expect(await logOf('one', run.id)).toEqual(['size 1 on one']);
  }
  for (const run of runsTwo) {
    expect(await logOf('two', run.id)).toEqual(['size 2 on two']);
  }
  // One cluster's run is not found under the other.
  expect(
    (await api().get(`${thing('two', 'same')}/runs/${runsOne[0].id}/logs`))
      .status,
  ).toBe(404);

  // A Lease on each cluster, held by this backend.
  for (const f of [one, two]) {
    const leases = await f.cluster.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .listNamespacedLease({ namespace: 'kratix-platform-system' });
    expect(leases.items.map(l => l.spec?.holderIdentity)).toHaveLength(1);
  }

  // The outputs of each cluster in a folder of its own.
  const files = (
    fs.readdirSync(path.join(dir, 'state'), {
      recursive: true,
    }) as string[]
  ).filter(f => f.endsWith('thing.yaml'));
  expect(files.map(f => f.split(path.sep)[0]).sort()).toEqual(['one', 'two']);
});

it('names the cluster that is down, and one going down stops nothing else', async () => {
  for (const name of ['gone', 'away']) {
    const down = await api().get(`/api/kratix/clusters/${name}/promises`);
    expect(down.status).toBe(503);
    expect(down.body.error.message).toMatch(
      new RegExp(`^cluster ${name} (unreachable|cannot be read): `),
    );
  }
  const unnamed = await api().get('/api/kratix/promises');
  expect(unnamed.status).toBe(400);
  expect(unnamed.body.error.message).toMatch(/one, two, gone, away/);

  // Cluster one goes down; two goes on reconciling.
  const stop = one.cluster.stop;
  one.cluster.stop = () => {};
  stop();
  await create(two, 'later', 3);
  await statusVia('two', 'later', 'size 3 on two');
  await eventually(async () => {
    const res = await api().get(thing('one', 'same'));
    return res.status >= 500 ? res : undefined;
  }, 60_000);
});
