// Reads and validates a pipeline's /kratix/metadata/status.yaml (spec section 4).
import * as yaml from 'yaml';
import {
  ENGINE_MANAGED_CONDITION_TYPES,
  KratixCondition,
} from '@kratix-backstage/plugin-kratix-common';
import { YAML_LIMITS, yamlToJson } from './yamlDocuments';

export const DEFAULT_STATUS_MAX_BYTES = 1024 * 1024;
/** Aliases a status.yaml may expand; more is refused ("billion laughs"). */
export const STATUS_MAX_ALIAS_COUNT = 100;
const FILE = '/kratix/metadata/status.yaml';

/** Upstream Kratix's message, word for word. */
export const KRATIX_KEY_REFUSED_MESSAGE =
  "'kratix' is a kratix managed status field that cannot be updated via workflows; remove update to 'kratix' from the '/kratix/metadata/status.yaml' file";

export type StatusFileErrorReason =
  | 'too-large'
  | 'invalid-yaml'
  | 'multiple-documents'
  | 'not-a-mapping'
  | 'too-many-aliases'
  | 'too-deep'
  | 'kratix-key'
  | 'invalid-conditions';

/** A status.yaml the engine refuses: the pipeline fails, status is kept. */
export class StatusFileError extends Error {
  readonly reason: StatusFileErrorReason;

  constructor(reason: StatusFileErrorReason, message: string) {
    super(message);
    this.name = 'StatusFileError';
    this.reason = reason;
  }
}

export interface StatusFileResult {
  /** The mapping to merge; undefined when the file changes nothing. */
  patch?: Record<string, unknown>;
  /** Things dropped from the file, for the run's log. */
  warnings: string[];
}

const CONDITION_STATUSES = ['True', 'False', 'Unknown'];
const OPTIONAL_STRING_FIELDS = ['reason', 'message', 'lastTransitionTime'];

function conditionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'is not a mapping';
  }
  const c = value as Record<string, unknown>;
  if (typeof c.type !== 'string' || c.type === '') {
    return "needs a string 'type'";
  }
  if (!CONDITION_STATUSES.includes(c.status as string)) {
    return `(type ${c.type}) has status ${JSON.stringify(
      c.status,
    )}; it must be "True", "False" or "Unknown"`;
  }
  const field = OPTIONAL_STRING_FIELDS.find(
    f => c[f] !== undefined && typeof c[f] !== 'string',
  );
  return field
    ? `(type ${c.type}) has a '${field}' that is not a string`
    : undefined;
}

/** Validates `conditions` and drops those of types the engine manages. */
function readConditions(value: unknown, warnings: string[]): KratixCondition[] {
  if (!Array.isArray(value)) {
    throw new StatusFileError(
      'invalid-conditions',
      `'conditions' in ${FILE} must be a list of conditions`,
    );
  }
  value.forEach((c, i) => {
    const problem = conditionProblem(c);
    if (problem) {
      throw new StatusFileError(
        'invalid-conditions',
        `conditions[${i}] in ${FILE} ${problem}`,
      );
    }
  });
  return (value as KratixCondition[]).filter(c => {
    if (!ENGINE_MANAGED_CONDITION_TYPES.includes(c.type)) return true;
    warnings.push(
      `the condition '${c.type}' in ${FILE} was ignored: Kratix manages that condition type`,
    );
    return false;
  });
}

function parseMapping(text: string): unknown {
  const docs = yamlToJson(yaml, text, {
    ...YAML_LIMITS,
    maxAliasCount: STATUS_MAX_ALIAS_COUNT,
  });
  if (docs.length > 1) {
    throw new StatusFileError(
      'multiple-documents',
      `${FILE} holds ${docs.length} YAML documents; write a single mapping`,
    );
  }
  const [doc] = docs;
  if ('json' in doc) return JSON.parse(doc.json);
  if (doc.rule === 'max-depth') {
    throw new StatusFileError('too-deep', `${FILE} ${doc.error}`);
  }
  if (doc.rule === 'aliases') {
    throw new StatusFileError(
      'too-many-aliases',
      `${FILE} expands too many YAML aliases (more than ${STATUS_MAX_ALIAS_COUNT}): ${doc.error}`,
    );
  }
  throw new StatusFileError('invalid-yaml', `${FILE} is ${doc.error}`);
}

/** A Promise's status keeps only `message` from its pipelines. */
function onlyMessage(
  patch: Record<string, unknown>,
  warnings: string[],
): StatusFileResult {
  const others = Object.keys(patch).filter(k => k !== 'message');
  if (others.length > 0) {
    warnings.push(
      `a Promise workflow's ${FILE} may only set 'message'; ignored: ${others.join(
        ', ',
      )}`,
    );
  }
  return 'message' in patch
    ? { patch: { message: patch.message }, warnings }
    : { warnings };
}

/**
 * Reads a status.yaml. Throws a `StatusFileError` when the file is refused;
 * an empty file (or one with only comments) changes nothing.
 */
export function parseStatusFile(
  content: string | Buffer,
  options: {
    maxBytes?: number;
    /** A Promise workflow's file: only `message` is kept, as upstream. */
    promise?: boolean;
  } = {},
): StatusFileResult {
  const maxBytes = options.maxBytes ?? DEFAULT_STATUS_MAX_BYTES;
  const size =
    typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxBytes) {
    throw new StatusFileError(
      'too-large',
      `${FILE} is ${size} bytes, more than the limit of ${maxBytes} bytes`,
    );
  }
  const value = parseMapping(content.toString());
  const warnings: string[] = [];
  if (value === undefined || value === null) return { warnings };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new StatusFileError(
      'not-a-mapping',
      `${FILE} must be a mapping of status keys, got ${
        Array.isArray(value) ? 'a list' : `a ${typeof value}`
      }`,
    );
  }
  const patch = value as Record<string, unknown>;
  if ('kratix' in patch) {
    throw new StatusFileError('kratix-key', KRATIX_KEY_REFUSED_MESSAGE);
  }
  if (options.promise) return onlyMessage(patch, warnings);
  if ('conditions' in patch) {
    patch.conditions = readConditions(patch.conditions, warnings);
  }
  return { patch, warnings };
}
