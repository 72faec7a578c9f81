// A Promise's `Available` condition and `status.status`, as upstream's
// promise controller sets them, derived from its other conditions.
import {
  ConditionReasons,
  ConditionTypes,
  findCondition,
  KratixCondition,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { setCondition } from './conditions';

/** `status.status` of a Promise. */
export type PromiseStatusValue = 'Available' | 'Unavailable';

/**
 * Conditions that say a Promise's required Promises are missing:
 * `PromiseAvailable` (this engine's spec) and `RequirementsFulfilled`
 * (upstream's name on the Promise).
 */
const REQUIREMENT_CONDITIONS = ['PromiseAvailable', 'RequirementsFulfilled'];

const UNAVAILABLE = {
  reason: ConditionReasons.PromiseUnavailable,
  message: 'Cannot fulfil resource requests',
};

function availability(
  status: KratixStatus,
): Pick<KratixCondition, 'status' | 'reason' | 'message'> {
  const reconciled = findCondition(status, ConditionTypes.Reconciled);
  if (reconciled?.reason === ConditionReasons.PausedReconciliation)
    return { status: 'False', reason: reconciled.reason, message: 'Paused' };
  if (reconciled?.reason === ConditionReasons.Suspended)
    return { status: 'False', reason: reconciled.reason, message: 'Suspended' };
  const unmet = REQUIREMENT_CONDITIONS.some(
    type => findCondition(status, type)?.status === 'False',
  );
  const configured =
    findCondition(status, ConditionTypes.ConfigureWorkflowCompleted)?.status ===
    'True';
  if (unmet || !configured) return { status: 'False', ...UNAVAILABLE };
  return {
    status: 'True',
    reason: ConditionReasons.PromiseAvailable,
    message: 'Ready to fulfil resource requests',
  };
}

/**
 * Sets a Promise's `Available` and `status.status`: True / `Available` once
 * its configure workflow succeeded, unless it is paused, suspended, or its
 * required Promises are missing (a False `PromiseAvailable` or
 * `RequirementsFulfilled` condition).
 */
export function withPromiseAvailability(
  status: KratixStatus,
  now: Date,
): KratixStatus {
  const available = availability(status);
  return {
    ...status,
    status: (available.status === 'True'
      ? 'Available'
      : 'Unavailable') satisfies PromiseStatusValue,
    conditions: setCondition(
      status.conditions,
      { type: ConditionTypes.Available, ...available },
      now,
    ),
  };
}
