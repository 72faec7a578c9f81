import { V1Pod } from '@kubernetes/client-node';
import {
  isBarePod,
  loggedContainers,
  pipelineOrderOf,
  podGeneration,
  podRunsOf,
  workflowRunsOnCluster,
} from './pipelinePods';

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 0, 0, s));

const terminated = (name: string, exitCode: number, s: number) => ({
  name,
  image: 'x',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, finishedAt: at(s) } },
});

function pod(
  run: string,
  options: {
    pipeline: string;
    created: number;
    phase?: string;
    action?: string;
    failedAt?: number;
    generation?: number;
    /** The engine's creation time in ms (kratix.io/created-at). */
    createdMs?: number;
  },
): V1Pod {
  const phase = options.phase ?? 'Succeeded';
  return {
    metadata: {
      name: `kratix-iam-alice-${options.pipeline}-${run}`,
      namespace: 'default',
      uid: `uid-${run}`,
      creationTimestamp: at(options.created),
      ...(options.createdMs !== undefined && {
        annotations: { 'kratix.io/created-at': String(options.createdMs) },
      }),
      labels: {
        'kratix.io/promise-name': 'iam',
        'kratix.io/resource-name': 'alice',
        'kratix.io/resource-namespace': 'default',
        'kratix.io/pipeline-name': options.pipeline,
        'kratix.io/workflow-type': 'resource',
        'kratix.io/workflow-action': options.action ?? 'configure',
        'kratix.io/pipeline-run': run,
      },
    },
    spec: {
      initContainers: [
        {
          name: 'reader',
          env: [
            {
              name: 'KRATIX_OBJECT_YAML',
              value: `metadata:\n  name: alice\n  generation: ${
                options.generation ?? 1
              }\n`,
            },
          ],
        },
        { name: 'main' },
        { name: 'second' },
      ],
      containers: [{ name: 'kratix-collector' }],
    },
    status: {
      phase,
      startTime: at(options.created),
      initContainerStatuses:
        phase === 'Failed'
          ? [
              terminated('reader', 0, options.created),
              terminated('main', 3, options.failedAt ?? options.created + 1),
            ]
          : [terminated('reader', 0, options.created)],
      containerStatuses:
        phase === 'Succeeded'
          ? [terminated('kratix-collector', 0, options.created + 2)]
          : [],
    },
  };
}

const promise: any = {
  spec: {
    workflows: {
      resource: {
        configure: [
          { metadata: { name: 'one' } },
          { metadata: { name: 'two' } },
        ],
      },
    },
  },
};

describe('bare pipeline Pods', () => {
  it('tells Pods of Jobs from bare Pods', () => {
    const bare = pod('r1', { pipeline: 'one', created: 1 });
    expect(isBarePod(bare)).toBe(true);
    expect(
      isBarePod({
        ...bare,
        metadata: { ...bare.metadata, labels: { 'job-name': 'j' } },
      }),
    ).toBe(false);
    expect(
      isBarePod({
        ...bare,
        metadata: {
          ...bare.metadata,
          ownerReferences: [
            { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u' },
          ],
        },
      }),
    ).toBe(false);
  });

  it("orders Pods of one second by the engine's milliseconds: a failed run's last Pod, then the next run's first", () => {
    const ms = (s: number) => at(s).getTime();
    const pods = [
      pod('b1', { pipeline: 'one', created: 2, createdMs: ms(2) + 700 }),
      pod('a2', {
        pipeline: 'two',
        created: 2,
        createdMs: ms(2) + 100,
        phase: 'Failed',
      }),
      pod('a1', { pipeline: 'one', created: 1, createdMs: ms(1) + 500 }),
      pod('b2', { pipeline: 'two', created: 3, createdMs: ms(3) + 50 }),
    ];
    expect(
      podRunsOf(pods, pipelineOrderOf(promise)).map(r =>
        r.pods.map(p => p.metadata!.uid),
      ),
    ).toEqual([
      ['uid-a1', 'uid-a2'],
      ['uid-b1', 'uid-b2'],
    ]);
  });

  it('groups a workflow run by its pipelines in order; a new run starts where the workflow starts again', () => {
    // One second holds run A's two Pods and run B's first: the Promise's
    // pipeline order places them.
    const pods = [
      pod('b2', { pipeline: 'two', created: 5, phase: 'Running' }),
      pod('a2', { pipeline: 'two', created: 1, phase: 'Failed' }),
      pod('b1', { pipeline: 'one', created: 3, generation: 2 }),
      pod('a1', { pipeline: 'one', created: 1 }),
      pod('d1', { pipeline: 'one', created: 9, action: 'delete' }),
    ];
    const order = pipelineOrderOf(promise);
    expect(
      podRunsOf(pods, order).map(r => [r.id, r.pods.map(p => p.metadata!.uid)]),
    ).toEqual([
      ['resource.configure.a1', ['uid-a1', 'uid-a2']],
      ['resource.configure.b1', ['uid-b1', 'uid-b2']],
      ['resource.delete.d1', ['uid-d1']],
    ]);

    const runs = workflowRunsOnCluster([], pods, [], order);
    expect(runs.map(r => [r.id, r.phase, r.generation])).toEqual([
      ['resource.delete.d1', 'Succeeded', 1],
      ['resource.configure.b1', 'Running', 2],
      ['resource.configure.a1', 'Failed', 1],
    ]);
    expect(runs[2]).toEqual({
      id: 'resource.configure.a1',
      type: 'resource',
      action: 'configure',
      generation: 1,
      phase: 'Failed',
      startedAt: at(1).toISOString(),
      finishedAt: at(2).toISOString(),
      pipelines: [
        {
          name: 'one',
          phase: 'Succeeded',
          startedAt: at(1).toISOString(),
          finishedAt: at(3).toISOString(),
        },
        {
          name: 'two',
          phase: 'Failed',
          startedAt: at(1).toISOString(),
          finishedAt: at(2).toISOString(),
          exitCode: 3,
          message: 'Container main exited with code 3',
        },
      ],
    });
  });

  it('the newest run whose later pipelines have no Pod yet is running', () => {
    const pods = [pod('a1', { pipeline: 'one', created: 1 })];
    const order = pipelineOrderOf(promise);
    expect(workflowRunsOnCluster([], pods, [], order)[0]).toMatchObject({
      phase: 'Running',
      finishedAt: undefined,
    });
    pods.push(pod('a2', { pipeline: 'two', created: 2 }));
    expect(workflowRunsOnCluster([], pods, [], order)[0].phase).toBe(
      'Succeeded',
    );
  });

  it('without the Promise, a pipeline seen again starts a new run', () => {
    const pods = [
      pod('a1', { pipeline: 'one', created: 1 }),
      pod('a2', { pipeline: 'two', created: 1 }),
      pod('b1', { pipeline: 'one', created: 2 }),
    ];
    expect(
      podRunsOf(pods, pipelineOrderOf(undefined)).map(r => r.pods.length),
    ).toEqual([2, 1]);
  });

  it("logs the pipeline's containers, the reader only when it failed, never the collector", () => {
    const ok = pod('a1', { pipeline: 'one', created: 1 });
    expect(loggedContainers(ok)).toEqual(['main', 'second']);
    ok.status!.initContainerStatuses = [terminated('reader', 1, 1)];
    expect(loggedContainers(ok)).toEqual(['reader', 'main', 'second']);
  });
});

describe('podGeneration', () => {
  const withObject = (yaml: string): V1Pod => {
    const p = pod('r1', { pipeline: 'one', created: 1 });
    p.spec!.initContainers![0].env = [
      { name: 'KRATIX_OBJECT_YAML', value: yaml },
    ];
    return p;
  };

  it("reads the generation from the reader's object", () => {
    expect(
      podGeneration(withObject('metadata:\n  name: a\n  generation: 4\n')),
    ).toBe(4);
  });

  it('gives 0 for a hostile object: too deep, too large, not YAML', () => {
    expect(podGeneration(withObject('['.repeat(3000)))).toBe(0);
    expect(
      podGeneration(
        withObject(
          `metadata:\n  generation: 4\n  pad: ${'x'.repeat(130_000)}\n`,
        ),
      ),
    ).toBe(0);
    expect(podGeneration(withObject('metadata: [unclosed'))).toBe(0);
  });
});
