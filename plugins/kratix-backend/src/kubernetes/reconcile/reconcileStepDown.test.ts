// A leader stopping gracefully mid-pipeline, on a real kube-apiserver with
// the node agent: it leaves its running Pod and releases the Lease; the
// other replica (same database) leads, adopts the Pod and finishes the
// run. The node agent ran the pipeline once.
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '../../__testUtils__/startKratix';
import {
  manualGate,
  reconcileFixture,
  testApi,
} from '../__testUtils__/reconcileFixture';
import { KratixObject } from '../../engine/interfaces';
import { LEADER_ELECTION_DEFAULTS } from './leaderElection';
import { decidePod } from './podAdoption';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'step-down', platformNamespace: true });

const SLOWS = testApi('slows');

it("leaves a stepping-down leader's running Pod to the next leader", async () => {
  const replica = {
    // Were it waited for, the pipeline would be killed after it.
    kratix: { runner: { shutdownGracePeriod: '30s' } },
    leaderElection: {
      ...LEADER_ELECTION_DEFAULTS,
      leaseDurationSeconds: 6,
      renewIntervalSeconds: 1,
    },
  };
  const a = await f.startEngine(replica);
  const b = await f.startEngine({
    ...replica,
    database: a.database,
    start: false,
  });
  try {
    await eventually(async () => (a.controller.isLeading ? true : undefined));
    await b.start();

    await f.applySlowPromise(
      `echo run >> "${f.markers}/$KRATIX_OBJECT_NAME.runs"`,
      `until [ -f "${f.markers}/$KRATIX_OBJECT_NAME.go" ]; do sleep 0.1; done`,
      "echo 'message: done' > /kratix/metadata/status.yaml",
    );
    await f.applyResource('Slow', 's');
    const runs = path.join(f.markers, 's.runs');
    await eventually(async () => (fs.existsSync(runs) ? true : undefined));
    const podsOf = async () =>
      (await f.core.listNamespacedPod({ namespace: 'default' })).items;
    const [pod] = await podsOf();
    expect(pod.status?.phase).toBe('Running');

    // Graceful: at once, not after the 30 s grace; the Pod runs on.
    const stopping = Date.now();
    await a.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    const [still] = await podsOf();
    expect(still.metadata?.uid).toBe(pod.metadata?.uid);
    expect(still.metadata?.deletionTimestamp).toBeUndefined();

    // The Lease was released: the other leads at its next try.
    await eventually(async () => (b.controller.isLeading ? true : undefined));
    expect(Date.now() - stopping).toBeLessThan(6_000);
    fs.writeFileSync(path.join(f.markers, 's.go'), '');
    const done = await eventually(async () => {
      const s = await f.read(SLOWS, 's', 'default');
      return s?.status?.observedGeneration === 1 ? s : undefined;
    });
    expect(done.status.message).toBe('done');
    expect(done.status.kratix.workflows.pipelines).toEqual([
      expect.objectContaining({ name: 'wait', phase: 'Succeeded' }),
    ]);

    // One Pod, one run of the pipeline, one workflow run (resumed); and
    // no other run after it (the new leader's sweeps went on meanwhile).
    await new Promise(r => setTimeout(r, 1500));
    expect(
      f.agent.started.filter(p => p.startsWith('default/kratix-slow-s-')),
    ).toHaveLength(1);
    expect(fs.readFileSync(runs, 'utf8')).toBe('run\n');
    const list = await b.api().listRuns('slow', 'default', 's');
    expect(list.map(r => r.phase)).toEqual(['Succeeded']);
  } finally {
    fs.writeFileSync(path.join(f.markers, 's.go'), '');
    await b.stop();
    await a.stop();
  }
});

it('leaves its running Pod when it steps down a second time', async () => {
  const gate = manualGate();
  const engine = await f.startEngine({ leadership: gate });
  // Leading, then not, then leading again: the second step-down must
  // interrupt the run as the first would.
  gate.set(true);
  await eventually(async () =>
    engine.controller.isLeading ? true : undefined,
  );
  gate.set(false);
  await eventually(async () =>
    engine.controller.isLeading ? undefined : true,
  );
  gate.set(true);
  await eventually(async () =>
    engine.controller.isLeading ? true : undefined,
  );

  await f.applyResource('Slow', 'again');
  const runs = path.join(f.markers, 'again.runs');
  await eventually(async () => (fs.existsSync(runs) ? true : undefined));
  gate.set(false);
  // Interrupted: its Pod left running, the status as it was (the run is
  // the next leader's to write).
  await eventually(async () =>
    engine.controller.isLeading ? undefined : true,
  );
  await new Promise(r => setTimeout(r, 1000));
  const left = await f.read(SLOWS, 'again', 'default');
  expect(left.status.kratix.workflows.pipelines).toEqual([
    expect.objectContaining({ name: 'wait', phase: 'Running' }),
  ]);
  expect(left.status.observedGeneration).toBeUndefined();
  const pods = (
    await f.core.listNamespacedPod({ namespace: 'default' })
  ).items.filter(
    p => p.metadata?.labels?.['kratix.io/resource-name'] === 'again',
  );
  expect(
    pods.map(p => [p.status?.phase, p.metadata?.deletionTimestamp]),
  ).toEqual([['Running', undefined]]);

  gate.set(true);
  fs.writeFileSync(path.join(f.markers, 'again.go'), '');
  await eventually(async () => {
    const s = await f.read(SLOWS, 'again', 'default');
    return s?.status?.observedGeneration === 1 ? s : undefined;
  });
  expect(fs.readFileSync(runs, 'utf8')).toBe('run\n');
  expect(
    f.agent.started.filter(p => p.startsWith('default/kratix-slow-again-')),
  ).toHaveLength(1);
  await engine.stop();
});

describe('decidePod', () => {
  const object = (phase: string, message?: string) =>
    ({
      apiVersion: 'test.kratix.io/v1',
      kind: 'Slow',
      metadata: { name: 's', namespace: 'default', uid: 'u', generation: 2 },
      status: {
        kratix: {
          workflows: {
            pipelines: [
              { name: 'wait', phase, lastTransitionTime: '', message },
            ],
          },
        },
      },
    } as KratixObject);
  const pod = {
    runId: 'r',
    object: {
      apiVersion: 'test.kratix.io/v1',
      kind: 'Slow',
      name: 's',
      uid: 'u',
      generation: 2,
    },
    action: 'configure',
    pipeline: 'wait',
    finished: false,
  };

  it('adopts the Pod of a run that a stepping-down leader cancelled', () => {
    expect(decidePod(pod, object('Pending', 'Cancelled'))).toEqual({
      kind: 'adopt',
    });
    expect(decidePod(pod, object('Pending'))).toEqual({
      kind: 'delete',
      reason: "the object's pipeline wait is Pending",
    });
  });
});
