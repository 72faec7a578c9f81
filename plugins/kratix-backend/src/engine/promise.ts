// Parses and validates Promises (`platform.kratix.io/v1alpha1`).
import { z } from 'zod';
import {
  KratixPromise,
  WorkflowAction,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';
import { Pipeline, PipelineEnvVar, WorkflowRef } from './interfaces';
import { formatPath, fromSchemaIssue, KratixValidationError } from './errors';
import { checkName, DNS_LABEL } from './names';
import { parseYamlDocument } from './yamlDocuments';
import { parseGoDuration } from './goDuration';

export const KRATIX_API_VERSION = 'platform.kratix.io/v1alpha1';

/** The API a Promise offers, read from its CustomResourceDefinition. */
export interface PromiseApi {
  group: string;
  /** The storage version, else the first served one. */
  version: string;
  kind: string;
  plural: string;
  /** `spec.scope` of the CRD. */
  clusterScoped: boolean;
  openAPIV3Schema?: Record<string, unknown>;
}

/** One entry of `spec.destinationSelectors`. */
export interface DestinationSelector {
  matchLabels: Record<string, string>;
}

export type PromiseWorkflows = Record<
  WorkflowType,
  Record<WorkflowAction, Pipeline[]>
>;

/** One entry of `spec.requiredPromises`. */
export interface RequiredPromise {
  name: string;
  /** Empty: any version. */
  version?: string;
}

/** A validated Promise and what the engine reads from it. */
export interface ParsedPromise {
  name: string;
  /** The document as given. */
  promise: KratixPromise;
  api?: PromiseApi;
  workflows: PromiseWorkflows;
  destinationSelectors: DestinationSelector[];
  requiredPromises: RequiredPromise[];
  /** `spec.workflows.config.reconciliationInterval`, if given. */
  reconciliationIntervalMs?: number;
  /** Accepted, but not as upstream would wish: each names the field. */
  warnings: string[];
}

/** Upstream's smallest reconciliationInterval. */
export const MIN_RECONCILIATION_INTERVAL_MS = 60_000;

const nonEmpty = z.string().min(1, 'must not be empty');

const keyRefSchema = z.looseObject({
  name: nonEmpty,
  key: nonEmpty,
  optional: z.boolean().optional(),
});

// Upstream decodes Pipelines strictly: a field it does not know is refused.
// These are the fields of its Pipeline, ObjectMeta and Container types.
const OBJECT_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

const known = (fields: string[]) =>
  Object.fromEntries(fields.map(f => [f, z.unknown().optional()]));

const envSchema = z.strictObject({
  name: nonEmpty,
  value: z.string().optional(),
  valueFrom: z
    .looseObject({
      secretKeyRef: keyRefSchema.optional(),
      configMapKeyRef: keyRefSchema.optional(),
    })
    .optional(),
});

const containerSchema = z.strictObject({
  ...known(['envFrom', 'volumeMounts', 'imagePullPolicy', 'securityContext']),
  ...known(['resources']),
  name: nonEmpty,
  image: nonEmpty,
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(envSchema).optional(),
});

const pipelineSchema = z.strictObject({
  apiVersion: z.literal(KRATIX_API_VERSION).optional(),
  kind: z.literal('Pipeline').optional(),
  metadata: z.strictObject({ ...known(OBJECT_META_FIELDS), name: nonEmpty }),
  spec: z.strictObject({
    ...known(['imagePullSecrets', 'jobOptions', 'nodeSelector', 'rbac']),
    ...known(['restartPolicy', 'tolerations', 'volumes']),
    containers: z.array(containerSchema).min(1),
  }),
});

const workflowSchema = z
  .looseObject({
    configure: z.array(pipelineSchema).optional(),
    delete: z.array(pipelineSchema).optional(),
  })
  .optional();

const labelsSchema = z.record(z.string(), z.string());

const crdSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional() }).optional(),
  spec: z.looseObject({
    group: nonEmpty,
    names: z.looseObject({ kind: nonEmpty, plural: nonEmpty }),
    scope: z.enum(['Namespaced', 'Cluster']).optional(),
    versions: z
      .array(
        z.looseObject({
          name: nonEmpty,
          served: z.boolean().optional(),
          storage: z.boolean().optional(),
          schema: z
            .looseObject({
              openAPIV3Schema: z.record(z.string(), z.unknown()).optional(),
            })
            .optional(),
        }),
      )
      .min(1),
  }),
});

const promiseSchema = z.looseObject({
  apiVersion: z.literal(KRATIX_API_VERSION),
  kind: z.literal('Promise'),
  metadata: z.looseObject({ name: nonEmpty }),
  spec: z
    .looseObject({
      api: crdSchema.optional(),
      destinationSelectors: z
        .array(z.looseObject({ matchLabels: labelsSchema.optional() }))
        .optional(),
      workflows: z
        .looseObject({
          config: z
            .looseObject({ reconciliationInterval: z.string().optional() })
            .optional(),
          resource: workflowSchema,
          promise: workflowSchema,
        })
        .optional(),
      requiredPromises: z
        .array(
          z.looseObject({ name: nonEmpty, version: z.string().optional() }),
        )
        .optional(),
      // Documents written as they are to the Destinations (section 7).
      dependencies: z.array(z.looseObject({})).optional(),
    })
    .default({}),
});

type PromiseDoc = z.infer<typeof promiseSchema>;
type PipelineDoc = z.infer<typeof pipelineSchema>;

const WORKFLOW_TYPES: WorkflowType[] = ['resource', 'promise'];
const WORKFLOW_ACTIONS: WorkflowAction[] = ['configure', 'delete'];

function invalid(path: string, rule: string, message: string): never {
  throw new KratixValidationError({ kind: 'Promise', path, rule, message });
}

function toEnvVar(e: z.infer<typeof envSchema>): PipelineEnvVar {
  const from = e.valueFrom;
  const other = Object.keys(from ?? {}).filter(
    k => k !== 'secretKeyRef' && k !== 'configMapKeyRef',
  );
  const keyRef = (r?: z.infer<typeof keyRefSchema>) =>
    r && { name: r.name, key: r.key, optional: r.optional ?? false };
  return {
    name: e.name,
    ...(e.value !== undefined && { value: e.value }),
    ...(from && {
      valueFrom: {
        ...(from.secretKeyRef && { secretKeyRef: keyRef(from.secretKeyRef) }),
        ...(from.configMapKeyRef && {
          configMapKeyRef: keyRef(from.configMapKeyRef),
        }),
        ...(other.length && { other }),
      },
    }),
  };
}

// Upstream fields only a pipeline's Pod applies (Kubernetes mode).
const POD_PIPELINE_FIELDS = [
  'imagePullSecrets',
  'volumes',
  'rbac',
  'nodeSelector',
  'tolerations',
];
const POD_CONTAINER_FIELDS = [
  'envFrom',
  'volumeMounts',
  'resources',
  'securityContext',
  'imagePullPolicy',
];

/** The given `fields` of `from`, for a Pod; undefined when none is set. */
function podFields(
  from: Record<string, unknown>,
  fields: string[],
): { pod?: Record<string, unknown> } {
  const set = fields.filter(f => from[f] !== undefined);
  if (!set.length) return {};
  return { pod: Object.fromEntries(set.map(f => [f, from[f]])) };
}

function toPipeline(doc: PipelineDoc): Pipeline {
  return {
    name: doc.metadata.name,
    containers: doc.spec.containers.map(c => ({
      name: c.name,
      image: c.image,
      ...(c.command && { command: c.command }),
      ...(c.args && { args: c.args }),
      ...(c.env && { env: c.env.map(toEnvVar) }),
      ...podFields(c, POD_CONTAINER_FIELDS),
    })),
    ...podFields(doc.spec, POD_PIPELINE_FIELDS),
  };
}

function checkUnique(
  names: string[],
  path: (i: number) => string,
  what: string,
) {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) {
      invalid(path(i), 'unique', `${what} '${name}' is used more than once`);
    }
    seen.add(name);
  });
}

function readWorkflows(doc: PromiseDoc, warnings: string[]): PromiseWorkflows {
  const result = {} as PromiseWorkflows;
  for (const type of WORKFLOW_TYPES) {
    result[type] = { configure: [], delete: [] };
    for (const action of WORKFLOW_ACTIONS) {
      const at = `spec.workflows.${type}.${action}`;
      let docs = doc.spec.workflows?.[type]?.[action] ?? [];
      if (action === 'delete' && docs.length > 1) {
        // As upstream: a warning, and only the first runs.
        warnings.push(
          `${at}: a delete workflow has one pipeline; ${docs.length} given, only the first ('${docs[0].metadata.name}') is used`,
        );
        docs = docs.slice(0, 1);
      }
      // Pipeline names name folders and processes: DNS-1123 labels.
      docs.forEach((p, i) =>
        checkName(
          'Promise',
          `${at}[${i}].metadata.name`,
          p.metadata.name,
          DNS_LABEL,
        ),
      );
      checkUnique(
        docs.map(p => p.metadata.name),
        i => `${at}[${i}].metadata.name`,
        'pipeline name',
      );
      docs.forEach((p, i) =>
        checkUnique(
          p.spec.containers.map(c => c.name),
          j => `${at}[${i}].spec.containers[${j}].name`,
          `container name in pipeline '${p.metadata.name}'`,
        ),
      );
      result[type][action] = docs.map(toPipeline);
    }
  }
  return result;
}

function readApi(doc: PromiseDoc): PromiseApi | undefined {
  const crd = doc.spec.api;
  if (!crd) return undefined;
  const { group, names, versions } = crd.spec;
  const expected = `${names.plural}.${group}`;
  if (crd.metadata?.name !== undefined && crd.metadata.name !== expected) {
    invalid(
      'spec.api.metadata.name',
      'crd-name',
      `must be '${expected}' (<plural>.<group>), got '${crd.metadata.name}'`,
    );
  }
  const version =
    versions.find(v => v.storage) ??
    versions.find(v => v.served) ??
    versions[0];
  return {
    group,
    version: version.name,
    kind: names.kind,
    plural: names.plural,
    clusterScoped: crd.spec.scope === 'Cluster',
    openAPIV3Schema: version.schema?.openAPIV3Schema,
  };
}

/**
 * Parses a Promise from YAML/JSON text or an already parsed document.
 * Throws a `KratixValidationError` naming the field and rule broken.
 */
export function parsePromise(source: string | object): ParsedPromise {
  const raw =
    typeof source === 'string' ? parseYamlDocument(source, 'Promise') : source;
  const parsed = promiseSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const path = formatPath([...issue.path, issue.keys[0]]);
      invalid(path, 'unknown-field', `unknown field '${issue.keys[0]}'`);
    }
    throw fromSchemaIssue('Promise', raw, issue);
  }
  const doc = parsed.data;
  // Cluster-scoped, yet a label: Kratix joins it into pipeline names.
  checkName('Promise', 'metadata.name', doc.metadata.name, DNS_LABEL);
  const warnings: string[] = [];
  return {
    name: doc.metadata.name,
    promise: raw as KratixPromise,
    api: readApi(doc),
    workflows: readWorkflows(doc, warnings),
    destinationSelectors: (doc.spec.destinationSelectors ?? []).map(s => ({
      matchLabels: s.matchLabels ?? {},
    })),
    requiredPromises: (doc.spec.requiredPromises ?? []).map(r => ({
      name: r.name,
      ...(r.version && { version: r.version }),
    })),
    reconciliationIntervalMs: readInterval(doc),
    warnings,
  };
}

/** `spec.workflows.config.reconciliationInterval`: a Go duration, 1m at least. */
function readInterval(doc: PromiseDoc): number | undefined {
  const text = doc.spec.workflows?.config?.reconciliationInterval;
  if (text === undefined) return undefined;
  const at = 'spec.workflows.config.reconciliationInterval';
  const ms = parseGoDuration(text);
  if (ms === undefined) {
    invalid(at, 'duration', `'${text}' is not a duration (e.g. 30m, 1h30m)`);
  }
  if (ms < MIN_RECONCILIATION_INTERVAL_MS) {
    invalid(at, 'min-interval', `'${text}' must be at least 1m`);
  }
  return ms;
}

/** The pipelines of one workflow of a Promise, in order. */
export function getWorkflowPipelines(
  promise: ParsedPromise,
  workflow: WorkflowRef,
): Pipeline[] {
  return promise.workflows[workflow.type][workflow.action];
}

/** Upstream's per-Promise override of the interval, as an annotation. */
export const RECONCILIATION_INTERVAL_ANNOTATION =
  'kratix.io/reconciliation-interval';

/**
 * How long after a configure workflow its object is reconciled again, as
 * upstream: a valid annotation (1m at least), else the Promise's
 * `workflows.config.reconciliationInterval`, else the engine's default.
 */
export function reconciliationIntervalOf(
  promise: ParsedPromise,
  defaultMs: number,
): number {
  const note =
    promise.promise.metadata.annotations?.[RECONCILIATION_INTERVAL_ANNOTATION];
  const fromNote = note === undefined ? undefined : parseGoDuration(note);
  if (fromNote !== undefined && fromNote >= MIN_RECONCILIATION_INTERVAL_MS) {
    return fromNote;
  }
  return promise.reconciliationIntervalMs ?? defaultMs;
}
