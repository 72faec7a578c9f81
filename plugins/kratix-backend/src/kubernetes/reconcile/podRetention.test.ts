// Finished pipeline Pods on a real kube-apiserver with the node agent: the
// newest few of each pipeline of an object stay, older ones are deleted,
// and a deleted Resource's Pods go once its delete workflow ran.
import { ConfigReader } from '@backstage/config';
import { V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { KratixObject, PipelineRunRequest } from '../../engine/interfaces';
import { pipelineEnv } from '../../engine/workflow';
import { eventually } from '../../__testUtils__/startKratix';
import {
  iamPromise,
  reconcileFixture,
  resourceWorkflows,
  testApi,
} from '../__testUtils__/reconcileFixture';
import { CountingClient } from '../../../bench/apiCalls';
import { PipelinePodCache } from './pipelinePodCache';
import { podsToPrune } from './podRetention';
import { readReconcileSettings } from './reconcileSettings';

jest.setTimeout(180_000);

const f = reconcileFixture({
  name: 'retention',
  scripts: { 'hello:v1': 'echo hello' },
});

const alice: KratixObject = {
  apiVersion: 'example.kratix.io/v1',
  kind: 'IAM',
  metadata: { name: 'alice', namespace: 'default', generation: 1 },
  spec: {},
};

function request(pipelineName: string): PipelineRunRequest {
  const pipeline = {
    name: pipelineName,
    containers: [{ name: 'main', image: 'hello:v1' }],
  };
  return {
    runId: `${pipelineName}-${Math.random()}`,
    pipeline,
    env: pipelineEnv(
      alice,
      iamPromise([]),
      { type: 'resource', action: 'configure' },
      pipeline,
    ),
    objectYaml: stringify(alice),
    statusMaxBytes: 4096,
    outputMaxBytes: 4096,
    collectOutputs: true,
    signal: new AbortController().signal,
    onLog: () => {},
  };
}

/** Pods not being deleted, oldest first, by their pipeline. */
async function pods(namespace = 'default'): Promise<V1Pod[]> {
  const list = await f.core.listNamespacedPod({ namespace });
  return list.items
    .filter(p => !p.metadata?.deletionTimestamp)
    .sort(
      (a, b) =>
        new Date(a.metadata!.creationTimestamp!).getTime() -
        new Date(b.metadata!.creationTimestamp!).getTime(),
    );
}
const pipelineOf = (p: V1Pod) =>
  p.metadata?.labels?.['kratix.io/pipeline-name'];

it('keeps the newest finished Pods of each pipeline of an object', async () => {
  const runner = f.podRunner({ podsToKeep: 2 });
  const other = await runner.run(request('other'));
  expect(other.succeeded).toBe(true);
  const names: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = request('hello');
    expect((await runner.run(r)).succeeded).toBe(true);
    names.push(
      (await pods()).find(
        p => p.metadata?.annotations?.['kratix.io/pipeline-run-id'] === r.runId,
      )!.metadata!.name!,
    );
  }
  const left = await eventually(async () => {
    const now = await pods();
    return now.filter(p => pipelineOf(p) === 'hello').length === 2
      ? now
      : undefined;
  });
  // The two newest of 'hello'; the other pipeline's one Pod is untouched.
  expect(
    left
      .filter(p => pipelineOf(p) === 'hello')
      .map(p => p.metadata!.name)
      .sort(),
  ).toEqual(names.slice(2).sort());
  expect(left.filter(p => pipelineOf(p) === 'other')).toHaveLength(1);
});

it("prunes from the leader's watch of its Pods, another replica's too, with no list per pipeline", async () => {
  const cache = new PipelinePodCache(f.cluster.kubeConfig);
  f.onTeardown(async () => cache.stop());
  await cache.start();
  const client = new CountingClient();
  client.counting = true;
  const former = f.podRunner({ podsToKeep: 2 });
  const leader = f.podRunner({
    podsToKeep: 2,
    podCache: cache,
    kubeConfig: client.wrap(f.cluster.kubeConfig),
  });
  const watched = () =>
    pods().then(all => all.filter(p => pipelineOf(p) === 'watched'));
  const names: string[] = [];
  for (const runner of [former, former, leader, leader, leader]) {
    const r = request('watched');
    expect((await runner.run(r)).succeeded).toBe(true);
    const now = await watched();
    names.push(
      now.find(
        p => p.metadata?.annotations?.['kratix.io/pipeline-run-id'] === r.runId,
      )!.metadata!.name!,
    );
    // Never more than podsToKeep once a run's sweep is done.
    expect(now.length).toBeLessThanOrEqual(2);
  }
  expect((await watched()).map(p => p.metadata!.name).sort()).toEqual(
    names.slice(3).sort(),
  );
  expect(client.counts.get('LIST pods')).toBeUndefined();
});

it("removes a deleted Resource's Pods after its delete workflow", async () => {
  const engine = await f.startEngine();
  await f.applyPromise(
    { name: 'note', kind: 'Note', plural: 'notes' },
    resourceWorkflows({
      configure: { write: '              - { name: write, image: hello:v1 }' },
      delete: { forget: '              - { name: forget, image: hello:v1 }' },
    }),
  );
  const NOTES = testApi('notes');
  for (const name of ['kept', 'gone']) {
    await f.applyResource('Note', name, '{ text: hi }');
  }
  const podsOf = async (name: string) =>
    (await pods()).filter(
      p => p.metadata?.labels?.['kratix.io/resource-name'] === name,
    );
  for (const name of ['kept', 'gone']) {
    await eventually(async () => {
      const r = await f.read(NOTES, name, 'default');
      const p = await podsOf(name);
      return r?.status?.observedGeneration === 1 && p.length === 1
        ? true
        : undefined;
    });
  }

  await f.custom.deleteNamespacedCustomObject({
    ...NOTES,
    namespace: 'default',
    name: 'gone',
  });
  await f.untilGone(() => f.read(NOTES, 'gone', 'default'));
  // Its configure and delete Pods went with it; the other's stays.
  expect(await podsOf('gone')).toEqual([]);
  expect((await podsOf('kept')).map(pipelineOf)).toEqual(['write']);
  await engine.stop();
});

describe('podsToPrune', () => {
  const pod = (name: string, created: string, phase: string): V1Pod => ({
    metadata: { name, creationTimestamp: new Date(created) },
    status: { phase },
  });

  it('keeps the newest finished ones, and every running one', () => {
    const all = [
      pod('a', '2025-01-01T00:00:01Z', 'Succeeded'),
      pod('b', '2025-01-01T00:00:02Z', 'Failed'),
      pod('c', '2025-01-01T00:00:03Z', 'Running'),
      pod('d', '2025-01-01T00:00:04Z', 'Succeeded'),
    ];
    expect(podsToPrune(all, 2).map(p => p.metadata!.name)).toEqual(['a']);
    expect(podsToPrune(all, 1).map(p => p.metadata!.name)).toEqual(['b', 'a']);
    expect(podsToPrune(all, 3)).toEqual([]);
    // The Pod that just ended is the newest, whatever the clock says.
    expect(podsToPrune(all, 1, 'a').map(p => p.metadata!.name)).toEqual([
      'd',
      'b',
    ]);
  });
});

describe('kratix.kubernetes.reconcile.numberOfPodsToKeep', () => {
  const read = (reconcile?: object) =>
    readReconcileSettings(
      new ConfigReader({ kratix: { kubernetes: { reconcile } } }),
    );

  it('is 5 by default, as upstream, and a whole number of at least 1', () => {
    expect(read()).toEqual({ podsToKeep: 5 });
    expect(read({ numberOfPodsToKeep: 2 })).toEqual({ podsToKeep: 2 });
    expect(() => read({ numberOfPodsToKeep: 0 })).toThrow(
      'kratix.kubernetes.reconcile.numberOfPodsToKeep must be a whole number, at least 1, not 0',
    );
  });
});
