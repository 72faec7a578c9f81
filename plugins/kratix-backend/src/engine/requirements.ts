// `spec.requiredPromises`, as upstream Kratix: a Promise whose required
// Promises are not all installed and available says so in its
// `RequirementsFulfilled` condition and `status.requiredPromises`, and its
// Resources wait (their `PromiseAvailable` condition says why).
import {
  KratixCondition,
  KratixPromise,
  KratixStatus,
  findCondition,
  isPaused,
} from '@kratix-backstage/plugin-kratix-common';
import { setCondition } from './conditions';
import { RequiredPromise } from './promise';

export const REQUIREMENTS_CONDITION = 'RequirementsFulfilled';
/** A Resource's: whether its Promise can take it now. */
export const PROMISE_AVAILABLE_CONDITION = 'PromiseAvailable';
/** Upstream's label of a Promise's version, matched by a required `version`. */
export const PROMISE_VERSION_LABEL = 'kratix.io/promise-version';

/** Upstream's words for each state of a requirement. */
export const RequirementStates = {
  installed: 'Requirement installed',
  notInstalled: 'Requirement not installed',
  notAtVersion: 'Requirement not installed at the specified version',
  notAvailable: 'Requirement not available',
} as const;

/** One entry of `status.requiredPromises`. */
export interface RequirementStatus {
  name: string;
  version?: string;
  state: string;
}

export interface Requirements {
  fulfilled: boolean;
  requiredPromises: RequirementStatus[];
}

/**
 * Whether a Promise can take Resources: not being deleted nor paused, its
 * configure workflow succeeded for its spec and its own requirements are
 * fulfilled. (A re-run of the same spec keeps it available.)
 */
export function isPromiseAvailable(promise: KratixPromise): boolean {
  if (promise.metadata.deletionTimestamp) return false;
  if (isPaused(promise.metadata.labels)) return false;
  const status = promise.status as KratixStatus | undefined;
  return isConfiguredAtGeneration(promise) && requirementsFulfilled(status);
}

/**
 * Whether the Promise's configure workflow succeeded for its current spec
 * (a re-run of the same spec keeps it available).
 */
export function isConfiguredAtGeneration(promise: KratixPromise): boolean {
  const observed = (promise.status as KratixStatus | undefined)
    ?.observedGeneration;
  return (
    observed !== undefined && observed === (promise.metadata.generation ?? 1)
  );
}

/** False only while the Promise's `RequirementsFulfilled` condition is False. */
export function requirementsFulfilled(
  status: KratixStatus | undefined,
): boolean {
  return findCondition(status, REQUIREMENTS_CONDITION)?.status !== 'False';
}

/** Each required Promise's state, looked up by name. */
export function evaluateRequirements(
  required: readonly RequiredPromise[],
  lookup: (name: string) => KratixPromise | undefined,
): Requirements {
  const requiredPromises = required.map(req => {
    const found = lookup(req.name);
    let state: string = RequirementStates.installed;
    if (!found) state = RequirementStates.notInstalled;
    else if (
      req.version &&
      found.metadata.labels?.[PROMISE_VERSION_LABEL] !== req.version
    ) {
      state = RequirementStates.notAtVersion;
    } else if (!isPromiseAvailable(found)) {
      state = RequirementStates.notAvailable;
    }
    return {
      name: req.name,
      ...(req.version && { version: req.version }),
      state,
    };
  });
  return {
    fulfilled: requiredPromises.every(
      r => r.state === RequirementStates.installed,
    ),
    requiredPromises,
  };
}

/** `<name> (<state>)` of each requirement not met. */
export function describeUnmet(requirements: Requirements): string {
  return requirements.requiredPromises
    .filter(r => r.state !== RequirementStates.installed)
    .map(r => `${r.name}${r.version ? `@${r.version}` : ''} (${r.state})`)
    .join(', ');
}

/** A Promise's status with its requirements: the condition and the list. */
export function markRequirements(
  status: KratixStatus,
  requirements: Requirements,
  now: Date,
): KratixStatus {
  const condition: KratixCondition = requirements.fulfilled
    ? {
        type: REQUIREMENTS_CONDITION,
        status: 'True',
        reason: 'RequirementsInstalled',
        message: 'Requirements fulfilled',
      }
    : {
        type: REQUIREMENTS_CONDITION,
        status: 'False',
        reason:
          requirements.requiredPromises.some(
            r => r.state === RequirementStates.notAvailable,
          ) &&
          !requirements.requiredPromises.some(
            r =>
              r.state === RequirementStates.notInstalled ||
              r.state === RequirementStates.notAtVersion,
          )
            ? 'RequirementsNotAvailable'
            : 'RequirementsNotInstalled',
        message: `Requirements not fulfilled: ${describeUnmet(requirements)}`,
      };
  // The Promise also says it in `PromiseAvailable` (this engine's spec).
  const available: KratixCondition = {
    ...condition,
    type: PROMISE_AVAILABLE_CONDITION,
    ...(requirements.fulfilled && { reason: 'PromiseAvailable' }),
  };
  return {
    ...status,
    requiredPromises: requirements.requiredPromises,
    conditions: setCondition(
      setCondition(status.conditions, condition, now),
      available,
      now,
    ),
  };
}

/** The conditions a Promise has only while it requires other Promises. */
export const PROMISE_REQUIREMENT_CONDITIONS: readonly string[] = [
  REQUIREMENTS_CONDITION,
  PROMISE_AVAILABLE_CONDITION,
];

/**
 * A Resource's status while its Promise cannot take it (`why`), as
 * upstream: `PromiseAvailable` False. Its `message` is kept (a new
 * Resource's is Pending; the seeds never reset it).
 */
export function markPromiseUnavailable(
  status: KratixStatus,
  why: { reason: string; message: string },
  now: Date,
): KratixStatus {
  return {
    ...status,
    conditions: setCondition(
      status.conditions,
      { type: PROMISE_AVAILABLE_CONDITION, status: 'False', ...why },
      now,
    ),
  };
}

/** Once the Promise can take it again: `PromiseAvailable` True. */
export function markPromiseAvailable(
  status: KratixStatus,
  now: Date,
): KratixStatus {
  return {
    ...status,
    conditions: setCondition(
      status.conditions,
      {
        type: PROMISE_AVAILABLE_CONDITION,
        status: 'True',
        reason: 'PromiseAvailable',
        message: 'Promise Requirements are met',
      },
      now,
    ),
  };
}

/** Whether the Resource waits for its Promise (its `PromiseAvailable` is False). */
export function isWaitingForPromise(status: KratixStatus | undefined): boolean {
  return findCondition(status, PROMISE_AVAILABLE_CONDITION)?.status === 'False';
}

/**
 * What upstream's admission webhook warns of when a Promise is applied:
 * each required Promise not installed, or not at the required version.
 */
export function requirementWarnings(
  required: readonly RequiredPromise[],
  lookup: (name: string) => KratixPromise | undefined,
): string[] {
  const warnings = required.flatMap(req => {
    const found = lookup(req.name);
    const version = req.version ?? '';
    if (!found) {
      return [
        `Required Promise "${req.name}" at version "${version}" not installed`,
      ];
    }
    if (
      req.version &&
      found.metadata.labels?.[PROMISE_VERSION_LABEL] !== req.version
    ) {
      return [
        `Required Promise "${req.name}" installed, but no revision found at version "${version}"`,
      ];
    }
    return [];
  });
  return warnings.length
    ? [
        ...warnings,
        'Promise will not be available until the above issue(s) is resolved',
      ]
    : [];
}
