// What the Kratix page says about Promises and Resources: pure functions.
import {
  HealthState,
  KratixPromise,
  KratixResource,
} from '@kratix-backstage/plugin-kratix-common';
import { reconcileError, resourceHealth, workflowState } from './status';

/** A Resource's state in one word, as the page counts and filters it. */
export type ResourceState = 'failed' | 'running' | 'ready' | 'pending';

export const RESOURCE_STATE_LABELS: Record<ResourceState, string> = {
  failed: 'Failed',
  running: 'In progress',
  ready: 'Ready',
  pending: 'Pending',
};

/** Worst first, the order counts are shown in. */
export const RESOURCE_STATES: readonly ResourceState[] = [
  'failed',
  'running',
  'pending',
  'ready',
];

/** Failed when the workflow or the last reconcile failed, else its workflow. */
export function resourceState(resource: {
  status?: KratixResource['status'];
}): ResourceState {
  if (reconcileError(resource.status)) return 'failed';
  switch (workflowState(resource.status)) {
    case 'failed':
      return 'failed';
    case 'running':
      return 'running';
    case 'succeeded':
      return 'ready';
    default:
      return 'pending';
  }
}

/** The health state of a Resource, or `none` without HealthRecords. */
export function healthOf(resource: KratixResource): HealthState | 'none' {
  return resourceHealth(resource.status)?.state ?? 'none';
}

/** The API a Promise offers: its CRD's kind, group and served versions. */
export interface PromiseApi {
  kind: string;
  group: string;
  versions: string[];
}

type CrdSpec = {
  group?: unknown;
  names?: { kind?: unknown };
  versions?: Array<{ name?: unknown; served?: unknown }>;
};

/** Reads `spec.api` (a CustomResourceDefinition); undefined without one. */
export function promiseApi(promise: KratixPromise): PromiseApi | undefined {
  const crd = (promise.spec?.api as { spec?: CrdSpec } | undefined)?.spec;
  const kind = crd?.names?.kind;
  if (typeof kind !== 'string') return undefined;
  const versions = (crd?.versions ?? [])
    .filter(v => v.served !== false && typeof v.name === 'string')
    .map(v => v.name as string);
  return {
    kind,
    group: typeof crd?.group === 'string' ? crd.group : '',
    versions,
  };
}

/** `Available`, `Unavailable`, or the workflow's state when neither is set. */
export function promiseAvailability(
  promise: KratixPromise,
): 'available' | 'unavailable' | ResourceState {
  const value = promise.status?.status;
  if (value === 'Available') return 'available';
  if (value === 'Unavailable') return 'unavailable';
  return resourceState(promise);
}

/** How many of each key; keys with none are left out. */
export function countBy<T, K extends string>(
  items: T[],
  key: (item: T) => K,
): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** "2 Ready, 1 Failed", worst first; "none" for no Resources. */
export function stateCountsText(
  counts: Partial<Record<ResourceState, number>>,
) {
  const parts = RESOURCE_STATES.filter(s => counts[s]).map(
    s => `${counts[s]} ${RESOURCE_STATE_LABELS[s]}`,
  );
  return parts.length ? parts.join(', ') : 'none';
}

/** Each condition as `Type: Status`, the way the condition filter names it. */
export function conditionLabels(resource: KratixResource): string[] {
  return (resource.status?.conditions ?? []).map(c => `${c.type}: ${c.status}`);
}

/** The conditions that are not True, as `Type: Status`. */
export function unmetConditions(resource: KratixResource): string[] {
  return (resource.status?.conditions ?? [])
    .filter(c => c.status !== 'True')
    .map(c => `${c.type}: ${c.status}`);
}

/** What the Resources table can filter on; empty means any. */
export interface ResourceFilter {
  promise?: string;
  namespace?: string;
  condition?: string;
  health?: string;
}

/** A Resource with the Promise it was requested from. */
export interface PromisedResource {
  promise: string;
  resource: KratixResource;
}

/** The rows that pass every filter that is set. */
export function filterResources(
  rows: PromisedResource[],
  filter: ResourceFilter,
): PromisedResource[] {
  return rows.filter(
    ({ promise, resource }) =>
      (!filter.promise || promise === filter.promise) &&
      (!filter.namespace ||
        (resource.metadata.namespace ?? '') === filter.namespace) &&
      (!filter.condition ||
        conditionLabels(resource).includes(filter.condition)) &&
      (!filter.health || healthOf(resource) === filter.health),
  );
}

/** The sorted distinct values of a list of lists, for a filter's options. */
export function distinct(values: string[][]): string[] {
  return [...new Set(values.flat())].sort();
}
