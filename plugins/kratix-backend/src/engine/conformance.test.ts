// Runs the conformance cases through the real engine: the shared ones
// (../shared/conformance), the repo's own (conformance/, see its README)
// and those in KRATIX_CONFORMANCE_DIR.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { executeWorkflow, WorkflowResult } from './workflow';
import { Destination, KratixObject } from './interfaces';
import { parsePromise } from './promise';
import { validateResource } from './resourceValidation';
import {
  fakeRunner,
  FakePipeline,
  memoryStateStore,
  recordingSave,
  SHARED_DIR,
  testPromise,
  testResource,
} from './__testUtils__/fakes';

interface ConformanceCase {
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

const STATUS_DIRS = [
  path.join(SHARED_DIR, 'conformance', 'status'),
  path.resolve(__dirname, '../../conformance/status'),
  ...(process.env.KRATIX_CONFORMANCE_DIR
    ? [process.env.KRATIX_CONFORMANCE_DIR]
    : []),
];
const PROMISES_DIR = path.join(SHARED_DIR, 'conformance', 'promises');

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => path.join(dir, f));
}

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

const onlyKey = (entry: unknown, key: string): entry is Record<string, any> =>
  isMap(entry) && Object.keys(entry).length === 1 && key in entry;
const asText = (value: unknown) =>
  typeof value === 'string' ? value : stringify(value);

/** What pipeline `p<n>` does, from the case's entry. */
function fakePipeline(entry: unknown): FakePipeline {
  if (entry === null || entry === undefined) return {};
  if (onlyKey(entry, 'fail') && entry.fail === true) return { fail: true };
  if (onlyKey(entry, 'files') && isMap(entry.files)) {
    const files = Object.entries(entry.files).map(([f, v]) => [f, asText(v)]);
    return { files: Object.fromEntries(files) };
  }
  return { files: { 'metadata/status.yaml': asText(entry) } };
}

/** The object of a case, with the status it gives. */
function caseObject(c: ConformanceCase): KratixObject {
  if (c.kind !== 'Promise') return testResource(c.status);
  return {
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'test', generation: 1 },
    spec: {},
    ...(c.status !== undefined && { status: c.status }),
  };
}

async function runCase(c: ConformanceCase) {
  const names = c.pipelines.map((_, i) => `p${i + 1}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-conformance-'));
  const runner = fakeRunner(
    Object.fromEntries(names.map((n, i) => [n, fakePipeline(c.pipelines[i])])),
    workDir,
  );
  const logs = new Map<string, string>(names.map(n => [n, '']));
  const noted = new Set<string>();
  const type = c.kind === 'Promise' ? 'promise' : 'resource';
  const stateStore = memoryStateStore();
  try {
    const result = await executeWorkflow({
      object: caseObject(c),
      promise: testPromise(names, { type }),
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
    const works = stateStore.writes
      .flatMap(w => w.files.map(f => `${w.destination}:${f.path}`))
      .sort();
    return { result, works, log: [...noted].map(n => logs.get(n)).join('') };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

describe.each(STATUS_DIRS.flatMap(yamlFiles))(
  'conformance cases in %s',
  file => {
    const cases: ConformanceCase[] = parse(fs.readFileSync(file, 'utf8')).cases;

    it('has uniquely named cases', () => {
      expect(new Set(cases.map(c => c.name)).size).toBe(cases.length);
    });

    it.each(cases.map(c => [c.name, c] as const))('%s', async (_name, c) => {
      const { result, log, works } = await runCase(c);
      const status = result.object.status;
      const { outcome } = c.expect;
      const mismatches = [
        ...(outcome && outcome !== result.outcome
          ? [`outcome: expected ${outcome}, got ${result.outcome}`]
          : []),
        ...(c.expect.works &&
        JSON.stringify([...c.expect.works].sort()) !== JSON.stringify(works)
          ? [
              `works: expected ${JSON.stringify(
                c.expect.works,
              )}, got ${JSON.stringify(works)}`,
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
        !log.includes(c.expect.logContains)
          ? [
              `log: expected to contain ${JSON.stringify(
                c.expect.logContains,
              )}, got ${JSON.stringify(log)}`,
            ]
          : []),
      ];
      expect(mismatches).toEqual([]);
    });
  },
);

describe('conformance Promises', () => {
  const promiseFiles = yamlFiles(PROMISES_DIR).filter(f =>
    f.endsWith('-promise.yaml'),
  );

  it('finds the Promise files', () => {
    expect(promiseFiles.length).toBeGreaterThan(0);
  });

  it.each(promiseFiles.map(f => [path.basename(f), f]))(
    'parses %s and lists its workflows',
    (_name, file) => {
      const promise = parsePromise(fs.readFileSync(file, 'utf8'));
      const listed = Object.entries(promise.workflows).flatMap(
        ([type, actions]) =>
          Object.entries(actions).flatMap(([action, pipelines]) =>
            pipelines.map(
              p =>
                `${type}.${action}: ${p.name} (${p.containers
                  .map(c => c.image)
                  .join(', ')})`,
            ),
          ),
      );
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.join('\n')).toMatch(
        /^resource\.configure: instance-configure \(\S+\)/,
      );
      expect(promise.api?.version).toMatch(/^v1/);
    },
  );

  const requests = yamlFiles(PROMISES_DIR).filter(f =>
    f.endsWith('-resource-request.yaml'),
  );
  it.each(requests.map(f => [path.basename(f), f]))(
    'validates %s against its Promise',
    (_name, file) => {
      const promise = parsePromise(
        fs.readFileSync(
          file.replace(/-resource-request\.yaml$/, '-promise.yaml'),
          'utf8',
        ),
      );
      const request = parse(fs.readFileSync(file, 'utf8'));
      expect(validateResource(promise, request)).toEqual(
        expect.objectContaining(request.spec),
      );
    },
  );
});
