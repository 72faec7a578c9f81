// Reconcile mode's HealthRecords are the cluster's, on a real
// kube-apiserver: one created there (as kubectl would) shows in its
// Resource's status, as the embedded engine shows it; changed or deleted,
// the status follows. The REST API reads and writes the cluster's. The
// records are read from the watch cache: a sweep lists none.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';
import { countsSince, scrapeRequestCounts } from '../../../bench/apiCalls';
import { eventually } from '../../__testUtils__/startKratix';
import {
  reconcileFixture,
  resourceWorkflows,
  testApi,
  testLogger,
} from '../__testUtils__/reconcileFixture';
import { ClusterCache } from '../ClusterCache';
import { ClusterHealthRecords } from './clusterHealthRecords';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'health' });

const HEALTH = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'healthrecords',
};

const record = (
  name: string,
  state: string,
  lastRun: number,
  target = { promise: 'note', name: 'n' },
) => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'HealthRecord',
  metadata: { name, namespace: 'default' },
  data: {
    promiseRef: { name: target.promise },
    resourceRef: { name: target.name, namespace: 'default', generation: 1 },
    state,
    lastRun,
    details: { checked: 'disk' },
  },
});

/** A Promise with one short Pipeline; its Resource, once reconciled: a reader. */
async function reconciledResource(
  names: { name: string; kind: string; plural: string },
  resource: string,
) {
  await f.applyPromise(
    names,
    resourceWorkflows({
      configure: {
        write: `              - { name: write, image: write:v1, command: [sh, -c, 'echo hi'] }`,
      },
    }),
  );
  await f.applyResource(names.kind, resource);
  const read = () => f.read(testApi(names.plural), resource, 'default');
  await eventually(async () =>
    (await read())?.status?.observedGeneration === 1 ? true : undefined,
  );
  return read;
}

it("applies the cluster's HealthRecords to their Resource's status", async () => {
  const engine = await f.startEngine();
  const readNote = await reconciledResource(
    { name: 'note', kind: 'Note', plural: 'notes' },
    'n',
  );

  await f.custom.createNamespacedCustomObject({
    ...HEALTH,
    namespace: 'default',
    body: record('disk', 'healthy', 1700000000),
  });
  const healthy = await eventually(async () => {
    const note = await readNote();
    return note?.status?.healthRecord ? note : undefined;
  });
  expect(healthy.status.healthRecord).toEqual({
    state: 'healthy',
    lastRun: 1700000000,
    details: { checked: 'disk' },
  });
  expect(healthy.status.healthStatus).toEqual({
    state: 'healthy',
    healthRecords: [
      {
        state: 'healthy',
        lastRun: 1700000000,
        source: { name: 'disk', namespace: 'default' },
        details: { checked: 'disk' },
      },
    ],
  });
  // The workflow's status stays beside it.
  expect(healthy.status.observedGeneration).toBe(1);

  // A second record through the REST API, on the cluster: the worse wins.
  const api = engine.api();
  await api.putHealthRecord(
    'default',
    'net',
    record('net', 'degraded', 1700000100),
  );
  expect(
    (
      await f.custom.getNamespacedCustomObject({
        ...HEALTH,
        namespace: 'default',
        name: 'net',
      })
    ).data,
  ).toMatchObject({ state: 'degraded' });
  await eventually(async () =>
    (await readNote())?.status?.healthRecord?.state === 'degraded'
      ? true
      : undefined,
  );
  expect((await api.getHealthRecord('default', 'disk')).data.state).toBe(
    'healthy',
  );

  // Deleted on the cluster, both: the health fields go.
  for (const name of ['disk', 'net']) {
    await f.custom.deleteNamespacedCustomObject({
      ...HEALTH,
      namespace: 'default',
      name,
    });
  }
  const plain = await eventually(async () => {
    const note = await readNote();
    return note?.status && !note.status.healthRecord ? note : undefined;
  });
  expect(plain.status.healthStatus).toBeUndefined();
  expect(plain.status.observedGeneration).toBe(1);
  await engine.stop();
});

it('reads the HealthRecords from the watch cache: sweeps list none', async () => {
  const engine = await f.startEngine({ sweepMs: 100 });
  const memo = { promise: 'memo', name: 'm' };
  const readMemo = await reconciledResource(
    { name: 'memo', kind: 'Memo', plural: 'memos' },
    'm',
  );
  const healthState = async () =>
    (await readMemo())?.status?.healthRecord?.state;
  const before = await scrapeRequestCounts(f.cluster);

  // A new record (as kubectl makes it) reaches the status.
  await f.custom.createNamespacedCustomObject({
    ...HEALTH,
    namespace: 'default',
    body: record('memo-disk', 'healthy', 1700000000, memo),
  });
  await eventually(async () =>
    (await healthState()) === 'healthy' ? true : undefined,
  );
  // Health fields lost from the status: a sweep writes them again.
  await f.custom.patchNamespacedCustomObjectStatus(
    {
      ...testApi('memos'),
      namespace: 'default',
      name: 'm',
      body: { status: { healthRecord: null, healthStatus: null } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await eventually(async () =>
    (await healthState()) === 'healthy' ? true : undefined,
  );
  await new Promise(resolve => setTimeout(resolve, 500)); // more sweeps

  const calls = countsSince(await scrapeRequestCounts(f.cluster), before);
  expect(calls.get('LIST healthrecords') ?? 0).toBe(0);
  // Both written by the engine (the API server counted them).
  expect(calls.get('PUT memos/status')).toBeGreaterThanOrEqual(2);

  // The REST API's writes show in the status at once.
  await engine
    .api()
    .putHealthRecord(
      'default',
      'memo-net',
      record('memo-net', 'degraded', 1700000100, memo),
    );
  expect(await healthState()).toBe('degraded');
  await engine.api().deleteHealthRecord('default', 'memo-net');
  expect(await healthState()).toBe('healthy');
});

it('reads its own writes before the watch shows them', async () => {
  const cache = new ClusterCache(
    { name: 'test', kubeConfig: f.cluster.kubeConfig },
    { onResource: () => {} },
    testLogger(),
  );
  await cache.start();
  f.onTeardown(() => cache.stop());
  const store = new ClusterHealthRecords(cache);
  const own = { promise: 'own', namespace: 'default', name: 'o' };
  const names = async () =>
    (await store.listHealthRecordsForResource(own)).map(r => r.metadata.name);
  // The watch lags: it still shows what it had now.
  const lagging = () => {
    const shown = cache.healthRecords();
    const find = (namespace: string, name: string) =>
      shown.find(
        r => r.metadata?.namespace === namespace && r.metadata?.name === name,
      );
    return [
      jest.spyOn(cache, 'healthRecords').mockReturnValue(shown),
      jest.spyOn(cache, 'healthRecord').mockImplementation(find),
    ];
  };

  let lag = lagging();
  const written = record('own', 'healthy', 1700000000, own);
  await store.putHealthRecord(written as HealthRecord);
  expect(await names()).toEqual(['own']);
  lag.forEach(spy => spy.mockRestore());
  await eventually(async () =>
    cache.healthRecord('default', 'own') ? true : undefined,
  );

  lag = lagging();
  expect(await store.deleteHealthRecord('default', 'own')).toBe(true);
  expect(await names()).toEqual([]);
  lag.forEach(spy => spy.mockRestore());
});
