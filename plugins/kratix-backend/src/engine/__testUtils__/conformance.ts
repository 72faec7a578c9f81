// The conformance cases (../shared/conformance, conformance/ and those in
// KRATIX_CONFORMANCE_DIR) and their checks, for any engine: a test gives
// `conformanceTests` how to run one case (runEmbeddedCase: the engine's
// executeWorkflow, as the shared README asks; reconcile mode runs them on
// a cluster) and gets a test per case, reported by name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { executeWorkflow, WorkflowResult } from '../workflow';
import { Destination, KratixObject } from '../interfaces';
import { ParsedPromise } from '../promise';
import {
  fakeRunner,
  memoryStateStore,
  recordingSave,
  SHARED_DIR,
  testPromise,
  testResource,
} from './fakes';

export interface ConformanceCase {
  name: string;
  strategy?: 'deep' | 'shallow';
  /** The object the workflow runs for; `Resource` by default. */
  kind?: 'Resource' | 'Promise';
  /** The configured Destinations; none by default. */
  destinations?: Destination[];
  /** The engine's clock during the run (RFC 3339); the real one by default. */
  now?: string;
  status?: KratixStatus;
  pipelines: unknown[];
  expect: {
    outcome?: WorkflowResult['outcome'];
    status?: Record<string, unknown>;
    absent?: string[];
    absentConditions?: string[];
    logContains?: string;
    /** `<destination>:<path>` of every file written to the state store. */
    works?: string[];
  };
}

/** How one case's workflow ended, as the checks read it. */
export interface CaseRun {
  outcome: WorkflowResult['outcome'];
  status: KratixStatus | undefined;
  /** `<destination>:<path>` of the files written, sorted. */
  works: string[];
  /** The logs of the pipelines that failed or warned. */
  log: string;
}

export const STATUS_DIRS = [
  path.join(SHARED_DIR, 'conformance', 'status'),
  path.resolve(__dirname, '../../../conformance/status'),
  ...(process.env.KRATIX_CONFORMANCE_DIR
    ? [process.env.KRATIX_CONFORMANCE_DIR]
    : []),
];

export function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => path.join(dir, f));
}

export const readCases = (file: string): ConformanceCase[] =>
  parse(fs.readFileSync(file, 'utf8')).cases;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Plain data from one realm, so deep equality ignores where it came from. */
const asJson = (value: unknown) =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value));

/** Mismatches between `actual` and the subset `expected` (README rules). */
function subsetMismatches(
  actual: unknown,
  expected: unknown,
  at: string,
): string[] {
  if (isMap(expected)) {
    if (!isMap(actual))
      return [`${at}: expected a map, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      at === 'status' && key === 'conditions'
        ? conditionMismatches(
            actual.conditions,
            value as Array<Record<string, unknown>>,
          )
        : subsetMismatches(actual[key], value, `${at}.${key}`),
    );
  }
  // Whole lists, maps in them compared key by key in any order.
  return isDeepStrictEqual(asJson(actual), asJson(expected))
    ? []
    : [
        `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(
          actual,
        )}`,
      ];
}

function conditionMismatches(
  actual: unknown,
  expected: Array<Record<string, unknown>>,
): string[] {
  const list = Array.isArray(actual)
    ? (actual as Array<Record<string, unknown>>)
    : [];
  return expected.flatMap(condition => {
    const found = list.find(c => c.type === condition.type);
    const at = `status.conditions[type=${condition.type}]`;
    return found ? subsetMismatches(found, condition, at) : [`${at}: missing`];
  });
}

function hasPath(value: unknown, dotted: string): boolean {
  let current = value;
  for (const key of dotted.split('.')) {
    if (!isMap(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}

/** What the case expects that the run does not do. */
export function caseMismatches(c: ConformanceCase, run: CaseRun): string[] {
  const { status } = run;
  const { outcome, works } = c.expect;
  return [
    ...(outcome && outcome !== run.outcome
      ? [`outcome: expected ${outcome}, got ${run.outcome}`]
      : []),
    ...(works && JSON.stringify([...works].sort()) !== JSON.stringify(run.works)
      ? [
          `works: expected ${JSON.stringify(works)}, got ${JSON.stringify(
            run.works,
          )}`,
        ]
      : []),
    ...subsetMismatches(status, c.expect.status ?? {}, 'status'),
    ...(c.expect.absent ?? [])
      .filter(p => hasPath(status, p))
      .map(p => `status.${p}: expected absent`),
    ...(c.expect.absentConditions ?? [])
      .filter(t => status?.conditions?.some(cond => cond.type === t))
      .map(t => `status.conditions[type=${t}]: expected absent`),
    ...(c.expect.logContains !== undefined &&
    !run.log.includes(c.expect.logContains)
      ? [
          `log: expected to contain ${JSON.stringify(
            c.expect.logContains,
          )}, got ${JSON.stringify(run.log)}`,
        ]
      : []),
  ];
}

const onlyKey = (entry: unknown, key: string): entry is Record<string, any> =>
  isMap(entry) && Object.keys(entry).length === 1 && key in entry;
const asText = (value: unknown) =>
  typeof value === 'string' ? value : stringify(value);

/**
 * What pipeline `p<n>` does, from the case's entry: the files it writes
 * (paths under /kratix), then whether it fails.
 */
export function casePipeline(entry: unknown): {
  files: Record<string, string>;
  fail?: boolean;
} {
  if (entry === null || entry === undefined) return { files: {} };
  if (onlyKey(entry, 'fail') && entry.fail === true) {
    return { files: {}, fail: true };
  }
  if (onlyKey(entry, 'files') && isMap(entry.files)) {
    const files = Object.entries(entry.files).map(([f, v]) => [f, asText(v)]);
    return { files: Object.fromEntries(files) };
  }
  return { files: { 'metadata/status.yaml': asText(entry) } };
}

/** The pipelines' names, `p1`, `p2`, … */
export const pipelineNames = (c: ConformanceCase) =>
  c.pipelines.map((_, i) => `p${i + 1}`);

/** The workflow's type: the case's object's kind. */
export const caseWorkflowType = (c: ConformanceCase) =>
  c.kind === 'Promise' ? 'promise' : 'resource';

/** The object of a case, with the status it gives. */
export function caseObject(c: ConformanceCase): KratixObject {
  if (c.kind !== 'Promise') return testResource(c.status);
  return {
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'test', generation: 1 },
    spec: {},
    ...(c.status !== undefined && { status: c.status }),
  };
}

/** The case's Promise: its workflow of pipelines p1, p2, … */
export const casePromise = (c: ConformanceCase): ParsedPromise =>
  testPromise(pipelineNames(c), { type: caseWorkflowType(c) });

/** `<destination>:<path>` of each file written, sorted. */
export const worksOf = (
  writes: Array<{ destination: string; files: Array<{ path: string }> }>,
) => writes.flatMap(w => w.files.map(f => `${w.destination}:${f.path}`)).sort();

/** A case through the engine's executeWorkflow, pipelines only writing files. */
export async function runEmbeddedCase(c: ConformanceCase): Promise<CaseRun> {
  const names = pipelineNames(c);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-conformance-'));
  const runner = fakeRunner(
    Object.fromEntries(names.map((n, i) => [n, casePipeline(c.pipelines[i])])),
    workDir,
  );
  const logs = new Map<string, string>(names.map(n => [n, '']));
  const noted = new Set<string>();
  const type = caseWorkflowType(c);
  const stateStore = memoryStateStore();
  try {
    const result = await executeWorkflow({
      object: caseObject(c),
      promise: casePromise(c),
      workflow: { type, action: 'configure' },
      runner,
      stateStore,
      destinations: c.destinations ?? [],
      save: recordingSave().save,
      strategy: c.strategy,
      ...(c.now && { now: () => new Date(c.now!) }),
      onEvent: event => {
        if (event.type === 'pipeline-log') {
          logs.set(event.pipeline, logs.get(event.pipeline) + event.chunk);
        } else if (
          event.type === 'pipeline-failed' ||
          event.type === 'warning'
        ) {
          noted.add(event.pipeline);
        }
      },
    });
    return {
      outcome: result.outcome,
      status: result.object.status,
      works: worksOf(stateStore.writes),
      log: [...noted].map(n => logs.get(n)).join(''),
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** Every case file: the shared ones, the repo's, KRATIX_CONFORMANCE_DIR's. */
export const conformanceFiles = () => STATUS_DIRS.flatMap(yamlFiles);

/**
 * The tests of one case file for an engine: `run` runs a case; `check`
 * gives what the case expects that the run does not do, after
 * `alsoCheck` (if given) on the same run. Cases named in `notApplicable`
 * are left out.
 */
export function conformanceTests(
  file: string,
  run: (c: ConformanceCase) => Promise<CaseRun>,
  options: {
    alsoCheck?: (c: ConformanceCase, result: CaseRun) => Promise<void>;
    notApplicable?: Record<string, string>;
  } = {},
) {
  const all = readCases(file);
  return {
    /** Names given to more than one case. */
    duplicateNames: () =>
      all.map(c => c.name).filter((n, i, names) => names.indexOf(n) !== i),
    cases: all
      .filter(c => !options.notApplicable?.[c.name])
      .map(c => [c.name, c] as const),
    check: async (c: ConformanceCase) => {
      const result = await run(c);
      await options.alsoCheck?.(c, result);
      return caseMismatches(c, result);
    },
  };
}
