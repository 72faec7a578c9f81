// The status the engine owns (spec section 5). Pure: each call returns a new status.
import {
  ConditionReasons,
  ConditionTypes,
  KratixCondition,
  KratixStatus,
  PENDING_MESSAGE,
  PipelinePhase,
  PipelineStatus,
  WorkflowAction,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';
import { formatTime, setCondition } from './conditions';
import { withPromiseAvailability } from './promiseAvailability';

/** The `message` a successful configure workflow gives in place of Pending. */
export const CONFIGURED_MESSAGES: Record<WorkflowType, string> = {
  resource: 'Resource requested',
  promise: 'Promise configured',
};

/** The message of `ConfigureWorkflowCompleted` when a pipeline failed. */
export function configureFailedMessage(pipeline: string): string {
  return `A Configure Pipeline has failed: ${pipeline}`;
}

const CONDITIONS = {
  configureRunning: {
    type: ConditionTypes.ConfigureWorkflowCompleted,
    status: 'False',
    reason: ConditionReasons.PipelinesInProgress,
    message: 'Pipelines are still in progress',
  },
  configureSucceeded: {
    type: ConditionTypes.ConfigureWorkflowCompleted,
    status: 'True',
    reason: ConditionReasons.PipelinesExecutedSuccessfully,
    message: 'Pipelines completed',
  },
  reconciledRunning: {
    type: ConditionTypes.Reconciled,
    status: 'Unknown',
    reason: ConditionReasons.WorkflowPending,
    message: 'Pending',
  },
  reconciledFailed: {
    type: ConditionTypes.Reconciled,
    status: 'False',
    reason: ConditionReasons.ConfigureWorkflowFailed,
    message: 'Failing',
  },
  reconciledWorksPending: {
    type: ConditionTypes.Reconciled,
    status: 'Unknown',
    reason: ConditionReasons.WorksPending,
    message: 'Pending',
  },
  reconciledDone: {
    type: ConditionTypes.Reconciled,
    status: 'True',
    reason: ConditionReasons.Reconciled,
    message: 'Reconciled',
  },
  reconciledPaused: {
    type: ConditionTypes.Reconciled,
    status: 'Unknown',
    reason: ConditionReasons.PausedReconciliation,
    message: 'Paused',
  },
  deleteFailed: {
    type: ConditionTypes.DeleteWorkflowCompleted,
    status: 'False',
    reason: ConditionReasons.DeleteWorkflowFailed,
    message: 'The Delete Pipeline has failed',
  },
  deleteSuspended: {
    type: ConditionTypes.DeleteWorkflowCompleted,
    status: 'False',
    reason: ConditionReasons.DeleteWorkflowSuspended,
    message: 'The delete workflow is suspended',
  },
} satisfies Record<string, KratixCondition>;

function withConditions(
  status: KratixStatus,
  conditions: KratixCondition[],
  now: Date,
): KratixStatus {
  let list = status.conditions;
  for (const c of conditions) list = setCondition(list, c, now);
  return { ...status, conditions: list };
}

function withWorkflows(
  status: KratixStatus,
  workflows: NonNullable<NonNullable<KratixStatus['kratix']>['workflows']>,
): KratixStatus {
  const kratix = status.kratix ?? {};
  return {
    ...status,
    kratix: { ...kratix, workflows: { ...kratix.workflows, ...workflows } },
  };
}

/**
 * Reconciliation paused (label `kratix.io/paused`): `Reconciled` says so,
 * and a Promise's `Available` (as upstream).
 */
export function markPaused(
  status: KratixStatus,
  now: Date,
  type: WorkflowType = 'resource',
): KratixStatus {
  const paused = withConditions(status, [CONDITIONS.reconciledPaused], now);
  return type === 'promise' ? withPromiseAvailability(paused, now) : paused;
}

/** Longest error text kept in a `ReconcileError` message. */
const ERROR_MESSAGE_MAX = 1000;

/**
 * A reconcile that failed with an error, not in a pipeline (e.g. the state
 * store could not be written): `Reconciled` is False and says why. The
 * next workflow replaces it.
 */
export function markReconcileError(
  status: KratixStatus,
  message: string,
  now: Date,
): KratixStatus {
  const text =
    message.length > ERROR_MESSAGE_MAX
      ? `${message.slice(0, ERROR_MESSAGE_MAX)}...`
      : message;
  return withConditions(
    status,
    [
      {
        type: ConditionTypes.Reconciled,
        status: 'False',
        reason: ConditionReasons.ReconcileError,
        message: text,
      },
    ],
    now,
  );
}

/** Without a `Reconciled` that reports an error: a new attempt is underway. */
function withoutReconcileError(status: KratixStatus): KratixStatus {
  const conditions = status.conditions?.filter(
    c =>
      c.type !== ConditionTypes.Reconciled ||
      c.reason !== ConditionReasons.ReconcileError,
  );
  return conditions?.length === status.conditions?.length
    ? status
    : { ...status, conditions };
}

/** A status with `message: Pending` when it has no message yet. */
export function withPendingMessage(
  status: KratixStatus | undefined,
): KratixStatus {
  return { ...status, message: status?.message ?? PENDING_MESSAGE };
}

/**
 * Marks a workflow as started: pipelines from `startAt` on are Pending, the
 * earlier ones keep their phase (Succeeded when unknown). A configure
 * workflow also sets its running conditions; a delete workflow drops a
 * `ReconcileError`.
 */
export function markWorkflowRunning(
  status: KratixStatus,
  options: {
    configure: boolean;
    pipelines: string[];
    startAt: number;
    now: Date;
  },
): KratixStatus {
  const { pipelines, startAt, now } = options;
  const previous = status.kratix?.workflows?.pipelines ?? [];
  const time = formatTime(now);
  const entries = pipelines.map((name, i): PipelineStatus => {
    const old = previous.find(p => p.name === name);
    if (i < startAt)
      return old ?? { name, phase: 'Succeeded', lastTransitionTime: time };
    return {
      name,
      phase: 'Pending',
      lastTransitionTime: time,
      ...attempts(old),
    };
  });
  const next = withWorkflows(status, { pipelines: entries });
  return options.configure
    ? withConditions(
        next,
        [CONDITIONS.configureRunning, CONDITIONS.reconciledRunning],
        now,
      )
    : withoutReconcileError(next);
}

/** A suspended pipeline's `attempts`, kept until it completes. */
function attempts(old: PipelineStatus | undefined): Partial<PipelineStatus> {
  return old?.attempts !== undefined &&
    ['Suspended', 'Pending', 'Running'].includes(old.phase)
    ? { attempts: old.attempts }
    : {};
}

/** Sets the phase (and message) of one pipeline in `kratix.workflows.pipelines`. */
export function markPipeline(
  status: KratixStatus,
  name: string,
  phase: PipelinePhase,
  now: Date,
  message?: string,
): KratixStatus {
  const pipelines = [...(status.kratix?.workflows?.pipelines ?? [])];
  const entry: PipelineStatus = {
    name,
    phase,
    lastTransitionTime: formatTime(now),
    ...(message !== undefined && { message }),
  };
  const index = pipelines.findIndex(p => p.name === name);
  if (phase === 'Running') Object.assign(entry, attempts(pipelines[index]));
  if (index >= 0) pipelines[index] = entry;
  else pipelines.push(entry);
  return withWorkflows(status, { pipelines });
}

/**
 * A configure workflow that succeeded. `outputsPlaced` false means some
 * outputs matched no Destination: Reconciled stays Unknown (WorksPending).
 */
export function markConfigureSucceeded(
  status: KratixStatus,
  options: {
    type: WorkflowType;
    generation: number;
    pipelineCount: number;
    outputsPlaced: boolean;
    now: Date;
  },
): KratixStatus {
  const { now } = options;
  const reconciled = options.outputsPlaced
    ? CONDITIONS.reconciledDone
    : CONDITIONS.reconciledWorksPending;
  const next = withConditions(
    withoutSuspendedGeneration(status),
    [
      CONDITIONS.configureSucceeded,
      worksCondition(options.type, options.outputsPlaced),
      reconciled,
    ],
    now,
  );
  return withWorkflows(
    {
      ...next,
      message:
        next.message === PENDING_MESSAGE || next.message === undefined
          ? CONFIGURED_MESSAGES[options.type]
          : next.message,
      observedGeneration: options.generation,
      workflows: options.pipelineCount,
      workflowsSucceeded: options.pipelineCount,
      workflowsFailed: 0,
      // As upstream: at the top level too, where older clients read it.
      lastSuccessfulConfigureWorkflowTime: formatTime(now),
    },
    { lastSuccessfulConfigureWorkflowTime: formatTime(now) },
  );
}

/**
 * `WorksSucceeded` after the outputs were written: in the embedded engine
 * a Work has succeeded once the state store holds it.
 */
function worksCondition(type: WorkflowType, placed: boolean): KratixCondition {
  return placed
    ? {
        type: ConditionTypes.WorksSucceeded,
        status: 'True',
        reason: ConditionReasons.WorksSucceeded,
        message: `All works associated with this ${type} are ready`,
      }
    : {
        type: ConditionTypes.WorksSucceeded,
        status: 'Unknown',
        reason: ConditionReasons.WorksPending,
        message: `Some works associated with this ${type} are not ready: outputs that match no Destination`,
      };
}

/** The outputs of a pipeline could not be written: `WorksSucceeded` is False. */
export function markWorksFailed(
  status: KratixStatus,
  message: string,
  now: Date,
): KratixStatus {
  return withConditions(
    status,
    [
      {
        type: ConditionTypes.WorksSucceeded,
        status: 'False',
        reason: ConditionReasons.WorksFailed,
        message,
      },
    ],
    now,
  );
}

function withoutSuspendedGeneration(status: KratixStatus): KratixStatus {
  const workflows = status.kratix?.workflows;
  if (workflows?.suspendedGeneration === undefined) return status;
  const { suspendedGeneration: _, ...rest } = workflows;
  return { ...status, kratix: { ...status.kratix, workflows: rest } };
}

/**
 * A pipeline's workflow-control.yaml suspended its workflow, as upstream:
 * the pipeline is Suspended (with `nextRetryAt` and `attempts` when it
 * retries), `suspendedGeneration` is recorded, and `Reconciled` (configure)
 * or `DeleteWorkflowCompleted` (delete) says so.
 */
export function markSuspended(
  status: KratixStatus,
  options: {
    action: WorkflowAction;
    pipeline: string;
    generation: number;
    message?: string;
    retryAt?: Date;
    now: Date;
  },
): KratixStatus {
  const { pipeline, retryAt, now } = options;
  const previous = status.kratix?.workflows?.pipelines?.find(
    p => p.name === pipeline,
  );
  const pipelines = (status.kratix?.workflows?.pipelines ?? []).map(p =>
    p.name === pipeline
      ? {
          name: pipeline,
          phase: 'Suspended' as const,
          lastTransitionTime: formatTime(now),
          ...(options.message !== undefined && { message: options.message }),
          ...(retryAt && {
            nextRetryAt: formatTime(retryAt),
            attempts: (previous?.attempts ?? 0) + 1,
          }),
        }
      : p,
  );
  const condition: KratixCondition =
    options.action === 'delete'
      ? CONDITIONS.deleteSuspended
      : {
          type: ConditionTypes.Reconciled,
          status: 'Unknown',
          reason: ConditionReasons.Suspended,
          message: options.message ?? 'Suspended',
        };
  return withWorkflows(withConditions(status, [condition], now), {
    pipelines,
    suspendedGeneration: options.generation,
  });
}

/** A configure workflow that stopped at a failing pipeline (as upstream: workflowsFailed is 1). */
export function markConfigureFailed(
  status: KratixStatus,
  options: {
    pipeline: string;
    pipelineCount: number;
    succeeded: number;
    now: Date;
  },
): KratixStatus {
  const failed: KratixCondition = {
    type: ConditionTypes.ConfigureWorkflowCompleted,
    status: 'False',
    reason: ConditionReasons.ConfigureWorkflowFailed,
    message: configureFailedMessage(options.pipeline),
  };
  return {
    ...withConditions(
      status,
      [failed, CONDITIONS.reconciledFailed],
      options.now,
    ),
    workflows: options.pipelineCount,
    workflowsSucceeded: options.succeeded,
    workflowsFailed: 1,
  };
}

/** A delete workflow whose pipeline failed. */
export function markDeleteFailed(
  status: KratixStatus,
  now: Date,
): KratixStatus {
  return withConditions(status, [CONDITIONS.deleteFailed], now);
}
