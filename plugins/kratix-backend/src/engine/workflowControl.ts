// Reads a pipeline's /kratix/metadata/workflow-control.yaml (spec section 7):
// `suspend: true` or `retryAfter: <Go duration>` stop the workflow after
// this pipeline, as in upstream Kratix; `message` says why.
import * as yaml from 'yaml';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { YAML_LIMITS, yamlToJson } from './yamlDocuments';
import { parseGoDuration } from './goDuration';

const FILE = '/kratix/metadata/workflow-control.yaml';
/** Largest workflow-control.yaml read, in bytes: it holds three short keys. */
export const WORKFLOW_CONTROL_MAX_BYTES = 64 * 1024;
const KEYS = ['suspend', 'retryAfter', 'message'];

/** A workflow-control.yaml the engine refuses: the pipeline fails. */
export class WorkflowControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowControlError';
  }
}

export interface WorkflowControl {
  /** True when the workflow stops after this pipeline. */
  suspend: boolean;
  /** With `retryAfter`: the pipeline runs again after this many ms. */
  retryAfterMs?: number;
  /** Shown as the pipeline's message while suspended. */
  message?: string;
  /** Things ignored in the file, for the run's log. */
  warnings: string[];
}

function parseMapping(text: string): unknown {
  const docs = yamlToJson(yaml, text, YAML_LIMITS);
  if (docs.length > 1) {
    throw new WorkflowControlError(
      `${FILE} holds ${docs.length} YAML documents; write a single mapping`,
    );
  }
  const [doc] = docs;
  if ('json' in doc) return JSON.parse(doc.json);
  throw new WorkflowControlError(`${FILE} is ${doc.error}`);
}

/**
 * Reads a workflow-control.yaml; undefined when it asks for nothing (empty,
 * or neither `suspend: true` nor `retryAfter`). Throws a
 * WorkflowControlError naming the problem when the file is refused.
 */
export function parseWorkflowControl(
  content: string | Buffer,
): WorkflowControl | undefined {
  const size =
    typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > WORKFLOW_CONTROL_MAX_BYTES) {
    throw new WorkflowControlError(
      `${FILE} is ${size} bytes, more than the limit of ${WORKFLOW_CONTROL_MAX_BYTES} bytes`,
    );
  }
  const value = parseMapping(content.toString());
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new WorkflowControlError(
      `${FILE} must be a mapping with 'suspend', 'retryAfter' or 'message', got ${
        Array.isArray(value) ? 'a list' : `a ${typeof value}`
      }`,
    );
  }
  const file = value as Record<string, unknown>;
  const { suspend, retryAfter, message } = file;
  if (suspend !== undefined && suspend !== null && typeof suspend !== 'boolean')
    throw new WorkflowControlError(
      `'suspend' in ${FILE} must be true or false, got ${JSON.stringify(
        suspend,
      )}`,
    );
  if (message !== undefined && message !== null && typeof message !== 'string')
    throw new WorkflowControlError(`'message' in ${FILE} must be a string`);
  let retryAfterMs: number | undefined;
  if (retryAfter !== undefined && retryAfter !== null && retryAfter !== '') {
    retryAfterMs =
      typeof retryAfter === 'string' ? parseGoDuration(retryAfter) : undefined;
    if (retryAfterMs === undefined || retryAfterMs < 0)
      throw new WorkflowControlError(
        `'retryAfter' in ${FILE} must be a duration such as "30s", "5m" or "1h30m", got ${JSON.stringify(
          retryAfter,
        )}`,
      );
  }
  const warnings = Object.keys(file)
    .filter(k => !KEYS.includes(k))
    .map(k => `the key '${k}' in ${FILE} was ignored`);
  if (suspend !== true && retryAfterMs === undefined) {
    return warnings.length ? { suspend: false, warnings } : undefined;
  }
  return {
    suspend: true,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(typeof message === 'string' && message !== '' && { message }),
    warnings,
  };
}

/** A workflow that a workflow-control.yaml suspended, from the status. */
export interface Suspension {
  pipeline: string;
  /** Suspended with `retryAfter`: when the pipeline runs again. */
  retryAt?: Date;
}

/**
 * The suspension recorded in `status` for this generation of the object
 * (a newer spec ends it, as upstream); undefined when there is none.
 */
export function findSuspension(
  status: KratixStatus | undefined,
  generation: number,
): Suspension | undefined {
  const workflows = status?.kratix?.workflows;
  if (workflows?.suspendedGeneration !== generation) return undefined;
  const entry = workflows.pipelines?.find(p => p.phase === 'Suspended');
  if (!entry) return undefined;
  const retryAt = entry.nextRetryAt ? new Date(entry.nextRetryAt) : undefined;
  return {
    pipeline: entry.name,
    ...(retryAt && !isNaN(retryAt.getTime()) && { retryAt }),
  };
}
