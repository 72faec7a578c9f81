// Reconcile mode's HealthRecords are the cluster's, on a real
// kube-apiserver: one created there (as kubectl would) shows in its
// Resource's status, as the embedded engine shows it; changed or deleted,
// the status follows. The REST API reads and writes the cluster's.
import { eventually } from '../../__testUtils__/startKratix';
import {
  reconcileFixture,
  resourceWorkflows,
  testApi,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'health' });

const NOTES = testApi('notes');
const HEALTH = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'healthrecords',
};

const record = (name: string, state: string, lastRun: number) => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'HealthRecord',
  metadata: { name, namespace: 'default' },
  data: {
    promiseRef: { name: 'note' },
    resourceRef: { name: 'n', namespace: 'default', generation: 1 },
    state,
    lastRun,
    details: { checked: 'disk' },
  },
});

const readNote = () => f.read(NOTES, 'n', 'default');

it("applies the cluster's HealthRecords to their Resource's status", async () => {
  const engine = await f.startEngine();
  await f.applyPromise(
    { name: 'note', kind: 'Note', plural: 'notes' },
    resourceWorkflows({
      configure: {
        write: `              - { name: write, image: write:v1, command: [sh, -c, 'echo hi'] }`,
      },
    }),
  );
  await f.applyResource('Note', 'n');
  await eventually(async () =>
    (await readNote())?.status?.observedGeneration === 1 ? true : undefined,
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
});
