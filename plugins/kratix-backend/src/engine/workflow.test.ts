import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  executeWorkflow,
  ExecuteWorkflowOptions,
  WorkflowEvent,
} from './workflow';
import { RunnerUnavailableError } from './interfaces';
import { groupId } from './workPlacement';
import {
  fakeRunner,
  FakePipeline,
  memoryStateStore,
  recordingSave,
  testPromise,
  testResource,
} from './__testUtils__/fakes';

const T = '2024-05-01T10:00:00Z';

describe('executeWorkflow', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-workflow-'));
  });
  afterEach(() => fs.rm(workDir, { recursive: true, force: true }));

  function setup(
    behaviour: Record<string, FakePipeline>,
    overrides: Partial<ExecuteWorkflowOptions> = {},
  ) {
    const runner = fakeRunner(behaviour, workDir);
    const stateStore = memoryStateStore();
    const recorder = recordingSave();
    const events: WorkflowEvent[] = [];
    const options: ExecuteWorkflowOptions = {
      object: testResource(),
      promise: testPromise(Object.keys(behaviour)),
      workflow: { type: 'resource', action: 'configure' },
      runner,
      stateStore,
      destinations: [
        { name: 'dev', labels: { env: 'dev' } },
        { name: 'platform', labels: { env: 'platform' } },
      ],
      save: recorder.save,
      now: () => new Date(T),
      onEvent: e => events.push(e),
      ...overrides,
    };
    const logOf = (pipeline: string) =>
      events
        .filter(e => e.type === 'pipeline-log' && e.pipeline === pipeline)
        .map(e => (e as { chunk: string }).chunk)
        .join('');
    return {
      runner,
      stateStore,
      saved: recorder.saved,
      events,
      options,
      logOf,
    };
  }

  it('runs pipelines in order with the KRATIX_* env and the status so far', async () => {
    const { runner, saved, options } = setup({
      first: {
        files: { 'metadata/status.yaml': 'message: one\niam: {user: admin}\n' },
      },
      second: { files: { 'metadata/status.yaml': 'iam: {password: p}\n' } },
    });
    const result = await executeWorkflow(options);

    expect(result.outcome).toBe('succeeded');
    expect(runner.requests.map(r => r.env)).toEqual(
      ['first', 'second'].map(name => ({
        KRATIX_WORKFLOW_ACTION: 'configure',
        KRATIX_WORKFLOW_TYPE: 'resource',
        KRATIX_PROMISE_NAME: 'test',
        KRATIX_PIPELINE_NAME: name,
        KRATIX_OBJECT_KIND: 'Thing',
        KRATIX_OBJECT_GROUP: 'example.io',
        KRATIX_OBJECT_VERSION: 'v1',
        KRATIX_OBJECT_NAME: 'my-thing',
        KRATIX_OBJECT_NAMESPACE: 'team-a',
        KRATIX_CRD_PLURAL: 'things',
        KRATIX_CLUSTER_SCOPED: 'false',
      })),
    );
    const firstInput = parse(runner.objects[0]);
    expect(firstInput.spec).toEqual({ size: 1 });
    expect(firstInput.status.message).toBe('Pending');
    expect(firstInput.status.kratix.workflows.pipelines[0].phase).toBe(
      'Running',
    );
    expect(parse(runner.objects[1]).status).toMatchObject({
      message: 'one',
      iam: { user: 'admin' },
    });

    expect(result.object.status).toMatchObject({
      message: 'one',
      iam: { user: 'admin', password: 'p' },
      observedGeneration: 2,
      workflows: 2,
      workflowsSucceeded: 2,
      workflowsFailed: 0,
      kratix: {
        workflows: {
          lastSuccessfulConfigureWorkflowTime: T,
          pipelines: [
            { name: 'first', phase: 'Succeeded' },
            { name: 'second', phase: 'Succeeded' },
          ],
        },
      },
    });
    expect(result.object).toEqual(saved[saved.length - 1]);
    // running, then per pipeline: Running and Succeeded, then the outcome.
    expect(saved).toHaveLength(6);
    expect(saved[0].status?.conditions?.map(c => c.reason)).toEqual([
      'PipelinesInProgress',
      'WorkflowPending',
    ]);
    expect(await fs.readdir(workDir)).toEqual([]);
  });

  it('emits events in order, with status-changed for every save', async () => {
    const { events, saved, options } = setup({ only: { log: 'hello\n' } });
    await executeWorkflow(options);
    expect(events.map(e => e.type)).toEqual([
      'status-changed',
      'pipeline-started',
      'status-changed',
      'pipeline-log',
      'status-changed',
      'pipeline-succeeded',
      'status-changed',
    ]);
    expect(events[3]).toEqual({
      type: 'pipeline-log',
      pipeline: 'only',
      container: 'only-c',
      chunk: 'hello\n',
    });
    expect(events.filter(e => e.type === 'status-changed')).toHaveLength(
      saved.length,
    );
  });

  it('writes outputs to the Destinations the selectors pick', async () => {
    const { stateStore, options } = setup(
      {
        only: {
          files: {
            'output/app.yaml': 'app',
            'output/platform/ns.yaml': 'ns',
            'metadata/destination-selectors.yaml':
              '- directory: platform\n  matchLabels: {env: platform}\n',
          },
        },
      },
      {
        promise: testPromise(['only'], {
          destinationSelectors: [{ matchLabels: { env: 'dev' } }],
        }),
      },
    );
    const result = await executeWorkflow(options);
    expect(result.outcome).toBe('succeeded');
    expect(
      stateStore.writes.map(w => [
        w.destination,
        w.workloadPath,
        w.files.map(f => `${f.path}=${f.content}`),
      ]),
    ).toEqual([
      [
        'platform',
        `resources/team-a/test/my-thing/only/${groupId('platform').slice(
          0,
          5,
        )}`,
        ['platform/ns.yaml=ns'],
      ],
      ['dev', 'resources/team-a/test/my-thing/only/5058f', ['app.yaml=app']],
    ]);
    expect(result.object.status?.conditions?.[1]).toMatchObject({
      type: 'Reconciled',
      status: 'True',
    });
  });

  it('leaves Reconciled WorksPending with a warning when no Destination matches', async () => {
    const { options, logOf } = setup(
      { only: { files: { 'output/app.yaml': 'app' } } },
      {
        promise: testPromise(['only'], {
          destinationSelectors: [{ matchLabels: { env: 'nowhere' } }],
        }),
      },
    );
    const result = await executeWorkflow(options);
    expect(result.outcome).toBe('succeeded');
    expect(result.object.status?.conditions?.[1]).toMatchObject({
      type: 'Reconciled',
      status: 'Unknown',
      reason: 'WorksPending',
    });
    expect(logOf('only')).toContain(
      'warning: no Destination matches the outputs app.yaml',
    );
  });

  it.each<[string, FakePipeline, string]>([
    [
      'a symbolic link in output',
      {
        run: (_r, dirs) =>
          fs.symlink('/etc/passwd', path.join(dirs.output, 'x')),
      },
      "the output 'x' is a symbolic link",
    ],
    [
      'bad destination selectors',
      {
        files: {
          'metadata/destination-selectors.yaml':
            '- directory: ../x\n  matchLabels: {a: b}\n',
        },
      },
      'escapes /kratix/output',
    ],
    [
      'a status.yaml over the limit',
      {
        files: { 'metadata/status.yaml': 'message: too long for the limit\n' },
      },
      'more than the limit of 16 bytes',
    ],
    [
      'a failing container',
      { fail: true },
      'Container only-c exited with code 1',
    ],
    [
      'a runner that throws',
      { throws: 'unshare is not available' },
      'the pipeline could not run: unshare is not available',
    ],
  ])(
    'fails the pipeline for %s, with the reason in its log',
    async (_name, behaviour, message) => {
      const { options, stateStore, events, logOf } = setup(
        { only: behaviour },
        { statusMaxBytes: 16 },
      );
      const result = await executeWorkflow(options);
      expect(result).toMatchObject({
        outcome: 'failed',
        failedPipeline: 'only',
      });
      expect(logOf('only')).toContain(message);
      expect(events.find(e => e.type === 'pipeline-failed')).toMatchObject({
        pipeline: 'only',
        message: expect.stringContaining(message),
      });
      expect(result.object.status).toMatchObject({
        message: 'Pending',
        workflowsFailed: 1,
        workflowsSucceeded: 0,
        conditions: [
          {
            type: 'ConfigureWorkflowCompleted',
            status: 'False',
            message: 'A Configure Pipeline has failed: only',
          },
          { type: 'Reconciled', status: 'False', message: 'Failing' },
        ],
        kratix: {
          workflows: {
            pipelines: [
              {
                name: 'only',
                phase: 'Failed',
                message: expect.stringContaining(message),
              },
            ],
          },
        },
      });
      expect(stateStore.writes).toEqual([]);
      expect(await fs.readdir(workDir)).toEqual([]);
    },
  );

  it('throws when the runner is unavailable (a reconcile error), the pipeline left Running', async () => {
    const { options, saved, events } = setup({ only: {} });
    options.runner = fakeRunner({ only: {} }, path.join(workDir, 'gone'));
    const running = executeWorkflow(options);
    await expect(running).rejects.toBeInstanceOf(RunnerUnavailableError);
    await expect(running).rejects.toThrow(
      /^the pipeline's directories could not be made in .*gone: ENOENT/,
    );
    expect(
      saved[saved.length - 1].status?.kratix?.workflows?.pipelines,
    ).toMatchObject([{ name: 'only', phase: 'Running' }]);
    expect(events.map(e => e.type)).not.toContain('pipeline-failed');
  });

  it('records a failed delete workflow and ignores delete outputs', async () => {
    const ok = setup(
      {
        remove: {
          files: {
            'output/x.yaml': 'x',
            'metadata/status.yaml': 'cleaned: true\n',
          },
        },
      },
      {
        workflow: { type: 'resource', action: 'delete' },
        promise: testPromise(['remove'], { action: 'delete' }),
      },
    );
    const done = await executeWorkflow(ok.options);
    expect(done.outcome).toBe('succeeded');
    expect(ok.stateStore.writes).toEqual([]);
    expect(done.object.status).toMatchObject({ cleaned: true });
    expect(done.object.status?.conditions).toBeUndefined();
    expect(ok.runner.requests[0].env.KRATIX_WORKFLOW_ACTION).toBe('delete');

    const failing = setup(
      { remove: { fail: true } },
      {
        workflow: { type: 'resource', action: 'delete' },
        promise: testPromise(['remove'], { action: 'delete' }),
      },
    );
    const failed = await executeWorkflow(failing.options);
    expect(failed.outcome).toBe('failed');
    expect(failed.object.status?.conditions).toEqual([
      {
        type: 'DeleteWorkflowCompleted',
        status: 'False',
        reason: 'DeleteWorkflowFailed',
        message: 'The Delete Pipeline has failed',
        lastTransitionTime: T,
      },
    ]);
  });

  it('configures a Promise with its own message', async () => {
    const { options } = setup(
      { setup: {} },
      {
        workflow: { type: 'promise', action: 'configure' },
        promise: testPromise(['setup'], { type: 'promise' }),
        object: {
          apiVersion: 'platform.kratix.io/v1alpha1',
          kind: 'Promise',
          metadata: { name: 'test' },
          spec: {},
          status: {},
        },
      },
    );
    const result = await executeWorkflow(options);
    expect(result.object.status?.message).toBe('Promise configured');
    expect(result.object.status?.observedGeneration).toBe(1);
  });

  it('resumes at startAt', async () => {
    const { runner, options } = setup({ a: {}, b: {}, c: {} }, { startAt: 2 });
    const result = await executeWorkflow(options);
    expect(runner.requests.map(r => r.pipeline.name)).toEqual(['c']);
    expect(
      result.object.status?.kratix?.workflows?.pipelines?.map(p => p.phase),
    ).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  });

  it('does nothing when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const { saved, runner, options } = setup(
      { a: {} },
      { signal: controller.signal },
    );
    const result = await executeWorkflow(options);
    expect(result).toEqual({ outcome: 'cancelled', object: options.object });
    expect(saved).toEqual([]);
    expect(runner.requests).toEqual([]);
  });

  it('stops when cancelled during a pipeline, without applying its status', async () => {
    const controller = new AbortController();
    const { runner, options } = setup(
      {
        a: {
          files: { 'metadata/status.yaml': 'message: stale\n' },
          run: () => controller.abort(),
        },
        b: {},
      },
      { signal: controller.signal },
    );
    const result = await executeWorkflow(options);
    expect(result.outcome).toBe('cancelled');
    expect(runner.requests).toHaveLength(1);
    expect(result.object.status?.message).toBe('Pending');
    expect(
      result.object.status?.kratix?.workflows?.pipelines?.[0],
    ).toMatchObject({ phase: 'Pending', message: 'Cancelled' });
  });
});
