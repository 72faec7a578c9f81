// A pipeline's outputs and where they go (spec section 7).
import path from 'node:path';
import * as yaml from 'yaml';
import { YAML_LIMITS, yamlToJson } from './yamlDocuments';
import { Destination, OutputFile } from './interfaces';
import { DestinationSelector } from './promise';

/** A refused output: the pipeline fails with this message. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** One entry of `metadata/destination-selectors.yaml`. */
export interface PipelineDestinationSelector {
  /** A top-level directory of `output/`; without it, the entry adds to the Promise's selectors. */
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
    if (directory === undefined) return { matchLabels };
    if (typeof directory === 'string') assertInsideOutput(directory);
    if (
      typeof directory !== 'string' ||
      directory === '' ||
      directory.replace(/\/+$/, '').includes('/')
    ) {
      throw new OutputError(
        `${at} has directory ${JSON.stringify(
          directory,
        )}; it must name a top-level directory of /kratix/output`,
      );
    }
    return { directory: directory.replace(/\/+$/, ''), matchLabels };
  });
}

function matches(
  destination: Destination,
  labels: Record<string, string>,
): boolean {
  return Object.entries(labels).every(([k, v]) => destination.labels[k] === v);
}

/**
 * Routes files to Destinations: files under a listed top-level directory go
 * to the Destinations matching that directory's labels; the rest to those
 * matching the Promise's selectors plus the entries without a directory
 * (every Destination when there are none). Returns every Destination's
 * files (possibly none) and the paths no Destination took.
 */
export function routeOutputs(options: {
  files: OutputFile[];
  selectors: PipelineDestinationSelector[];
  promiseSelectors: DestinationSelector[];
  destinations: Destination[];
}): { byDestination: Map<string, OutputFile[]>; unplaced: string[] } {
  const { files, selectors, destinations } = options;
  const defaultLabels = Object.assign(
    {},
    ...options.promiseSelectors.map(s => s.matchLabels),
    ...selectors.filter(s => s.directory === undefined).map(s => s.matchLabels),
  );
  const byDestination = new Map(
    destinations.map(d => [d.name, [] as OutputFile[]]),
  );
  const unplaced: string[] = [];
  for (const file of files) {
    const top = file.path.split('/')[0];
    const scoped = selectors.filter(
      s => s.directory === top && file.path.includes('/'),
    );
    const targets = destinations.filter(d =>
      scoped.length > 0
        ? scoped.some(s => matches(d, s.matchLabels))
        : matches(d, defaultLabels),
    );
    if (targets.length === 0) unplaced.push(file.path);
    for (const d of targets) byDestination.get(d.name)!.push(file);
  }
  return { byDestination, unplaced };
}

/** Where an object's pipeline writes in each Destination. */
export function workloadPath(options: {
  type: 'resource' | 'promise';
  promise: string;
  name: string;
  namespace?: string;
  pipeline: string;
}): string {
  const { promise, name, pipeline } = options;
  return options.type === 'resource'
    ? `resources/${
        options.namespace ?? 'default'
      }/${promise}/${name}/${pipeline}`
    : `promises/${promise}/${pipeline}`;
}
