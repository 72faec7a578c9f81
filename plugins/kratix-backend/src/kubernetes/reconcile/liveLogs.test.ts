// Reconcile mode's runs API on a real kube-apiserver with the node agent:
// a pipeline's log line shows while its container still runs (read from
// the Pod), and stays in the run log once the Pod has ended.
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '../../__testUtils__/startKratix';
import { reconcileFixture } from '../__testUtils__/reconcileFixture';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'live-logs' });

it("shows a running pipeline's log as it grows", async () => {
  const engine = await f.startEngine();
  await f.applySlowPromise(
    'echo "halfway there"',
    `until [ -f "${f.markers}/go" ]; do sleep 0.1; done`,
    'echo "done"',
  );
  await f.applyResource('Slow', 's');
  const api = engine.api();
  const running = await eventually(async () => {
    const [run] = await api.listRuns('slow', 'default', 's').catch(() => []);
    if (run?.phase !== 'Running') return undefined;
    const logs = await api.getLogs('slow', 'default', 's', run.id);
    return logs.some(l => l.log.includes('halfway there'))
      ? { run, logs }
      : undefined;
  });
  expect(running.logs).toEqual([
    {
      pipeline: 'wait',
      container: 'waiter',
      log: 'halfway there\n',
      truncated: false,
    },
  ]);
  // Still running: the line came from the live container.
  const { items } = await f.core.listNamespacedPod({ namespace: 'default' });
  expect(items.map(p => p.status?.phase)).toEqual(['Running']);

  fs.writeFileSync(path.join(f.markers, 'go'), '');
  const done = await eventually(async () => {
    const [run] = await api.listRuns('slow', 'default', 's');
    return run.phase === 'Succeeded' ? run : undefined;
  });
  expect(done.id).toBe(running.run.id);
  const logs = await api.getLogs('slow', 'default', 's', done.id);
  expect(logs.find(l => l.container === 'waiter')?.log).toBe(
    'halfway there\ndone\n',
  );
});
