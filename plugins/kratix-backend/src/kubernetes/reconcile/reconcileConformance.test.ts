// The conformance cases through reconcile mode, on a real kube-apiserver
// (only the node is played): each case's pipelines run as Pods that write
// its files, on a Promise and an object of its own (namespace case-<n>).
// Each must meet the case's expectations, and its final status, outcome
// and Works must be the embedded engine's for the same case, field for
// field. One cluster, node agent and engine for all, cases run serially.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ObjectKey } from '../../database/ObjectStore';
import { ENGINE_LOG_CONTAINER } from '../../engine/workflow';
import { memoryStateStore } from '../../engine/__testUtils__/fakes';
import {
  CaseRun,
  ConformanceCase,
  casePipeline,
  caseWorkflowType,
  conformanceFiles,
  conformanceTests,
  pipelineNames,
  readCases,
  runEmbeddedCase,
  worksOf,
} from '../../engine/__testUtils__/conformance';
import { promiseKey, resourceKey } from '../../reconciler/keys';
import { SUSPENDED_RUN_MESSAGE } from '../../reconciler/Reconciler';
import { eventually } from '../../__testUtils__/startKratix';
import {
  PROMISES,
  ReconcileEngine,
  apiPromiseYaml,
  manualGate,
  reconcileFixture,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(120_000);

const PROMISE_CRD_REQUIRES =
  "upstream's Promise CRD refuses the case's status before the workflow: it requires workflows, workflowsSucceeded, workflowsFailed and a condition's lastTransitionTime";
/** Cases that cannot apply to a cluster, with the reason (see README). */
const NOT_APPLICABLE: Record<string, string> = {
  'a Promise status.yaml without message changes nothing': PROMISE_CRD_REQUIRES,
  'a Promise whose requirements are not fulfilled stays Unavailable':
    PROMISE_CRD_REQUIRES,
};

const f = reconcileFixture({ name: 'conformance', platformNamespace: true });
/** A follower while a case's objects are set up. */
const gate = manualGate();
const stateStore = memoryStateStore();
let engine: ReconcileEngine;
let cases = 0;
let started: number;

beforeAll(async () => {
  engine = await f.startEngine({
    leadership: gate,
    stateStore,
    sweepMs: 100,
    kratix: { engine: { reconcileInterval: '1h' } },
  });
  gate.set(true);
  started = Date.now();
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`${cases} cases in ${(Date.now() - started) / 1000}s`);
});

const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The shell script of pipeline `entry`: writes its files, or fails. */
function script(entry: unknown): string {
  const { files, fail } = casePipeline(entry);
  const lines = Object.entries(files).map(([file, content]) => {
    const target = quoted(`/kratix/${file}`);
    const base64 = Buffer.from(content).toString('base64');
    return `mkdir -p "$(dirname ${target})" && printf %s ${base64} | base64 -d > ${target}`;
  });
  return [...lines, fail ? 'exit 1' : 'exit 0'].join('\n');
}

/** The case's Promise on the cluster: its API, its workflow of Pods. */
function promiseYaml(c: ConformanceCase, n: number): string {
  const pipelines = pipelineNames(c).map((name, i) => ({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Pipeline',
    metadata: { name },
    spec: {
      containers: [
        {
          name: `${name}-c`,
          image: 'test',
          command: ['sh', '-c', script(c.pipelines[i])],
        },
      ],
    },
  }));
  const workflows = stringify({
    [caseWorkflowType(c)]: { configure: pipelines },
  }).replace(/^/gm, '    ');
  return apiPromiseYaml(
    { name: `case-${n}`, kind: `Case${n}`, plural: `case${n}s` },
    workflows,
  );
}

/** The case's Resource: generation 2 (as the embedded one), its status. */
async function createResource(c: ConformanceCase, n: number) {
  const where = {
    group: 'test.kratix.io',
    version: 'v1',
    plural: `case${n}s`,
    namespace: `case-${n}`,
    name: 'my-thing',
  };
  await f.applyWhenReady(
    stringify({
      apiVersion: 'test.kratix.io/v1',
      kind: `Case${n}`,
      metadata: { name: where.name, namespace: where.namespace },
      spec: { size: 0 },
    }),
  );
  await f.custom.patchNamespacedCustomObject(
    { ...where, body: { spec: { size: 1 } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  if (c.status !== undefined) {
    const current = await f.custom.getNamespacedCustomObject(where);
    await f.custom.replaceNamespacedCustomObjectStatus({
      ...where,
      body: { ...current, status: c.status },
    });
  }
  return () => f.custom.getNamespacedCustomObject(where) as Promise<any>;
}

async function setPromiseStatus(c: ConformanceCase, name: string) {
  const current = await f.read(PROMISES, name);
  await f.custom.replaceClusterCustomObjectStatus({
    ...PROMISES,
    name,
    body: { ...current, status: c.status },
  });
}

/** A run's outcome: a run that did not succeed is Failed, its message says why. */
function outcomeOf(run: {
  phase: string;
  message?: string;
}): CaseRun['outcome'] {
  if (run.message === SUSPENDED_RUN_MESSAGE) return 'suspended';
  if (run.phase === 'Succeeded') return 'succeeded';
  return run.message === 'Cancelled' ? 'cancelled' : 'failed';
}

/** The object's first workflow run, once finished, with its logs. */
async function finishedRun(key: ObjectKey) {
  const run = await eventually(async () => {
    const runs = await engine.database.listWorkflowRuns(key);
    const first = runs[runs.length - 1];
    return first && first.phase !== 'Running' && first.phase !== 'Pending'
      ? first
      : undefined;
  }, 90_000);
  const logs = await engine.database.getLogs(run.id);
  // Those of the pipelines that failed or warned, as the embedded run's.
  const noted = new Set([
    ...run.pipelines.filter(p => p.phase === 'Failed').map(p => p.name),
    ...logs
      .filter(
        l => l.container === ENGINE_LOG_CONTAINER && /warning: /.test(l.log),
      )
      .map(l => l.pipeline),
  ]);
  return {
    outcome: outcomeOf(run),
    log: logs
      .filter(l => noted.has(l.pipeline))
      .map(l => l.log)
      .join(''),
  };
}

/** The case's clock, frozen while its workflow runs (none: the real one). */
function useClock(now: string | undefined) {
  if (!now) return;
  jest.useFakeTimers({
    now: new Date(now),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** Sets the case's objects up (a follower meanwhile), runs it, cleans up. */
async function runOnCluster(c: ConformanceCase): Promise<CaseRun> {
  const n = ++cases;
  const name = `case-${n}`;
  const resource = caseWorkflowType(c) === 'resource';
  await f.cluster.apply(
    `{ apiVersion: v1, kind: Namespace, metadata: { name: ${name} } }`,
  );
  try {
    let read = () => f.read(PROMISES, name);
    if (resource) {
      // Its Promise available first, as a Resource waits for it.
      await f.cluster.apply(promiseYaml(c, n));
      await f.promiseAvailable(name);
      gate.set(false);
      read = await createResource(c, n);
    } else {
      gate.set(false);
      await f.cluster.apply(promiseYaml(c, n));
      if (c.status !== undefined) await setPromiseStatus(c, name);
    }
    engine.config.destinations = c.destinations ?? [];
    engine.config.strategy = c.strategy ?? 'deep';
    stateStore.writes.splice(0);
    useClock(c.now);
    gate.set(true);
    const { outcome, log } = await finishedRun(
      resource ? resourceKey(name, name, 'my-thing') : promiseKey(name),
    );
    const object = await read();
    return {
      outcome,
      status: object.status,
      works: worksOf(stateStore.writes),
      log,
    };
  } finally {
    jest.useRealTimers();
    gate.set(true);
    // Its Promise goes, and its Resource with it.
    await f.custom.deleteClusterCustomObject({ ...PROMISES, name });
    await f.untilGone(() => f.read(PROMISES, name), 30_000);
  }
}

/** Times differ between two runs without the case's clock. */
const untimed = (c: ConformanceCase, run: CaseRun) =>
  c.now
    ? run
    : JSON.parse(
        JSON.stringify(run).replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, '"<time>"'),
      );

/**
 * A Promise's status as upstream's Promise CRD keeps it: it requires the
 * workflow counters (the object store writes 0 for those unset) and has no
 * lastSuccessfulConfigureWorkflowTime (upstream writes it on Resources
 * only): the API server prunes it.
 */
function asPromiseCrdKeeps(status: CaseRun['status']): CaseRun['status'] {
  const {
    lastSuccessfulConfigureWorkflowTime: _t,
    kratix,
    ...rest
  } = (status ?? {}) as Record<string, any>;
  const { lastSuccessfulConfigureWorkflowTime: _k, ...workflows } =
    kratix?.workflows ?? {};
  return {
    workflows: 0,
    workflowsSucceeded: 0,
    workflowsFailed: 0,
    ...rest,
    ...(kratix && { kratix: { ...kratix, workflows } }),
  };
}

/** The embedded engine's run of the case, for comparison. */
async function asEmbedded(c: ConformanceCase, onCluster: CaseRun) {
  const run = await runEmbeddedCase(c);
  const embedded =
    c.kind === 'Promise'
      ? { ...run, status: asPromiseCrdKeeps(run.status) }
      : run;
  const { log: _a, ...cluster } = untimed(c, onCluster);
  const { log: _b, ...expected } = untimed(c, embedded);
  expect(cluster).toEqual(expected);
}

describe.each(conformanceFiles())('conformance cases in %s', file => {
  const tests = conformanceTests(file, runOnCluster, {
    alsoCheck: asEmbedded,
    notApplicable: NOT_APPLICABLE,
  });
  it('has uniquely named cases', () => {
    expect(tests.duplicateNames()).toEqual([]);
  });
  it.each(tests.cases)('%s', async (_name, c) => {
    expect(await tests.check(c)).toEqual([]);
  });
});

it('lists only cases that exist as not applicable', () => {
  const names = conformanceFiles().flatMap(file =>
    readCases(file).map(c => c.name),
  );
  expect(Object.keys(NOT_APPLICABLE).filter(n => !names.includes(n))).toEqual(
    [],
  );
});
