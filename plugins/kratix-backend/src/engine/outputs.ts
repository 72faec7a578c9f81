// A pipeline's outputs and where they go (spec section 7).
import path from 'node:path';
import * as yaml from 'yaml';
import { YAML_LIMITS, yamlToJson } from './yamlDocuments';

/** A refused output: the pipeline fails with this message. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** One entry of `metadata/destination-selectors.yaml`. */
export interface PipelineDestinationSelector {
  /** A top-level directory of `output/`; without it, the root group's (the Promise's take precedence). */
  directory?: string;
  matchLabels: Record<string, string>;
}

const SELECTORS_FILE = '/kratix/metadata/destination-selectors.yaml';

/** Refuses a relative path that is absolute or climbs out with `..`. */
export function assertInsideOutput(relative: string): void {
  const normalized = path.posix.normalize(relative.replace(/\\/g, '/'));
  if (
    path.posix.isAbsolute(normalized) ||
    normalized === '..' ||
    normalized.startsWith('../')
  ) {
    throw new OutputError(
      `the output path '${relative}' escapes /kratix/output`,
    );
  }
}

/** How much a pipeline may write to /kratix/output. */
export interface OutputLimits {
  /** All files together (`kratix.engine.outputMaxBytes`). */
  maxBytes: number;
  /** Files and directories. */
  maxEntries: number;
  /** Parts of the longest path. */
  maxDepth: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxEntries: 1000,
  maxDepth: 32,
};

/** Largest `destination-selectors.yaml` accepted, in bytes. */
export const SELECTORS_MAX_BYTES = 64 * 1024;

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(v => typeof v === 'string')
  );
}

/** Parses `destination-selectors.yaml`: a list of `{directory?, matchLabels}`. */
export function parseDestinationSelectors(
  text: string,
): PipelineDestinationSelector[] {
  // Depth-checked before composing: a pipeline's file is hostile.
  const docs = yamlToJson(yaml, text, YAML_LIMITS);
  if (docs.length > 1) {
    throw new OutputError(
      `${SELECTORS_FILE} holds ${docs.length} YAML documents; write one list`,
    );
  }
  const [doc] = docs;
  if (doc && 'error' in doc) {
    const is = doc.rule === 'max-depth' ? '' : 'is ';
    throw new OutputError(`${SELECTORS_FILE} ${is}${doc.error}`);
  }
  const value = doc ? JSON.parse(doc.json) ?? [] : [];
  if (!Array.isArray(value)) {
    throw new OutputError(
      `${SELECTORS_FILE} must be a list of {directory?, matchLabels}`,
    );
  }
  const seen = new Set<string>();
  return value.map((entry, i) => {
    const at = `${SELECTORS_FILE} entry ${i}`;
    if (
      !entry ||
      typeof entry !== 'object' ||
      !isStringMap(entry.matchLabels ?? {})
    ) {
      throw new OutputError(`${at} needs 'matchLabels', a map of strings`);
    }
    const { directory, matchLabels = {} } = entry;
    // As upstream: an entry must select something, once per directory.
    if (Object.keys(matchLabels).length === 0) {
      throw new OutputError(`${at} has no matchLabels`);
    }
    const parsed = parseDirectory(directory, at);
    if (seen.has(parsed ?? '.')) {
      throw new OutputError(
        `${at} repeats the directory ${JSON.stringify(parsed ?? '.')}`,
      );
    }
    seen.add(parsed ?? '.');
    return parsed === undefined
      ? { matchLabels }
      : { directory: parsed, matchLabels };
  });
}

/** A top-level directory of output/; undefined for the root ('', '.'). */
function parseDirectory(directory: unknown, at: string): string | undefined {
  if (directory === undefined) return undefined;
  if (typeof directory === 'string') {
    assertInsideOutput(directory);
    const clean = path.posix.normalize(directory).replace(/\/+$/, '');
    if (clean === '' || clean === '.') return undefined;
    if (!clean.includes('/')) return clean;
  }
  throw new OutputError(
    `${at} has directory ${JSON.stringify(
      directory,
    )}; it must name a top-level directory of /kratix/output`,
  );
}

/**
 * Where a Work lands in a nestedByMetadata Destination, as upstream:
 * `resources/<ns>/<promise>/<name>/<pipeline>/<id>` or
 * `dependencies/<promise>/<pipeline>/<id>`, `<id>` the first 5 characters
 * of the group id. Empty parts are left out: without a pipeline and a
 * group, the folder of all the object's Works.
 */
export function workloadPath(options: {
  type: 'resource' | 'promise';
  promise: string;
  name: string;
  namespace?: string;
  pipeline: string;
  groupId?: string;
}): string {
  const { promise, name, pipeline, groupId = '' } = options;
  const parts =
    options.type === 'resource'
      ? ['resources', options.namespace ?? 'default', promise, name]
      : ['dependencies', promise];
  return [...parts, pipeline, groupId.slice(0, 5)]
    .filter(p => p !== '')
    .join('/');
}
