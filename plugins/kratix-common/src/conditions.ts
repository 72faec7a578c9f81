import { KratixCondition, KratixStatus } from './types';

/** Condition types, reasons and messages the engine owns (spec section 5). @public */
export const ConditionTypes = {
  ConfigureWorkflowCompleted: 'ConfigureWorkflowCompleted',
  Reconciled: 'Reconciled',
  DeleteWorkflowCompleted: 'DeleteWorkflowCompleted',
  /** Whether the configure workflow's outputs were written (Works). */
  WorksSucceeded: 'WorksSucceeded',
  /** A Promise's: whether it can take Resources. */
  Available: 'Available',
  /** A Resource's: whether its Promise can take it now (requiredPromises). */
  PromiseAvailable: 'PromiseAvailable',
  /** Reported by older Kratix; readers accept it. */
  PipelineCompleted: 'PipelineCompleted',
} as const;

/** @public */
export const ConditionReasons = {
  PipelinesInProgress: 'PipelinesInProgress',
  PipelinesExecutedSuccessfully: 'PipelinesExecutedSuccessfully',
  ConfigureWorkflowFailed: 'ConfigureWorkflowFailed',
  WorkflowPending: 'WorkflowPending',
  WorksPending: 'WorksPending',
  Reconciled: 'Reconciled',
  DeleteWorkflowFailed: 'DeleteWorkflowFailed',
  DeleteWorkflowSuspended: 'DeleteWorkflowSuspended',
  WorksSucceeded: 'WorksSucceeded',
  WorksFailed: 'WorksFailed',
  /** A pipeline's `workflow-control.yaml` suspended the workflow. */
  Suspended: 'Suspended',
  PromiseAvailable: 'PromiseAvailable',
  PromiseUnavailable: 'PromiseUnavailable',
  PausedReconciliation: 'PausedReconciliation',
  /** The reconcile failed with an error, not in a pipeline; it is retried. */
  ReconcileError: 'ReconcileError',
  PipelineNotCompleted: 'PipelineNotCompleted',
  PipelineExecutedSuccessfully: 'PipelineExecutedSuccessfully',
} as const;

/** Condition types only the engine may set. @public */
export const ENGINE_MANAGED_CONDITION_TYPES: readonly string[] = [
  ConditionTypes.ConfigureWorkflowCompleted,
  ConditionTypes.Reconciled,
  ConditionTypes.DeleteWorkflowCompleted,
  ConditionTypes.WorksSucceeded,
  ConditionTypes.PromiseAvailable,
];

/**
 * The label that pauses an object's reconciliation when `"true"`, as in
 * upstream Kratix; on a Promise it pauses its Resources too. @public
 */
export const PAUSED_LABEL = 'kratix.io/paused';

/** True when the labels pause reconciliation. @public */
export function isPaused(labels: Record<string, string> | undefined): boolean {
  return labels?.[PAUSED_LABEL] === 'true';
}

/** `message` of an object before any workflow has run. @public */
export const PENDING_MESSAGE = 'Pending';

/** @public */
export function findCondition(
  status: KratixStatus | undefined,
  type: string,
): KratixCondition | undefined {
  return status?.conditions?.find(c => c.type === type);
}

/**
 * The configure-workflow condition, accepting the legacy `PipelineCompleted`
 * that older Kratix reports.
 * @public
 */
export function findWorkflowCondition(
  status: KratixStatus | undefined,
): KratixCondition | undefined {
  return (
    findCondition(status, ConditionTypes.ConfigureWorkflowCompleted) ??
    findCondition(status, ConditionTypes.PipelineCompleted)
  );
}

/** Maps a condition name a user may give to the type to look for. @public */
export function isWorkflowConditionType(type: string): boolean {
  return (
    type === ConditionTypes.ConfigureWorkflowCompleted ||
    type === ConditionTypes.PipelineCompleted
  );
}
