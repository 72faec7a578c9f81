// Reconcile mode's cost per pipeline, beside the embedded engine's, in the
// same run: the same Promise (a configure workflow of 2 pipelines, each of
// 2 no-op containers) and the same Resources, one at a time, alternately
// (a) to the embedded engine with the process runner and (b) to the real
// kube-apiserver started here, reconciled by reconcile mode, its Pods run
// by the node agent with the same process runner. Both runners' containers
// are timed by the same spawner (containerClock.ts): overhead is the wall
// time from the create to ConfigureWorkflowCompleted minus the time the
// pipelines' own containers ran. API calls are counted at the API server
// (its /metrics) and per client (engine, node agent, this bench).
// KRATIX_BENCH_RECONCILE_RESOURCES sets the count (default 10, ~1 min);
// KRATIX_BENCH_TIMELINE=1 prints the last Resource's calls and containers;
// KRATIX_BENCH_FRESH_CONNECTIONS=1 runs the engine without kept connections.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { readKratixConfig } from '../src/config';
import { readKubernetesConfig } from '../src/kubernetes/clusterConfig';
import { DatabaseKratixStore } from '../src/database/DatabaseKratixStore';
import { ObjectKey, StoredObject } from '../src/database/ObjectStore';
import { Reconciler } from '../src/reconciler/Reconciler';
import { StatusPublisher } from '../src/reconciler/StatusPublisher';
import { ProcessPipelineRunner } from '../src/runner/ProcessPipelineRunner';
import { KratixService } from '../src/service/KratixService';
import { stateStoreFromConfig } from '../src/stateStore/stateStoreFromConfig';
import { isConfigured } from '../src/__testUtils__/scriptPromise';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from '../src/kubernetes/__testUtils__/kubeTestCluster';
import {
  NodeAgent,
  startNodeAgent,
} from '../src/kubernetes/__testUtils__/nodeAgent';
import { retry } from '../src/kubernetes/__testUtils__/promiseFixture';
import { createReconcileEngine } from '../src/kubernetes/reconcile/reconcileEngine';
import {
  CallCounts,
  CountingClient,
  countsSince,
  describeCounts,
  scrapeRequestCounts,
  totalOf,
} from './apiCalls';
import { stopClusterOnSignal } from './kubernetes';
import { ContainerClock, PIPELINE_CONTAINER_MARK } from './containerClock';
import { ms, quantile, report } from './report';

const RESOURCES = Number(process.env.KRATIX_BENCH_RECONCILE_RESOURCES ?? 10);
/** The engine's requests each on a new connection, as client-node alone makes them. */
const FRESH_CONNECTIONS = !!process.env.KRATIX_BENCH_FRESH_CONNECTIONS;
const WARMUP = 2;
const PIPELINES = 2;
const TARGET_MS = 1000;
/**
 * API calls per pipeline at the API server: engine 13 (Resource reads and
 * status writes, Pod create and watch, 3 log reads), node 3, creates 0.5.
 */
const TARGET_CALLS = 17;
const NAMESPACE = 'default';
const API = { group: 'bench.kratix.io', version: 'v1', plural: 'noops' };

/** Every API call of reconcile mode's clients, as sent (KRATIX_BENCH_TIMELINE). */
const calls: Array<{ at: number; call: string }> = [];

/** One reconcile round's API calls and containers, in ms from its start. */
function printTimeline(clock: ContainerClock, start: number, end: number) {
  const events = [
    ...calls.filter(c => c.at >= start && c.at <= end),
    ...clock.between(start, end).flatMap(s => [
      { at: s.start, call: `container start${s.pipeline ? '' : ' (helper)'}` },
      { at: s.end, call: 'container end' },
    ]),
    { at: end, call: 'ConfigureWorkflowCompleted seen' },
  ].sort((a, b) => a.at - b.at);
  for (const e of events) {
    console.log(`    ${(e.at - start).toFixed(1).padStart(7)} ms  ${e.call}`);
  }
}

/** A KubeConfig of the cluster as the plugin makes it from its config. */
function asConfigured(cluster: KubeTestCluster): KubeConfig {
  const config = readKubernetesConfig(
    new ConfigReader({
      kubernetes: {
        mode: 'reconcile',
        clusters: [{ name: 'bench', kubeconfig: cluster.kubeconfig }],
      },
    }),
  );
  return config!.clusters[0].kubeConfig;
}

/** What to stop at the end, in reverse order. */
const stops: Array<() => Promise<unknown>> = [];

const quiet: LoggerService = {
  error: m => console.error(m),
  warn() {},
  info() {},
  debug() {},
  child() {
    return quiet;
  },
};

const noopContainer = (name: string) => ({
  name,
  image: 'noop:bench',
  command: ['true', PIPELINE_CONTAINER_MARK],
});

/** The Promise both engines run: PIPELINES pipelines of 2 no-op containers. */
const NOOP_PROMISE = {
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'noop' },
  spec: {
    api: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${API.plural}.${API.group}` },
      spec: {
        group: API.group,
        names: { kind: 'Noop', plural: API.plural, singular: 'noop' },
        scope: 'Namespaced',
        versions: [
          {
            name: API.version,
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    'x-kubernetes-preserve-unknown-fields': true,
                  },
                },
              },
            },
          },
        ],
      },
    },
    workflows: {
      resource: {
        configure: Array.from({ length: PIPELINES }, (_, i) => ({
          apiVersion: 'platform.kratix.io/v1alpha1',
          kind: 'Pipeline',
          metadata: { name: `noop-${i}` },
          spec: {
            containers: [noopContainer('first'), noopContainer('second')],
          },
        })),
      },
    },
  },
};

/** performance.now() when a Resource's configure workflow has completed. */
class Completions {
  private readonly waiting = new Map<string, (at: number) => void>();

  readonly onChange = (key: ObjectKey, stored?: StoredObject) => {
    if (key.kind !== 'Resource' || !stored) return;
    if (isConfigured(stored.object)) {
      this.waiting.get(key.name)?.(performance.now());
    }
  };

  next(name: string, timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(name);
        reject(new Error(`${name}: not configured in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(name, at => {
        clearTimeout(timer);
        this.waiting.delete(name);
        resolve(at);
      });
    });
  }
}

/** One Resource's run, in ms. */
interface Round {
  start: number;
  wall: number;
  /** Time the pipelines' own containers ran. */
  containers: number;
  /** Time a Pod's reader and collector ran (reconcile mode only). */
  helpers: number;
  /** Per pipeline Pod: its create sent -> its first container started. */
  podToContainer: number[];
}

/** One engine under test: creates a Resource, and how that went. */
interface Mode {
  clock: ContainerClock;
  completions: Completions;
  create(name: string): Promise<unknown>;
  /** performance.now() of each Pod create sent (reconcile mode only). */
  podCreates: number[];
}

async function runRound(mode: Mode, name: string): Promise<Round> {
  const done = mode.completions.next(name);
  const start = performance.now();
  await mode.create(name);
  const end = await done;
  const spans = mode.clock.between(start, end);
  const ran = (pipeline: boolean) =>
    spans
      .filter(s => s.pipeline === pipeline)
      .reduce((sum, s) => sum + (s.end - s.start), 0);
  const containers = ran(true);
  const podToContainer = mode.podCreates
    .filter(at => at >= start && at < end)
    .flatMap(at => {
      const first = spans.find(s => s.start >= at);
      return first ? [first.start - at] : [];
    });
  return {
    start,
    wall: end - start,
    containers,
    helpers: ran(false),
    podToContainer,
  };
}

async function sqliteStore(dir: string, file: string) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, file) },
    useNullAsDefault: true,
  });
  const store = await DatabaseKratixStore.create({
    getClient: async () => knex,
  });
  return { knex, store };
}

/** The plugin's defaults, on folders of `dir`. */
function benchConfig(dir: string, name: string) {
  return {
    ...readKratixConfig(
      new ConfigReader({
        kratix: { stateStore: { path: path.join(dir, `${name}-state`) } },
      }),
    ),
    workDir: path.join(dir, `${name}-work`),
  };
}

async function runnerDir(dir: string, name: string): Promise<string> {
  const runs = path.join(dir, name);
  await fs.mkdir(runs);
  await fs.chmod(runs, 0o711); // the sandbox's user reaches its runs
  return runs;
}

async function startEmbedded(dir: string, knexes: Knex[]): Promise<Mode> {
  const { knex, store } = await sqliteStore(dir, 'embedded.sqlite');
  knexes.push(knex);
  const clock = new ContainerClock();
  const completions = new Completions();
  store.onChange(change => completions.onChange(change.key, change.stored));
  const config = benchConfig(dir, 'embedded');
  const runner = new ProcessPipelineRunner({
    workDir: await runnerDir(dir, 'embedded-runs'),
    spawner: clock,
  });
  stops.push(() => runner.close());
  const reconciler = new Reconciler({
    store,
    runner,
    stateStore: stateStoreFromConfig(config, quiet),
    logger: quiet,
    config,
  });
  const service = new KratixService({
    store,
    wake: () => reconciler.wake(),
  });
  await service.applyPromise(NOOP_PROMISE);
  reconciler.start();
  stops.push(() => reconciler.stop());
  return {
    clock,
    completions,
    podCreates: [],
    create: name =>
      service.applyResource('noop', NAMESPACE, name, { spec: {} }),
  };
}

interface Clients {
  engine: CountingClient;
  node: CountingClient;
  bench: CountingClient;
}

async function startReconcile(
  cluster: KubeTestCluster,
  dir: string,
  knexes: Knex[],
  clients: Clients,
): Promise<Mode & { agent: NodeAgent }> {
  const clock = new ContainerClock();
  // Kept connections, as a kubelet's.
  const agent = await startNodeAgent(
    { ...cluster, kubeConfig: clients.node.wrap(asConfigured(cluster)) },
    { images: {}, workDir: await runnerDir(dir, 'node-runs'), spawner: clock },
  );
  stops.push(() => agent.stop());
  const { knex, store } = await sqliteStore(dir, 'reconcile.sqlite');
  knexes.push(knex);
  const completions = new Completions();
  const podCreates: number[] = [];
  clients.engine.onCall = (call, at) => {
    if (call === 'POST pods') podCreates.push(at);
    calls.push({ at, call: `engine ${call}` });
  };
  clients.node.onCall = (call, at) => calls.push({ at, call: `node ${call}` });
  clients.bench.onCall = (call, at) =>
    calls.push({ at, call: `bench ${call}` });
  const engine = await createReconcileEngine({
    cluster: {
      name: 'bench',
      kubeConfig: clients.engine.wrap(
        FRESH_CONNECTIONS ? cluster.kubeConfig : asConfigured(cluster),
      ),
    },
    config: benchConfig(dir, 'reconcile'),
    database: { store },
    logger: quiet,
    publisher: { publish: completions.onChange } as unknown as StatusPublisher,
  });
  await engine.start();
  stops.push(() => engine.stop());
  await cluster.objects.create(NOOP_PROMISE as any);
  const custom = clients.bench
    .wrap(asConfigured(cluster))
    .makeApiClient(CustomObjectsApi);
  const body = (name: string) => ({
    apiVersion: `${API.group}/${API.version}`,
    kind: 'Noop',
    metadata: { name, namespace: NAMESPACE },
    spec: {},
  });
  return {
    agent,
    clock,
    completions,
    podCreates,
    create: name =>
      custom.createNamespacedCustomObject({
        ...API,
        namespace: NAMESPACE,
        body: body(name),
      }),
  };
}

const p50 = (values: number[]) => quantile(values, 0.5);
const perPipeline = (rounds: Round[], f: (r: Round) => number) =>
  rounds.map(r => f(r) / PIPELINES);
const loadAverage = () => os.loadavg()[0].toFixed(1);

export async function runReconcileModeBench(): Promise<void> {
  let cluster: KubeTestCluster | undefined;
  const offSignals = stopClusterOnSignal(() => cluster);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-pods-bench-'));
  await fs.chmod(dir, 0o711);
  const knexes: Knex[] = [];
  try {
    console.log(
      `Reconcile mode: pipelines as Pods (a real kube-apiserver, the node agent) beside the embedded engine, same run, ${RESOURCES} Resources each x ${PIPELINES} pipelines of 2 no-op containers${
        FRESH_CONNECTIONS ? ', the engine without kept connections' : ''
      } (load average ${loadAverage()})`,
    );
    cluster = await startKubeTestCluster();
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({
      body: { metadata: { name: 'kratix-platform-system' } },
    });
    const clients: Clients = {
      engine: new CountingClient(),
      node: new CountingClient(),
      bench: new CountingClient(),
    };
    const embedded = await startEmbedded(dir, knexes);
    const reconcile = await startReconcile(cluster, dir, knexes, clients);
    // The first Resource waits for the CRD to be served.
    await retry(() => reconcile.create('warmup'));
    await reconcile.completions.next('warmup', 60_000);

    const rounds = { embedded: [] as Round[], reconcile: [] as Round[] };
    let before: CallCounts | undefined;
    for (let i = -WARMUP; i < RESOURCES; i++) {
      if (i === 0) {
        await new Promise(r => setTimeout(r, 500)); // watches closed
        before = await scrapeRequestCounts(cluster);
        Object.values(clients).forEach(c => (c.counting = true));
      }
      // Alternately, so load from other processes hits both alike.
      const e = await runRound(embedded, `r${i + WARMUP}`);
      const r = await runRound(reconcile, `r${i + WARMUP}`);
      if (process.env.KRATIX_BENCH_TIMELINE && i === RESOURCES - 1) {
        console.log('  timeline of the last reconcile mode Resource:');
        printTimeline(reconcile.clock, r.start, r.start + r.wall);
      }
      if (i >= 0) {
        rounds.embedded.push(e);
        rounds.reconcile.push(r);
      }
    }
    await new Promise(r => setTimeout(r, 500)); // the last Pod's watch closed
    Object.values(clients).forEach(c => (c.counting = false));
    const atServer = countsSince(await scrapeRequestCounts(cluster), before!);

    const wall = {
      embedded: p50(perPipeline(rounds.embedded, r => r.wall)),
      reconcile: p50(perPipeline(rounds.reconcile, r => r.wall)),
    };
    const overheadOf = (list: Round[]) =>
      perPipeline(list, r => r.wall - r.containers);
    const overhead = {
      embedded: overheadOf(rounds.embedded),
      reconcile: overheadOf(rounds.reconcile),
    };
    const containers = p50(perPipeline(rounds.embedded, r => r.containers));
    report(
      'wall time per pipeline p50, embedded',
      ms(wall.embedded),
      '',
      `its 2 containers ran ${ms(
        containers,
      )} (spawn to close); create -> ConfigureWorkflowCompleted / ${PIPELINES}`,
    );
    report(
      'wall time per pipeline p50, reconcile mode',
      ms(wall.reconcile),
      '',
      `its 2 containers ran ${ms(
        p50(perPipeline(rounds.reconcile, r => r.containers)),
      )}, the Pod's reader and collector ${ms(
        p50(perPipeline(rounds.reconcile, r => r.helpers)),
      )}`,
    );
    report(
      'engine overhead per pipeline p50, embedded',
      ms(p50(overhead.embedded)),
      '',
      `p90 ${ms(quantile(overhead.embedded, 0.9))}`,
    );
    const reconcileOverhead = p50(overhead.reconcile);
    report(
      'engine overhead per pipeline p50, reconcile',
      ms(reconcileOverhead),
      `< ${TARGET_MS / 1000} s: ${
        reconcileOverhead < TARGET_MS ? 'met' : 'NOT met'
      }`,
      `p90 ${ms(quantile(overhead.reconcile, 0.9))}; ${(
        reconcileOverhead / p50(overhead.embedded)
      ).toFixed(1)}x embedded`,
    );
    const podStarts = rounds.reconcile.flatMap(r => r.podToContainer);
    report(
      'Pod created -> its first container p50',
      ms(p50(podStarts)),
      '',
      `max ${ms(Math.max(...podStarts))} over ${
        podStarts.length
      } Pods; upstream sleeps 1.1 s after creating each pipeline's Job`,
    );

    const pipelines = RESOURCES * PIPELINES;
    const engineCalls = totalOf(clients.engine.counts) / pipelines;
    const nodeCalls = totalOf(clients.node.counts) / pipelines;
    const benchCalls = totalOf(clients.bench.counts) / pipelines;
    const serverCalls = totalOf(atServer) / pipelines;
    report(
      'API calls per pipeline, at the kube-apiserver',
      serverCalls.toFixed(1),
      `<= ${TARGET_CALLS}: ${serverCalls <= TARGET_CALLS ? 'met' : 'NOT met'}`,
      `clients counted: engine ${engineCalls.toFixed(
        1,
      )} + node agent ${nodeCalls.toFixed(
        1,
      )} + bench creates ${benchCalls.toFixed(1)}`,
    );
    console.log(
      `    at the API server (v1.20 counts a custom object's GET as LIST): ${describeCounts(
        atServer,
        pipelines,
      )}`,
    );
    console.log(
      `    the engine's: ${describeCounts(clients.engine.counts, pipelines)}`,
    );
    console.log(
      `    the node agent's: ${describeCounts(clients.node.counts, pipelines)}`,
    );
    report(
      'load average at the end',
      loadAverage(),
      '',
      `node agent started ${reconcile.agent.started.length} Pods`,
    );
  } finally {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch(e => console.error(e));
    }
    await Promise.all(knexes.map(k => k.destroy()));
    cluster?.stop();
    await fs.rm(dir, { recursive: true, force: true });
    offSignals();
  }
}
