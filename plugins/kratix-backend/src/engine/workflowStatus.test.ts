// The status parts of a workflow, through executeWorkflow and the runner's
// own file reading: WorksSucceeded, a Promise's Available and status.yaml
// rule, and workflow-control.yaml.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findCondition } from '@kratix-backstage/plugin-kratix-common';
import { executeWorkflow, ExecuteWorkflowOptions } from './workflow';
import { KratixObject } from './interfaces';
import {
  fakeRunner,
  FakePipeline,
  memoryStateStore,
  recordingSave,
  testPromise,
  testResource,
} from './__testUtils__/fakes';

const T = '2024-05-01T10:00:00Z';
const CONTROL = 'metadata/workflow-control.yaml';

const promiseObject = (): KratixObject => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'test', generation: 1 },
  spec: {},
});

describe('workflow status', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-status-'));
  });
  afterEach(() => fs.rm(workDir, { recursive: true, force: true }));

  function setup(
    behaviour: Record<string, FakePipeline>,
    overrides: Partial<ExecuteWorkflowOptions> = {},
  ) {
    const runner = fakeRunner(behaviour, workDir);
    const stateStore = memoryStateStore();
    const logs: string[] = [];
    const options: ExecuteWorkflowOptions = {
      object: testResource(),
      promise: testPromise(Object.keys(behaviour)),
      workflow: { type: 'resource', action: 'configure' },
      runner,
      stateStore,
      destinations: [{ name: 'dev', labels: {} }],
      save: recordingSave().save,
      now: () => new Date(T),
      onEvent: e => {
        if (e.type === 'pipeline-log') logs.push(e.chunk);
      },
      ...overrides,
    };
    return { runner, stateStore, options, log: () => logs.join('') };
  }

  describe('WorksSucceeded', () => {
    it('is True, and Reconciled True, once the outputs are written', async () => {
      const { options, stateStore } = setup({
        p1: { files: { 'output/a.yaml': 'a: 1\n' } },
      });
      const { object } = await executeWorkflow(options);
      expect(stateStore.writes).toHaveLength(1);
      expect(findCondition(object.status, 'WorksSucceeded')).toEqual({
        type: 'WorksSucceeded',
        status: 'True',
        reason: 'WorksSucceeded',
        message: 'All works associated with this resource are ready',
        lastTransitionTime: T,
      });
      expect(findCondition(object.status, 'Reconciled')?.status).toBe('True');
    });

    it('is Unknown (WorksPending) when an output matches no Destination', async () => {
      const { options } = setup(
        { p1: { files: { 'output/a.yaml': 'a: 1\n' } } },
        { destinations: [] },
      );
      const { object } = await executeWorkflow(options);
      expect(findCondition(object.status, 'WorksSucceeded')).toMatchObject({
        status: 'Unknown',
        reason: 'WorksPending',
      });
      expect(findCondition(object.status, 'Reconciled')).toMatchObject({
        status: 'Unknown',
        reason: 'WorksPending',
      });
    });

    it('is False (WorksFailed) with the failure when the state store write fails; the error is thrown on', async () => {
      const { options, stateStore } = setup({
        p1: { files: { 'output/a.yaml': 'a: 1\n' } },
      });
      const saved = recordingSave();
      stateStore.writeWorkload = async () => {
        throw new Error('disk full');
      };
      await expect(
        executeWorkflow({ ...options, save: saved.save }),
      ).rejects.toThrow('disk full');
      const last = saved.saved[saved.saved.length - 1];
      expect(findCondition(last.status, 'WorksSucceeded')).toEqual({
        type: 'WorksSucceeded',
        status: 'False',
        reason: 'WorksFailed',
        message: 'the outputs of pipeline p1 could not be written: disk full',
        lastTransitionTime: T,
      });
      expect(findCondition(last.status, 'Reconciled')?.status).not.toBe('True');
    });

    it('is dropped from a status.yaml with a warning: the engine owns it', async () => {
      const { options, log } = setup({
        p1: {
          files: {
            'metadata/status.yaml':
              'conditions:\n- {type: WorksSucceeded, status: "False"}\n',
          },
        },
      });
      const { object } = await executeWorkflow(options);
      expect(findCondition(object.status, 'WorksSucceeded')?.status).toBe(
        'True',
      );
      expect(log()).toContain("the condition 'WorksSucceeded'");
    });
  });

  describe('a Promise', () => {
    const promiseSetup = (behaviour: Record<string, FakePipeline>) =>
      setup(behaviour, {
        object: promiseObject(),
        promise: testPromise(Object.keys(behaviour), { type: 'promise' }),
        workflow: { type: 'promise', action: 'configure' },
      });

    it('is Available once its configure workflow succeeded', async () => {
      const saved = recordingSave();
      const { options } = promiseSetup({ p1: {} });
      const { object } = await executeWorkflow({
        ...options,
        save: saved.save,
      });
      // Unavailable while it runs.
      expect(saved.saved[0].status).toMatchObject({ status: 'Unavailable' });
      expect(findCondition(saved.saved[0].status, 'Available')).toMatchObject({
        status: 'False',
        reason: 'PromiseUnavailable',
        message: 'Cannot fulfil resource requests',
      });
      expect(object.status?.status).toBe('Available');
      expect(findCondition(object.status, 'Available')).toEqual({
        type: 'Available',
        status: 'True',
        reason: 'PromiseAvailable',
        message: 'Ready to fulfil resource requests',
        lastTransitionTime: T,
      });
      expect(findCondition(object.status, 'WorksSucceeded')).toMatchObject({
        status: 'True',
        message: 'All works associated with this promise are ready',
      });
    });

    it('stays Unavailable when its configure workflow fails', async () => {
      const { options } = promiseSetup({ p1: { fail: true } });
      const { object } = await executeWorkflow(options);
      expect(object.status?.status).toBe('Unavailable');
      expect(findCondition(object.status, 'Available')?.status).toBe('False');
    });

    it('stays Unavailable while its required Promises are missing', async () => {
      const { options } = promiseSetup({ p1: {} });
      const object = promiseObject();
      object.status = {
        conditions: [
          {
            type: 'PromiseAvailable',
            status: 'False',
            reason: 'RequirementsNotInstalled',
            message: 'missing: redis',
          },
        ],
      };
      const result = await executeWorkflow({ ...options, object });
      expect(result.object.status?.status).toBe('Unavailable');
      expect(findCondition(result.object.status, 'Available')).toMatchObject({
        status: 'False',
        reason: 'PromiseUnavailable',
      });
    });

    it('keeps only message from its status.yaml, with a warning in the log', async () => {
      const { options, log } = promiseSetup({
        p1: {
          files: {
            'metadata/status.yaml':
              'message: ready\nendpoint: x\nconditions: [{type: A, status: "True"}]\n',
          },
        },
      });
      const { object } = await executeWorkflow(options);
      expect(object.status?.message).toBe('ready');
      expect(object.status).not.toHaveProperty('endpoint');
      expect(findCondition(object.status, 'A')).toBeUndefined();
      expect(log()).toContain(
        "a Promise workflow's /kratix/metadata/status.yaml may only set 'message'; ignored: endpoint, conditions",
      );
    });
  });

  describe('workflow-control.yaml', () => {
    it('suspends after the pipeline: no Works, later pipelines not run, Reconciled Unknown (Suspended)', async () => {
      const { options, stateStore, runner, log } = setup({
        p1: {
          files: {
            'output/a.yaml': 'a: 1\n',
            'metadata/status.yaml': 'message: waiting for approval\n',
            [CONTROL]: 'retryAfter: 10s\nmessage: approval pending\n',
          },
        },
        p2: {},
      });
      const result = await executeWorkflow(options);
      expect(result.outcome).toBe('suspended');
      expect(result.retryAt).toEqual(new Date('2024-05-01T10:00:10Z'));
      expect(runner.requests.map(r => r.pipeline.name)).toEqual(['p1']);
      expect(stateStore.writes).toEqual([]);
      const status = result.object.status!;
      expect(status.message).toBe('waiting for approval');
      expect(status.kratix?.workflows).toMatchObject({
        suspendedGeneration: 2,
        pipelines: [
          {
            name: 'p1',
            phase: 'Suspended',
            message: 'approval pending',
            nextRetryAt: '2024-05-01T10:00:10Z',
            attempts: 1,
          },
          { name: 'p2', phase: 'Pending' },
        ],
      });
      expect(findCondition(status, 'Reconciled')).toEqual({
        type: 'Reconciled',
        status: 'Unknown',
        reason: 'Suspended',
        message: 'approval pending',
        lastTransitionTime: T,
      });
      expect(findCondition(status, 'ConfigureWorkflowCompleted')?.status).toBe(
        'False',
      );
      expect(findCondition(status, 'WorksSucceeded')).toBeUndefined();
      expect(log()).toContain('workflow suspended by');
    });

    it('resumed at the suspended pipeline, counts attempts, and completes when the file is gone', async () => {
      const first = setup({ p1: { files: { [CONTROL]: 'retryAfter: 1m\n' } } });
      const once = await executeWorkflow(first.options);
      const twice = await executeWorkflow({
        ...first.options,
        object: once.object,
      });
      expect(twice.object.status?.kratix?.workflows?.pipelines?.[0]).toEqual(
        expect.objectContaining({ phase: 'Suspended', attempts: 2 }),
      );
      const done = setup({ p1: {} });
      const result = await executeWorkflow({
        ...done.options,
        object: twice.object,
      });
      expect(result.outcome).toBe('succeeded');
      expect(result.object.status?.kratix?.workflows).toEqual({
        pipelines: [{ name: 'p1', phase: 'Succeeded', lastTransitionTime: T }],
        lastSuccessfulConfigureWorkflowTime: T,
      });
      expect(findCondition(result.object.status, 'Reconciled')?.status).toBe(
        'True',
      );
    });

    it('suspends without a retry on suspend: true; a Promise is then Unavailable', async () => {
      const { options } = setup(
        { p1: { files: { [CONTROL]: 'suspend: true\n' } } },
        {
          object: promiseObject(),
          promise: testPromise(['p1'], { type: 'promise' }),
          workflow: { type: 'promise', action: 'configure' },
        },
      );
      const result = await executeWorkflow(options);
      expect(result).toMatchObject({ outcome: 'suspended' });
      expect(result.retryAt).toBeUndefined();
      expect(findCondition(result.object.status, 'Reconciled')).toMatchObject({
        status: 'Unknown',
        reason: 'Suspended',
        message: 'Suspended',
      });
      expect(result.object.status?.status).toBe('Unavailable');
      expect(findCondition(result.object.status, 'Available')).toMatchObject({
        status: 'False',
        reason: 'Suspended',
      });
    });

    it('suspends a delete workflow: DeleteWorkflowCompleted says so', async () => {
      const { options } = setup(
        { d1: { files: { [CONTROL]: 'retryAfter: 5s\n' } } },
        {
          promise: testPromise(['d1'], { action: 'delete' }),
          workflow: { type: 'resource', action: 'delete' },
        },
      );
      const result = await executeWorkflow(options);
      expect(result.outcome).toBe('suspended');
      expect(
        findCondition(result.object.status, 'DeleteWorkflowCompleted'),
      ).toMatchObject({
        status: 'False',
        reason: 'DeleteWorkflowSuspended',
        message: 'The delete workflow is suspended',
      });
    });

    it('fails the pipeline, naming the file, when it is invalid', async () => {
      const { options, stateStore } = setup({
        p1: {
          files: { 'output/a.yaml': 'a: 1\n', [CONTROL]: 'retryAfter: soon\n' },
        },
      });
      const result = await executeWorkflow(options);
      expect(result.outcome).toBe('failed');
      expect(stateStore.writes).toEqual([]);
      expect(
        findCondition(result.object.status, 'ConfigureWorkflowCompleted')
          ?.message,
      ).toBe('A Configure Pipeline has failed: p1');
      expect(result.object.status?.kratix?.workflows?.pipelines?.[0]).toEqual(
        expect.objectContaining({
          phase: 'Failed',
          message: expect.stringContaining(
            `'retryAfter' in /kratix/metadata/workflow-control.yaml must be a duration`,
          ),
        }),
      );
    });

    it('fails the pipeline when it is over 64 KiB, read no further', async () => {
      const { options } = setup({
        p1: { files: { [CONTROL]: `message: ${'x'.repeat(70_000)}\n` } },
      });
      const result = await executeWorkflow(options);
      expect(result.outcome).toBe('failed');
      expect(
        result.object.status?.kratix?.workflows?.pipelines?.[0].message,
      ).toMatch(
        /^\/kratix\/metadata\/workflow-control\.yaml is 70010 bytes, more than the limit of 65536 bytes$/,
      );
    });

    it('fails the pipeline when it is not a regular file', async () => {
      const { options } = setup({
        p1: {
          run: async (_request, dirs) => {
            await fs.symlink(
              '/etc/passwd',
              path.join(dirs.metadata, 'workflow-control.yaml'),
            );
          },
        },
      });
      const result = await executeWorkflow(options);
      expect(result.outcome).toBe('failed');
      expect(
        result.object.status?.kratix?.workflows?.pipelines?.[0].message,
      ).toBe(
        '/kratix/metadata/workflow-control.yaml is a symbolic link, not a regular file',
      );
    });
  });
});
