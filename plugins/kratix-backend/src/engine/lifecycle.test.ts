import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import {
  markConfigureFailed,
  markConfigureSucceeded,
  markDeleteFailed,
  markPaused,
  markSuspended,
  markWorksFailed,
  markPipeline,
  markReconcileError,
  markWorkflowRunning,
  withPendingMessage,
} from './lifecycle';

const t0 = new Date('2024-01-01T00:00:00Z');
const t1 = new Date('2024-01-01T00:01:00Z');
const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';

const running = markWorkflowRunning(withPendingMessage(undefined), {
  configure: true,
  pipelines: ['p1', 'p2'],
  startAt: 0,
  now: t0,
});

describe('withPendingMessage', () => {
  it.each<[KratixStatus | undefined, string]>([
    [undefined, 'Pending'],
    [{}, 'Pending'],
    [{ message: 'kept' }, 'kept'],
  ])('%j gets message %s', (status, message) => {
    expect(withPendingMessage(status).message).toBe(message);
  });
});

describe('markWorkflowRunning', () => {
  it('sets the running conditions and Pending pipelines', () => {
    expect(running).toEqual({
      message: 'Pending',
      conditions: [
        {
          type: 'ConfigureWorkflowCompleted',
          status: 'False',
          reason: 'PipelinesInProgress',
          message: 'Pipelines are still in progress',
          lastTransitionTime: T0,
        },
        {
          type: 'Reconciled',
          status: 'Unknown',
          reason: 'WorkflowPending',
          message: 'Pending',
          lastTransitionTime: T0,
        },
      ],
      kratix: {
        workflows: {
          pipelines: [
            { name: 'p1', phase: 'Pending', lastTransitionTime: T0 },
            { name: 'p2', phase: 'Pending', lastTransitionTime: T0 },
          ],
        },
      },
    });
  });

  it('keeps the earlier pipelines on resume and leaves conditions for delete', () => {
    const status = markWorkflowRunning(
      markPipeline({}, 'p1', 'Succeeded', t0, 'done'),
      { configure: false, pipelines: ['p1', 'p2', 'p3'], startAt: 2, now: t1 },
    );
    expect(status.conditions).toBeUndefined();
    expect(status.kratix?.workflows?.pipelines).toEqual([
      {
        name: 'p1',
        phase: 'Succeeded',
        lastTransitionTime: T0,
        message: 'done',
      },
      { name: 'p2', phase: 'Succeeded', lastTransitionTime: T1 },
      { name: 'p3', phase: 'Pending', lastTransitionTime: T1 },
    ]);
  });
});

describe('markConfigureSucceeded', () => {
  const options = {
    type: 'resource' as const,
    generation: 3,
    pipelineCount: 2,
    outputsPlaced: true,
    now: t1,
  };

  it('sets the done conditions, counters, generation and message', () => {
    const status = markConfigureSucceeded(running, options);
    expect(status).toMatchObject({
      message: 'Resource requested',
      observedGeneration: 3,
      workflows: 2,
      workflowsSucceeded: 2,
      workflowsFailed: 0,
      kratix: { workflows: { lastSuccessfulConfigureWorkflowTime: T1 } },
      conditions: [
        {
          type: 'ConfigureWorkflowCompleted',
          status: 'True',
          reason: 'PipelinesExecutedSuccessfully',
          message: 'Pipelines completed',
          lastTransitionTime: T1,
        },
        {
          type: 'Reconciled',
          status: 'True',
          reason: 'Reconciled',
          message: 'Reconciled',
          lastTransitionTime: T1,
        },
        {
          type: 'WorksSucceeded',
          status: 'True',
          reason: 'WorksSucceeded',
          message: 'All works associated with this resource are ready',
          lastTransitionTime: T1,
        },
      ],
    });
    expect(status.kratix?.workflows?.pipelines).toHaveLength(2);
  });

  it.each<[string, KratixStatus, 'resource' | 'promise', string]>([
    ['a Promise', running, 'promise', 'Promise configured'],
    [
      'a pipeline message',
      { ...running, message: 'Made it' },
      'resource',
      'Made it',
    ],
  ])('gives the right message for %s', (_name, status, type, message) => {
    expect(markConfigureSucceeded(status, { ...options, type }).message).toBe(
      message,
    );
  });

  it('leaves Reconciled Unknown (WorksPending) when outputs are not placed', () => {
    const status = markConfigureSucceeded(running, {
      ...options,
      outputsPlaced: false,
    });
    expect(status.conditions?.[1]).toEqual({
      type: 'Reconciled',
      status: 'Unknown',
      reason: 'WorksPending',
      message: 'Pending',
      lastTransitionTime: T0,
    });
  });
});

describe('markConfigureFailed', () => {
  it('names the pipeline and counts as upstream does', () => {
    const status = markConfigureFailed(running, {
      pipeline: 'p2',
      pipelineCount: 2,
      succeeded: 1,
      now: t1,
    });
    expect(status).toMatchObject({
      message: 'Pending',
      workflows: 2,
      workflowsSucceeded: 1,
      workflowsFailed: 1,
      conditions: [
        {
          type: 'ConfigureWorkflowCompleted',
          status: 'False',
          reason: 'ConfigureWorkflowFailed',
          message: 'A Configure Pipeline has failed: p2',
          lastTransitionTime: T0,
        },
        {
          type: 'Reconciled',
          status: 'False',
          reason: 'ConfigureWorkflowFailed',
          message: 'Failing',
          lastTransitionTime: T1,
        },
      ],
    });
  });
});

describe('markDeleteFailed', () => {
  it('sets DeleteWorkflowCompleted False', () => {
    expect(markDeleteFailed({ message: 'x' }, t0)).toEqual({
      message: 'x',
      conditions: [
        {
          type: 'DeleteWorkflowCompleted',
          status: 'False',
          reason: 'DeleteWorkflowFailed',
          message: 'The Delete Pipeline has failed',
          lastTransitionTime: T0,
        },
      ],
    });
  });
});

describe('markPipeline', () => {
  it('replaces the entry of a known pipeline and appends an unknown one', () => {
    const status = markPipeline(
      markPipeline(running, 'p1', 'Failed', t1, 'boom'),
      'p9',
      'Running',
      t1,
    );
    expect(status.kratix?.workflows?.pipelines).toEqual([
      { name: 'p1', phase: 'Failed', lastTransitionTime: T1, message: 'boom' },
      { name: 'p2', phase: 'Pending', lastTransitionTime: T0 },
      { name: 'p9', phase: 'Running', lastTransitionTime: T1 },
    ]);
  });
});

describe('markPaused', () => {
  it('sets Reconciled Unknown (PausedReconciliation) and keeps the rest', () => {
    const done = markConfigureSucceeded(running, {
      type: 'resource',
      generation: 1,
      pipelineCount: 2,
      outputsPlaced: true,
      now: t0,
    });
    const paused = markPaused(done, t1);
    expect(paused.conditions?.find(c => c.type === 'Reconciled')).toEqual({
      type: 'Reconciled',
      status: 'Unknown',
      reason: 'PausedReconciliation',
      message: 'Paused',
      lastTransitionTime: T1,
    });
    expect(
      paused.conditions?.find(c => c.type === 'ConfigureWorkflowCompleted'),
    ).toEqual(
      done.conditions?.find(c => c.type === 'ConfigureWorkflowCompleted'),
    );
    expect(paused.message).toBe(done.message);
  });

  it('makes a Promise Unavailable, as upstream', () => {
    const done = markConfigureSucceeded(running, {
      type: 'promise',
      generation: 1,
      pipelineCount: 2,
      outputsPlaced: true,
      now: t0,
    });
    const paused = markPaused(done, t1, 'promise');
    expect(paused.status).toBe('Unavailable');
    expect(paused.conditions?.find(c => c.type === 'Available')).toEqual({
      type: 'Available',
      status: 'False',
      reason: 'PausedReconciliation',
      message: 'Paused',
      lastTransitionTime: T1,
    });
  });
});

describe('markSuspended', () => {
  const suspend = (status: KratixStatus, retryAt?: Date) =>
    markSuspended(status, {
      action: 'configure',
      pipeline: 'p1',
      generation: 4,
      message: 'waiting',
      retryAt,
      now: t1,
    });

  it('marks the pipeline Suspended, counts retries and says so in Reconciled', () => {
    const once = suspend(running, t1);
    const twice = suspend(once, t1);
    expect(twice.kratix?.workflows).toMatchObject({
      suspendedGeneration: 4,
      pipelines: [
        {
          name: 'p1',
          phase: 'Suspended',
          message: 'waiting',
          nextRetryAt: T1,
          attempts: 2,
        },
        { name: 'p2', phase: 'Pending' },
      ],
    });
    expect(twice.conditions?.find(c => c.type === 'Reconciled')).toEqual({
      type: 'Reconciled',
      status: 'Unknown',
      reason: 'Suspended',
      message: 'waiting',
      // Unknown since the run started: the time is kept.
      lastTransitionTime: T0,
    });
  });

  it('keeps attempts while the pipeline runs again, and drops them once it succeeds', () => {
    const again = markPipeline(suspend(running, t1), 'p1', 'Running', t1);
    expect(again.kratix?.workflows?.pipelines?.[0]).toMatchObject({
      phase: 'Running',
      attempts: 1,
    });
    const done = markPipeline(again, 'p1', 'Succeeded', t1);
    expect(done.kratix?.workflows?.pipelines?.[0]).not.toHaveProperty(
      'attempts',
    );
  });

  it('is ended by a successful workflow: suspendedGeneration goes', () => {
    const done = markConfigureSucceeded(suspend(running), {
      type: 'resource',
      generation: 4,
      pipelineCount: 2,
      outputsPlaced: true,
      now: t1,
    });
    expect(done.kratix?.workflows).not.toHaveProperty('suspendedGeneration');
  });
});

describe('markWorksFailed', () => {
  it('sets WorksSucceeded False (WorksFailed) with the failure', () => {
    expect(
      markWorksFailed(running, 'disk full', t1).conditions?.find(
        c => c.type === 'WorksSucceeded',
      ),
    ).toEqual({
      type: 'WorksSucceeded',
      status: 'False',
      reason: 'WorksFailed',
      message: 'disk full',
      lastTransitionTime: T1,
    });
  });
});

describe('markReconcileError', () => {
  const failed = markReconcileError(running, 'the state store is full', t1);
  const reconciled = (status: KratixStatus) =>
    status.conditions?.find(c => c.type === 'Reconciled');

  it('sets Reconciled False (ReconcileError) with the cause, keeping the rest', () => {
    expect(reconciled(failed)).toEqual({
      type: 'Reconciled',
      status: 'False',
      reason: 'ReconcileError',
      message: 'the state store is full',
      lastTransitionTime: T1,
    });
    expect(failed.conditions?.[0]).toEqual(running.conditions?.[0]);
    expect(failed.kratix).toEqual(running.kratix);
    expect(
      reconciled(markReconcileError(failed, 'x'.repeat(5000), t0)),
    ).toEqual({
      ...reconciled(failed),
      message: `${'x'.repeat(1000)}...`,
    });
  });

  it('is replaced when the next workflow starts', () => {
    const again = { configure: true, pipelines: ['p1'], startAt: 0, now: t1 };
    expect(reconciled(markWorkflowRunning(failed, again))).toMatchObject({
      reason: 'WorkflowPending',
    });
    const deleting = markWorkflowRunning(failed, {
      ...again,
      configure: false,
    });
    expect(reconciled(deleting)).toBeUndefined();
    expect(deleting.conditions).toHaveLength(1);
    const paused = markWorkflowRunning(markPaused(running, t0), {
      ...again,
      configure: false,
    });
    expect(reconciled(paused)).toMatchObject({
      reason: 'PausedReconciliation',
    });
  });
});
