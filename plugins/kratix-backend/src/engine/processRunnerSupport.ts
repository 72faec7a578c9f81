// Pipeline fields that the local process runner cannot honour. Such a
// Promise is accepted (it is valid upstream), with a warning naming each
// field, so that it never silently runs without, e.g., its secrets.
import {
  WorkflowAction,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';
import { ParsedPromise } from './promise';

/** One field the process runner ignores, and why it matters. */
export interface UnsupportedField {
  /** e.g. `spec.workflows.resource.configure[0].spec.volumes` */
  field: string;
  reason: string;
}

const PIPELINE_FIELDS: Record<string, string> = {
  volumes: 'no volumes are mounted',
  imagePullSecrets: 'images are not pulled',
  rbac: 'pipelines get no Kubernetes service account',
};

const CONTAINER_FIELDS: Record<string, string> = {
  envFrom: 'no variables are read from Secrets or ConfigMaps this way',
  volumeMounts: 'no volumes are mounted',
  resources: 'no CPU or memory requests or limits apply',
};

type Doc = Record<string, any>;

/** The pipelines of one workflow, as given, that the engine runs. */
function pipelineDocs(
  promise: ParsedPromise,
  type: WorkflowType,
  action: WorkflowAction,
): Doc[] {
  const docs: Doc[] =
    (promise.promise.spec as Doc)?.workflows?.[type]?.[action] ?? [];
  // Only the first delete pipeline runs.
  return action === 'delete' ? docs.slice(0, 1) : docs;
}

/**
 * The fields of the Promise's pipelines that the process runner cannot
 * honour; `images` is `kratix.runner.process.images`.
 */
export function unsupportedByProcessRunner(
  promise: ParsedPromise,
  images: Record<string, string[]>,
): UnsupportedField[] {
  const found: UnsupportedField[] = [];
  const check = (
    doc: Doc | undefined,
    at: string,
    fields: Record<string, string>,
  ) => {
    for (const [name, reason] of Object.entries(fields)) {
      if (doc?.[name] !== undefined)
        found.push({ field: `${at}.${name}`, reason });
    }
  };
  for (const type of ['promise', 'resource'] as const) {
    for (const action of ['configure', 'delete'] as const) {
      pipelineDocs(promise, type, action).forEach((p, i) => {
        const at = `spec.workflows.${type}.${action}[${i}].spec`;
        check(p.spec, at, PIPELINE_FIELDS);
        (p.spec?.containers ?? []).forEach((c: Doc, j: number) => {
          const cat = `${at}.containers[${j}]`;
          check(c, cat, CONTAINER_FIELDS);
          if (!c.command?.length && !images[c.image]?.length) {
            found.push({
              field: `${cat}.image`,
              reason: `'${c.image}' has no command, and kratix.runner.process.images maps no command to it`,
            });
          }
        });
      });
    }
  }
  return found;
}

/** One line per field, as the API's warnings and the Promise's status give them. */
export function describeUnsupported(fields: UnsupportedField[]): string[] {
  return fields.map(
    f => `${f.field}: not supported by the process runner (${f.reason})`,
  );
}

/**
 * What an apply of the Promise warns of: its own warnings and, with the
 * process runner (`processRunnerImages` given), the fields it cannot honour.
 */
export function promiseWarnings(
  promise: ParsedPromise,
  processRunnerImages: Record<string, string[]> | undefined,
): string[] {
  const unsupported = processRunnerImages
    ? unsupportedByProcessRunner(promise, processRunnerImages)
    : [];
  return [...promise.warnings, ...describeUnsupported(unsupported)];
}
