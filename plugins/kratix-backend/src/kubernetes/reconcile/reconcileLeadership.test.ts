// Reconcile mode runs only while its Leadership gate says so: a follower
// touches nothing on the cluster; becoming the leader, it catches up.
import { eventually } from '../../__testUtils__/startKratix';
import {
  PROMISES,
  manualGate,
  plainPromiseYaml,
  reconcileFixture,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(120_000);

const f = reconcileFixture({ name: 'leadership', nodeAgent: false });

const settle = (ms: number) => new Promise(r => setTimeout(r, ms));

it('reconciles only while leading', async () => {
  const gate = manualGate();
  await f.startEngine({ leadership: gate, sweepMs: 100 });
  await f.cluster.apply(plainPromiseYaml('plain'));
  const read = () => f.read(PROMISES, 'plain');
  await settle(1500);
  const untouched = await read();
  expect(untouched.metadata.finalizers).toBeUndefined();
  expect(untouched.status).toBeUndefined();

  gate.set(true);
  const available = await f.promiseAvailable('plain');
  expect(available.metadata.finalizers).toContain('kratix.io/api-crd-cleanup');

  // A follower again: a manual reconciliation waits for the next leader.
  gate.set(false);
  await settle(300);
  available.metadata.labels = { 'kratix.io/manual-reconciliation': 'true' };
  await f.custom.replaceClusterCustomObject({
    ...PROMISES,
    name: 'plain',
    body: available,
  });
  await settle(1500);
  expect((await read()).metadata.labels).toEqual({
    'kratix.io/manual-reconciliation': 'true',
  });
  gate.set(true);
  await eventually(async () => {
    const p = await read();
    return p.metadata.labels?.['kratix.io/manual-reconciliation']
      ? undefined
      : true;
  });
});
