import {
  ConditionReasons,
  ConditionTypes,
  HealthState,
  KratixCondition,
  KratixStatus,
  PipelineStatus,
  findCondition,
  findWorkflowCondition,
  isHealthState,
  isWorkflowConditionType,
} from '@kratix-backstage/plugin-kratix-common';

/** Status keys the engine owns; everything else was written by pipelines. */
const ENGINE_OWNED_KEYS = new Set([
  'message',
  'conditions',
  'healthRecord',
  'healthStatus',
  'kratix',
  'workflows',
  'workflowsSucceeded',
  'workflowsFailed',
  'observedGeneration',
  'lastSuccessfulConfigureWorkflowTime',
]);

/** The status keys written by pipelines (`connectionDetails`, `iam`, ...). */
export function pipelineStatusKeys(
  status: KratixStatus | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(status ?? {})) {
    if (!ENGINE_OWNED_KEYS.has(key)) {
      out[key] = value;
    }
  }
  return out;
}

/** The state of the configure workflow, as readers understand it. */
export type WorkflowState = 'running' | 'succeeded' | 'failed' | 'unknown';

const RUNNING_REASONS: readonly string[] = [
  ConditionReasons.PipelinesInProgress,
  ConditionReasons.PipelineNotCompleted,
];

/**
 * Reads `ConfigureWorkflowCompleted` (or the legacy `PipelineCompleted`) and
 * the pipelines' phases.
 */
export function workflowState(status: KratixStatus | undefined): WorkflowState {
  const pipelines = status?.kratix?.workflows?.pipelines ?? [];
  if (pipelines.some(p => p.phase === 'Running')) {
    return 'running';
  }
  if (
    pipelines.some(p => p.phase === 'Pending') &&
    !pipelines.some(p => p.phase === 'Failed')
  ) {
    return 'running';
  }
  const condition = findWorkflowCondition(status);
  if (condition) {
    if (condition.status === 'True') {
      return 'succeeded';
    }
    if (condition.reason && RUNNING_REASONS.includes(condition.reason)) {
      return 'running';
    }
    if (condition.status === 'False') {
      return 'failed';
    }
  }
  if (pipelines.some(p => p.phase === 'Failed')) {
    return 'failed';
  }
  return 'unknown';
}

/** `Reconciled` when it says the last reconcile failed with an error. */
export function reconcileError(
  status: KratixStatus | undefined,
): KratixCondition | undefined {
  const reconciled = findCondition(status, ConditionTypes.Reconciled);
  return reconciled?.reason === ConditionReasons.ReconcileError
    ? reconciled
    : undefined;
}

/** The pipelines of the current or last configure workflow. */
export function workflowPipelines(
  status: KratixStatus | undefined,
): PipelineStatus[] {
  return status?.kratix?.workflows?.pipelines ?? [];
}

/** False first, then Unknown (or anything else), True last. */
function statusRank(c: KratixCondition): number {
  if (c.status === 'False') return 0;
  return c.status === 'True' ? 2 : 1;
}

/**
 * Conditions in reading order: False, then Unknown, then True; within each,
 * the workflow condition first (new or legacy name), then `Reconciled`,
 * then the rest as reported.
 */
export function sortConditions(
  conditions: KratixCondition[] | undefined,
): KratixCondition[] {
  const rank = (c: KratixCondition) => {
    if (isWorkflowConditionType(c.type)) {
      return c.type === ConditionTypes.ConfigureWorkflowCompleted ? 0 : 1;
    }
    if (c.type === ConditionTypes.Reconciled) {
      return 2;
    }
    if (c.type === ConditionTypes.DeleteWorkflowCompleted) {
      return 3;
    }
    return 4;
  };
  return (conditions ?? [])
    .map((condition, index) => ({ condition, index }))
    .sort(
      (a, b) =>
        statusRank(a.condition) - statusRank(b.condition) ||
        rank(a.condition) - rank(b.condition) ||
        a.index - b.index,
    )
    .map(({ condition }) => condition);
}

/** One health record as the card shows it. */
export interface HealthEntry {
  state: HealthState;
  lastRun?: number;
  details?: unknown;
  source?: { name: string; namespace: string };
}

/** The health to show: `healthStatus` when present, else `healthRecord`. */
export function resourceHealth(
  status: KratixStatus | undefined,
): { state: HealthState; records: HealthEntry[] } | undefined {
  const aggregate = status?.healthStatus;
  if (aggregate && isHealthState(aggregate.state)) {
    const records: HealthEntry[] = (aggregate.healthRecords ?? []).map(r => ({
      state: isHealthState(r.state) ? r.state : 'unknown',
      lastRun: r.lastRun,
      details: r.details,
      source: r.source,
    }));
    if (records.length === 0 && status?.healthRecord) {
      records.push(status.healthRecord);
    }
    return { state: aggregate.state, records };
  }
  const record = status?.healthRecord;
  if (record) {
    const state = isHealthState(record.state) ? record.state : 'unknown';
    return { state, records: [{ ...record, state }] };
  }
  return undefined;
}

/** The most recent `lastRun` among health records, unix seconds. */
export function latestRun(records: HealthEntry[]): number | undefined {
  const runs = records
    .map(r => r.lastRun)
    .filter((r): r is number => typeof r === 'number');
  return runs.length ? Math.max(...runs) : undefined;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** Accepts RFC 3339 strings, Dates, and unix seconds (health `lastRun`). */
export function toDate(value: string | number | Date): Date | undefined {
  const date =
    value instanceof Date
      ? value
      : new Date(typeof value === 'number' ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "3 minutes ago", "in 2 hours", "now". */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  if (Math.abs(seconds) < 10) {
    return 'just now';
  }
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return format.format(seconds, 'second');
}

/** "1m 05s", "42s", "2h 03m". */
export function formatDuration(
  startedAt: string | undefined,
  finishedAt: string | undefined,
  now: Date = new Date(),
): string | undefined {
  const start = startedAt ? toDate(startedAt) : undefined;
  if (!start) {
    return undefined;
  }
  const end = (finishedAt ? toDate(finishedAt) : undefined) ?? now;
  const total = Math.max(
    0,
    Math.round((end.getTime() - start.getTime()) / 1000),
  );
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) {
    return `${h}h ${pad(m)}m`;
  }
  if (m > 0) {
    return `${m}m ${pad(s)}s`;
  }
  return `${s}s`;
}
