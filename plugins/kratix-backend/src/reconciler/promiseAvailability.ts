// A Promise's requirements and warnings in its status, and its Resources
// waiting while it is not available (spec.requiredPromises; a Resource's
// workflow waits for its Promise's configure workflow), as upstream Kratix.
import { isDeepStrictEqual } from 'node:util';
import {
  KratixPromise,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import {
  PROMISE_REQUIREMENT_CONDITIONS,
  ParsedPromise,
  describeUnmet,
  evaluateRequirements,
  isConfiguredAtGeneration,
  isPromiseAvailable,
  isWaitingForPromise,
  markPromiseAvailable,
  markPromiseUnavailable,
  markRequirements,
  parsePromise,
  promiseWarnings,
  requirementsFulfilled,
} from '../engine';
import { withPromiseAvailability } from '../engine/promiseAvailability';
import { ConflictError } from '@backstage/errors';
import { ObjectKey, ObjectStore, StoredObject } from '../database/ObjectStore';
import { WorkQueue } from '../database/WorkQueue';
import { updateStatusFrom } from '../database/updateStatusFrom';
import { promiseKey } from './keys';

/** The stored Promises that `promise` requires, to look up by name. */
export async function requiredPromisesOf(
  store: ObjectStore,
  promise: ParsedPromise,
): Promise<(name: string) => KratixPromise | undefined> {
  const found = new Map<string, KratixPromise>();
  for (const { name } of promise.requiredPromises) {
    const stored = await store.getObject(promiseKey(name));
    if (stored) found.set(name, stored.object as KratixPromise);
  }
  return name => found.get(name);
}

/**
 * Before a Promise's configure workflow: evaluates its required Promises
 * (`RequirementsFulfilled`, `status.requiredPromises`) and lists what it
 * was accepted with a warning for (`status.warnings`). Returns the object
 * as saved.
 */
export async function preparePromise(
  store: ObjectStore,
  stored: StoredObject,
  processRunnerImages: Record<string, string[]> | undefined,
): Promise<StoredObject> {
  const parsed = parsePromise(stored.object);
  const requirements = evaluateRequirements(
    parsed.requiredPromises,
    await requiredPromisesOf(store, parsed),
  );
  const warnings = promiseWarnings(parsed, processRunnerImages);
  const now = new Date();
  const compute = (status: KratixStatus): KratixStatus => {
    const {
      requiredPromises: _r,
      warnings: _w,
      ...rest
    } = status as KratixStatus & Record<string, unknown>;
    const next: KratixStatus = {
      ...rest,
      ...(warnings.length > 0 && { warnings }),
    };
    if (parsed.requiredPromises.length) {
      // Available and status.status follow the requirements at once.
      return withPromiseAvailability(
        markRequirements(next, requirements, now),
        now,
      );
    }
    const isRequirement = (type: string) =>
      PROMISE_REQUIREMENT_CONDITIONS.includes(type);
    if (!rest.conditions?.some(c => isRequirement(c.type))) return next;
    const conditions = rest.conditions.filter(c => !isRequirement(c.type));
    return { ...next, conditions };
  };
  const current = stored.object.status ?? {};
  if (isDeepStrictEqual(compute(current), current)) return stored;
  return updateStatusFrom(
    store,
    stored.key,
    c => compute(c.object.status ?? {}),
    stored,
  );
}

/** Why the Promise cannot take its Resources now; undefined when it can. */
export function unavailableBecause(
  promise: KratixPromise,
): { reason: string; message: string } | undefined {
  if (isPromiseAvailable(promise)) return undefined;
  const status = promise.status as KratixStatus & {
    requiredPromises?: { name: string; version?: string; state: string }[];
  };
  if (!requirementsFulfilled(status)) {
    const unmet = describeUnmet({
      fulfilled: false,
      requiredPromises: status.requiredPromises ?? [],
    });
    return {
      reason: 'PromiseRequirementsNotInstalled',
      message: `Promise Requirements are not installed: ${unmet}`,
    };
  }
  const configured = isConfiguredAtGeneration(promise);
  return {
    reason: 'PromiseUnavailable',
    message: configured
      ? `Promise '${promise.metadata.name}' is not available`
      : `Promise '${promise.metadata.name}' is not available: its configure workflow has not succeeded yet`,
  };
}

/** A waiting Resource: `PromiseAvailable` False with the reason, once. */
export async function markWaiting(
  store: ObjectStore,
  stored: StoredObject,
  why: { reason: string; message: string },
): Promise<void> {
  await updateStatusFrom(
    store,
    stored.key,
    c => markPromiseUnavailable(c.object.status ?? {}, why, new Date()),
    stored,
  );
}

/** A Resource that waited: `PromiseAvailable` True; others as they are. */
export async function markNoLongerWaiting(
  store: ObjectStore,
  stored: StoredObject,
): Promise<StoredObject> {
  if (!isWaitingForPromise(stored.object.status)) return stored;
  return updateStatusFrom(
    store,
    stored.key,
    c => markPromiseAvailable(c.object.status ?? {}, new Date()),
    stored,
  );
}

/**
 * Ends a Resource's wait (`PromiseAvailable` True), compare-and-swap: true
 * only for the one caller that made the change, which then queues its
 * workflow, so that a Resource woken from two sides runs once.
 */
export async function endWait(
  store: ObjectStore,
  key: ObjectKey,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.getObject(key);
    if (!current || !isWaitingForPromise(current.object.status)) return false;
    try {
      await store.updateStatus(
        key,
        markPromiseAvailable(current.object.status ?? {}, new Date()),
        current.object.metadata.resourceVersion,
      );
      return true;
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= 10) throw e;
    }
  }
}

/**
 * After a Promise's configure workflow: once it is available, its waiting
 * Resources and the Promises that require it and wait for it run again.
 * Returns how many were queued.
 */
export async function wakeDependents(
  store: ObjectStore & WorkQueue,
  promiseName: string,
): Promise<number> {
  const promise = await store.getObject(promiseKey(promiseName));
  if (!promise || !isPromiseAvailable(promise.object as KratixPromise)) {
    return 0;
  }
  const waiting: ObjectKey[] = [];
  for (const r of await store.listObjects({
    kind: 'Resource',
    promise: promiseName,
  })) {
    if (!isWaitingForPromise(r.object.status)) continue;
    if (await endWait(store, r.key)) waiting.push(r.key);
  }
  waiting.push(
    ...(await store.listObjects({ kind: 'Promise' }))
      .filter(
        p =>
          requires(p.object as KratixPromise, promiseName) &&
          !requirementsFulfilled(p.object.status),
      )
      .map(p => p.key),
  );
  for (const key of waiting) {
    await store.enqueue(key, { reason: 'promise-available' });
  }
  return waiting.length;
}

/**
 * After a Promise is removed: the Promises that require it run again, so
 * that they say their requirement is gone. Returns how many were queued.
 */
export async function requeueRequirers(
  store: ObjectStore & WorkQueue,
  promiseName: string,
): Promise<number> {
  const requirers = (await store.listObjects({ kind: 'Promise' })).filter(p =>
    requires(p.object as KratixPromise, promiseName),
  );
  for (const p of requirers) {
    await store.enqueue(p.key, { reason: 'required-promise-deleted' });
  }
  return requirers.length;
}

function requires(promise: KratixPromise, name: string): boolean {
  const required = (promise.spec as { requiredPromises?: { name?: string }[] })
    ?.requiredPromises;
  return Array.isArray(required) && required.some(r => r?.name === name);
}
