import { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  isJobOf,
  jobSelector,
  jobsOfRun,
  podsOf,
  workflowRunsOf,
} from './pipelineJobs';

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 0, 0, s));

function job(
  name: string,
  options: {
    pipeline: string;
    hash: string;
    created: number;
    started?: number;
    status?: V1Job['status'];
    action?: string;
  },
): V1Job {
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: at(options.created),
      labels: {
        'kratix.io/promise-name': 'iam',
        'kratix.io/resource-name': 'alice',
        'kratix.io/pipeline-name': options.pipeline,
        'kratix.io/workflow-type': 'resource',
        'kratix.io/workflow-action': options.action ?? 'configure',
        'kratix.io/hash': options.hash,
      },
    },
    status: {
      ...(options.started !== undefined && { startTime: at(options.started) }),
      ...options.status,
    },
  };
}

const done = (s: number): V1Job['status'] => ({
  succeeded: 1,
  completionTime: at(s),
  conditions: [{ type: 'Complete', status: 'True' }],
});

describe('workflowRunsOf', () => {
  it('groups Jobs by object hash, newest run first, pipelines in the order they started', () => {
    const jobs = [
      // One second: the later-started Job comes second, whatever its name.
      job('b-first', {
        pipeline: 'first',
        hash: 'h1',
        created: 1,
        started: 1,
        status: done(2),
      }),
      job('a-second', {
        pipeline: 'second',
        hash: 'h1',
        created: 1,
        started: 2,
        status: done(3),
      }),
      job('c-new', {
        pipeline: 'first',
        hash: 'h2',
        created: 10,
        started: 10,
        status: { active: 1 },
      }),
    ];
    const runs = workflowRunsOf(jobs, []);
    expect(runs.map(r => r.id)).toEqual([
      'resource.configure.h2',
      'resource.configure.h1',
    ]);
    expect(runs[0]).toMatchObject({ phase: 'Running', finishedAt: undefined });
    expect(runs[1]).toMatchObject({
      type: 'resource',
      action: 'configure',
      phase: 'Succeeded',
      startedAt: at(1).toISOString(),
      finishedAt: at(3).toISOString(),
      pipelines: [
        { name: 'first', phase: 'Succeeded' },
        { name: 'second', phase: 'Succeeded' },
      ],
    });
    expect(
      jobsOfRun(jobs, 'resource.configure.h1').map(j => j.metadata?.name),
    ).toEqual(['b-first', 'a-second']);
  });

  it("reports a failed Job with its Pod's failed container and exit code", () => {
    const failed = job('f', {
      pipeline: 'configure-backups',
      hash: 'h',
      created: 1,
      started: 1,
      status: {
        failed: 1,
        conditions: [
          { type: 'Failed', status: 'True', lastTransitionTime: at(4) },
        ],
      },
    });
    const pod: V1Pod = {
      metadata: {
        name: 'f-x',
        namespace: 'default',
        labels: { 'job-name': 'f' },
      },
      status: {
        initContainerStatuses: [
          {
            name: 'reader',
            image: 'r',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { terminated: { exitCode: 0 } },
          },
          {
            name: 'backup',
            image: 'b',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 3, reason: 'Error' } },
          },
        ],
      },
    };
    expect(podsOf(failed, [pod])).toEqual([pod]);
    const [run] = workflowRunsOf([failed], [pod]);
    expect(run).toMatchObject({
      phase: 'Failed',
      finishedAt: at(4).toISOString(),
      pipelines: [
        {
          name: 'configure-backups',
          phase: 'Failed',
          exitCode: 3,
          message: 'Container backup exited with code 3 (Error)',
        },
      ],
    });
  });

  it('a Job not started yet is Pending, its run Running', () => {
    const [run] = workflowRunsOf(
      [job('p', { pipeline: 'p', hash: 'h', created: 1 })],
      [],
    );
    expect(run.pipelines[0].phase).toBe('Pending');
    expect(run.phase).toBe('Running');
  });
});

describe('Job selection', () => {
  it("selects a Resource's Jobs, or a Promise's (no resource label)", () => {
    expect(jobSelector('iam', 'alice')).toBe(
      'kratix.io/promise-name=iam,kratix.io/resource-name=alice',
    );
    expect(jobSelector('iam')).toBe(
      'kratix.io/promise-name=iam,!kratix.io/resource-name',
    );
  });

  it("matches the Resource's namespace by label, else by the Job's namespace", () => {
    const j = job('x', { pipeline: 'p', hash: 'h', created: 1 });
    expect(isJobOf(j, 'default')).toBe(true);
    expect(isJobOf(j, 'team-a')).toBe(false);
    j.metadata!.labels!['kratix.io/resource-namespace'] = 'team-a';
    expect(isJobOf(j, 'team-a')).toBe(true);
  });
});
