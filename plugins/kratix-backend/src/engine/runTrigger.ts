// Why a workflow run started, in a few words, from its queue entry's reason.
import {
  WorkflowAction,
  WorkflowRunTrigger,
} from '@kratix-backstage/plugin-kratix-common';

/** Every reason the engine enqueues an object with, and its trigger. */
const TRIGGERS: Record<string, WorkflowRunTrigger> = {
  created: 'create',
  'spec-changed': 'spec-change',
  manual: 'manual',
  'reconcile-resources': 'manual',
  'pause-changed': 'manual',
  interval: 'interval',
  'workflow-retry': 'retry',
  'delete-retry': 'retry',
  'promise-changed': 'promise-change',
  'promise-available': 'promise-change',
  'required-promise-deleted': 'promise-change',
  'promise-deleted': 'delete',
  deleted: 'delete',
  'delete-resources': 'delete',
};

export interface RunCause {
  /** The queue entry's reason. */
  reason: string;
  /** Reconciles of the entry failed with an error in a row. */
  failures: number;
  action: WorkflowAction;
  /** The object carries the manual-reconciliation label. */
  labelled: boolean;
  /** No configure workflow of the object has succeeded yet. */
  neverConfigured?: boolean;
}

/** The trigger of a run; undefined for a reason it does not know. */
export function runTrigger(cause: RunCause): WorkflowRunTrigger | undefined {
  const trigger = TRIGGERS[cause.reason];
  if (cause.labelled || trigger === 'manual') return 'manual';
  if (cause.failures > 0 || trigger === 'retry') return 'retry';
  if (cause.action === 'delete') return 'delete';
  // A new object that waited for its Promise: its first run is its creation.
  if (cause.neverConfigured && trigger === 'promise-change') return 'create';
  return trigger;
}
