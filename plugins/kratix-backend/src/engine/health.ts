// HealthRecords and how they show in a Resource's status (spec section 6).
import { z } from 'zod';
import {
  DEFAULT_NAMESPACE,
  HEALTH_STATES_WORST_FIRST,
  HealthRecord,
  HealthState,
  HealthStatus,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { fromSchemaIssue } from './errors';
import { checkName, DNS_LABEL, DNS_SUBDOMAIN } from './names';
import { parseYamlDocument } from './yamlDocuments';
import { KRATIX_API_VERSION } from './promise';

const KIND = 'HealthRecord';

const stateSchema = z.enum(
  HEALTH_STATES_WORST_FIRST as [HealthState, ...HealthState[]],
  {
    error: issue =>
      `must be one of ${HEALTH_STATES_WORST_FIRST.join(
        ', ',
      )}, got ${JSON.stringify(issue.input)}`,
  },
);

const healthRecordSchema = z.looseObject({
  apiVersion: z.literal(KRATIX_API_VERSION),
  kind: z.literal(KIND),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
  }),
  data: z.looseObject({
    promiseRef: z.looseObject({ name: z.string().min(1) }),
    resourceRef: z.looseObject({
      name: z.string().min(1),
      namespace: z.string().min(1).optional(),
    }),
    state: stateSchema.default('unknown'),
    lastRun: z.number().int().nonnegative().optional(),
    details: z.unknown().optional(),
  }),
});

/**
 * Validates a HealthRecord document (YAML/JSON text or parsed). `data.state`
 * defaults to `unknown`; namespaces default to `default`.
 */
export function parseHealthRecord(source: string | object): HealthRecord {
  const raw =
    typeof source === 'string' ? parseYamlDocument(source, KIND) : source;
  const parsed = healthRecordSchema.safeParse(raw);
  if (!parsed.success) {
    throw fromSchemaIssue(KIND, raw, parsed.error.issues[0]);
  }
  const { metadata, data } = parsed.data;
  for (const [path, value, rule] of [
    ['metadata.name', metadata.name, DNS_SUBDOMAIN],
    ['metadata.namespace', metadata.namespace, DNS_LABEL],
    ['data.promiseRef.name', data.promiseRef.name, DNS_LABEL],
    ['data.resourceRef.name', data.resourceRef.name, DNS_SUBDOMAIN],
    ['data.resourceRef.namespace', data.resourceRef.namespace, DNS_LABEL],
  ] as const) {
    if (value !== undefined) checkName(KIND, path, value, rule);
  }
  return {
    ...(parsed.data as HealthRecord),
    metadata: {
      ...metadata,
      namespace: metadata.namespace ?? DEFAULT_NAMESPACE,
    },
    data: {
      ...data,
      resourceRef: {
        ...data.resourceRef,
        namespace: data.resourceRef.namespace ?? DEFAULT_NAMESPACE,
      },
    },
  };
}

function severity(record: HealthRecord): number {
  return HEALTH_STATES_WORST_FIRST.indexOf(record.data.state ?? 'unknown');
}

/** Worst state first; ties: newest `lastRun` first, then by name. */
function compareRecords(a: HealthRecord, b: HealthRecord): number {
  return (
    severity(a) - severity(b) ||
    (b.data.lastRun ?? 0) - (a.data.lastRun ?? 0) ||
    a.metadata.name.localeCompare(b.metadata.name)
  );
}

/**
 * Writes a Resource's HealthRecords into `status.healthRecord` (the record
 * that matters most) and `status.healthStatus`; with none, removes both.
 * Other status keys are untouched.
 */
export function applyHealthRecords(
  status: KratixStatus | undefined,
  records: readonly HealthRecord[],
): KratixStatus {
  const { healthRecord: _r, healthStatus: _s, ...rest } = status ?? {};
  if (records.length === 0) return rest;
  const sorted = [...records].sort(compareRecords);
  const top = sorted[0];
  const state = top.data.state ?? 'unknown';
  const healthStatus: HealthStatus = {
    state,
    healthRecords: sorted.map(r => ({
      state: r.data.state ?? 'unknown',
      lastRun: r.data.lastRun,
      source: {
        name: r.metadata.name,
        namespace: r.metadata.namespace ?? DEFAULT_NAMESPACE,
      },
      details: r.data.details,
    })),
  };
  return {
    ...rest,
    healthRecord: {
      state,
      lastRun: top.data.lastRun,
      details: top.data.details,
    },
    healthStatus,
  };
}
