// Kubernetes observe mode against a real kube-apiserver started here (and
// stopped at the end, whatever happens): GET latency of a Resource served
// from the watch cache with 10,000 Resources on the cluster, status patch
// -> signal latency, and the cache's heap per 10,000 Resources. The GET
// clients run in a child process (loadgen.ts). Targets are printed next to
// each figure, not asserted.
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  LoggerService,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { KubeConfig } from '@kubernetes/client-node';
import { resourceSignalChannel } from '@kratix-backstage/plugin-kratix-common';
import { createKratixBackend } from '../src/__testUtils__/kratixBackend';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from '../src/kubernetes/__testUtils__/kubeTestCluster';
import { retry } from '../src/kubernetes/__testUtils__/promiseFixture';
import { ClusterCache } from '../src/kubernetes/ClusterCache';
import { ClusterKratixService } from '../src/kubernetes/ClusterKratixService';
import {
  NAMESPACE,
  THING,
  fillCluster,
  patchStatus,
  pooledCustomObjects,
  thing,
} from './kubernetesCluster';
import { median } from './runner';
import type { ClientJob, LoadResult } from './loadgen';
import { freePort, ms, quantile, report } from './report';

const TOKEN = 'kratix-bench-token';
const CLUSTER = 'bench';
const RESOURCES = Number(process.env.KRATIX_BENCH_K8S_RESOURCES ?? 10_000);
/** Concurrent creates while filling the cluster. */
const CREATORS = 16;
const CLIENTS = 50;
const GETS = 5_000;
/** Rounds of GET /health and GET Resource, interleaved. */
const ROUNDS = 3;
const PATCHES = 100;
const PUTS = 30;
/** Backstage's Kubernetes plugin refreshes its objects this often. */
const BACKSTAGE_K8S_POLL_MS = 10_000;

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
const loadAverage = () => os.loadavg()[0].toFixed(1);
const sleep = (t: number) => new Promise(r => setTimeout(r, t));

/**
 * Heap used after full collections: `global.gc` when node runs with
 * --expose-gc; otherwise the flag is set now and `gc` taken from a new
 * context, where V8 installs it once the flag is on.
 */
function gcHeapUsed(): number {
  if (!global.gc) {
    v8.setFlagsFromString('--expose-gc');
    global.gc = vm.runInNewContext('gc');
  }
  global.gc!();
  global.gc!();
  return process.memoryUsage().heapUsed;
}

/** Runs `work` without the log lines that contain `text`. */
async function withoutLogLines<T>(text: string, work: () => Promise<T>) {
  const streams = [process.stdout, process.stderr];
  const writes = streams.map(stream => stream.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      String(chunk).includes(text) ||
      (writes[i] as Function).call(stream, chunk, ...rest)) as any;
  });
  try {
    return await work();
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]));
  }
}

/** The plugin's signals, timed as they are published. */
class SignalClock {
  published = 0;
  private readonly waiting = new Map<string, (at: number) => void>();

  readonly publish = async ({ channel }: { channel: string }) => {
    const at = performance.now();
    this.published++;
    this.waiting.get(channel)?.(at);
  };

  /** performance.now() of the next signal on one of `channels`. */
  next(channels: string[], timeoutMs = 5_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        channels.forEach(c => this.waiting.delete(c));
        reject(new Error(`no signal on ${channels} in ${timeoutMs} ms`));
      }, timeoutMs);
      for (const c of channels) {
        this.waiting.set(c, at => {
          clearTimeout(timer);
          channels.forEach(other => this.waiting.delete(other));
          resolve(at);
        });
      }
    });
  }
}

const quiet: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return quiet;
  },
};

/**
 * Where a GET's time goes: µs per getResource of the real service, on a
 * cache of its own, next to a Map lookup of the same objects.
 */
async function cacheLookup(kubeConfig: KubeConfig) {
  const cache = new ClusterCache(
    { name: CLUSTER, kubeConfig },
    { onResource() {} },
    quiet,
  );
  try {
    await cache.start();
    let items = cache.resources(THING.name);
    for (let tries = 0; typeof items === 'string'; tries++) {
      if (tries === 1500) throw new Error(`cache lookup: ${items}`);
      await sleep(20);
      items = cache.resources(THING.name);
    }
    const service = new ClusterKratixService(cache);
    const byName = new Map(
      items.map(r => [`${r.metadata.namespace}/${r.metadata.name}`, r]),
    );
    const names = Array.from(
      { length: 2000 },
      (_, i) => `r${(i * 7919) % RESOURCES}`,
    );
    let start = performance.now();
    for (const name of names) {
      await service.getResource(THING.name, NAMESPACE, name);
    }
    const perCall = (performance.now() - start) / names.length;
    start = performance.now();
    let found = 0;
    for (let round = 0; round < 100; round++) {
      for (const name of names) {
        if (byName.get(`${NAMESPACE}/${name}`)) found++;
      }
    }
    const perMapGet = (performance.now() - start) / found;
    start = performance.now();
    for (let i = 0; i < 20; i++) {
      await service.listResources(THING.name, { limit: 100 });
    }
    const perPage = (performance.now() - start) / 20;
    return { service: perCall * 1000, map: perMapGet * 1000, page: perPage };
  } finally {
    await cache.stop();
  }
}

/**
 * On ^C or SIGTERM, stops the bench's test cluster and exits: its API
 * server and etcd run in a session of their own. Returns what undoes it.
 */
export function stopClusterOnSignal(
  cluster: () => KubeTestCluster | undefined,
): () => void {
  const interrupted = () => {
    console.error('Stopping the test cluster (up to 20 s)');
    cluster()?.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return () => {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
}

export async function runKubernetesBench(): Promise<void> {
  let cluster: KubeTestCluster | undefined;
  const offSignals = stopClusterOnSignal(() => cluster);
  const clients = fork(path.join(__dirname, 'loadgen.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  /** The next message of the load generator, unless it exits first. */
  const answer = <T>() =>
    new Promise<T>((resolve, reject) => {
      const exited = () => reject(new Error('the load generator exited'));
      clients.once('exit', exited);
      clients.once('message', (m: { result: T } | { error: string }) => {
        clients.off('exit', exited);
        if (typeof m === 'object' && 'error' in m) reject(new Error(m.error));
        else resolve((m as { result: T })?.result);
      });
    });
  const job = <T>(message: ClientJob) => {
    const result = answer<T>();
    clients.send(message);
    return result;
  };
  let backend: ReturnType<typeof createKratixBackend> | undefined;
  try {
    await answer(); // ready
    console.log(
      `Kratix plugin Kubernetes mode benchmark (a real kube-apiserver and etcd on loopback; the backend in this process, its HTTP clients in another; load average ${loadAverage()})`,
    );
    let start = performance.now();
    cluster = await startKubeTestCluster();
    const custom = pooledCustomObjects(cluster.kubeConfig);
    const started = performance.now() - start;
    start = performance.now();
    await fillCluster(cluster, custom, RESOURCES, CREATORS);
    const filled = performance.now() - start;
    report(
      'Resources created on the cluster',
      `${(filled / 1000).toFixed(1)} s`,
      '',
      `${RESOURCES} with a status, ${CREATORS} at a time; the cluster started in ${(
        started / 1000
      ).toFixed(1)} s`,
    );

    const clock = new SignalClock();
    const port = await freePort();
    backend = createKratixBackend({
      backend: {
        baseUrl: `http://localhost:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        auth: {
          externalAccess: [
            { type: 'static', options: { token: TOKEN, subject: 'bench' } },
          ],
        },
      },
      // No events backend here: with the default 'auto', each event of the
      // first listing would be POSTed to /api/events until a 404 came back.
      events: { useEventBus: 'never' },
      kratix: {
        kubernetes: {
          clusters: [{ name: CLUSTER, kubeconfig: cluster.kubeconfig }],
        },
      },
    });
    backend.add(
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: clock.publish }),
      }),
    );
    const api = `http://127.0.0.1:${port}/api/kratix`;
    const call = (method: string, url: string, body?: object) =>
      fetch(`${api}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
        },
        body: body && JSON.stringify(body),
      }).then(async res => ({ status: res.status, body: await res.json() }));

    // Heap, after full collections: before the backend starts; with the
    // backend watching a cluster where the Promise is not installed yet;
    // once the Promise's Resources are listed into the cache.
    const beforeBackend = gcHeapUsed();
    const silence = console.log;
    process.env.LOG_LEVEL = 'error';
    await backend.start();
    console.log = silence;
    while ((await call('GET', '/promises')).status !== 200) await sleep(20);
    await call('GET', '/health');
    const emptyBackend = gcHeapUsed();
    start = performance.now();
    await retry(() => cluster!.apply(THING.promise));
    const last = `/promises/${THING.name}/resources/${NAMESPACE}/r${
      RESOURCES - 1
    }`;
    // 503 until the cache has listed them: each is logged as an error.
    const sample = await withoutLogLines('still being listed', async () => {
      for (;;) {
        const res = await call('GET', last);
        if (res.status === 200) return res.body;
        if (res.status !== 503 && res.status !== 404) {
          throw new Error(`GET ${last}: ${JSON.stringify(res.body)}`);
        }
        await sleep(20);
      }
    });
    const listed = performance.now() - start;
    const listSignals = clock.published;
    const withCache = gcHeapUsed();
    const cache = withCache - emptyBackend;
    const json = Buffer.byteLength(JSON.stringify(sample));
    report(
      'Promise applied -> its Resources listed',
      `${(listed / 1000).toFixed(1)} s`,
      '',
      `${RESOURCES} Resources; ${listSignals} signals published while listing`,
    );
    report(
      'cache heap per 10,000 Resources',
      mib((cache * 10_000) / RESOURCES),
      '',
      `${Math.round(cache / RESOURCES)} B per Resource, ${(
        cache /
        RESOURCES /
        json
      ).toFixed(1)}x its JSON (${json} B); heap used after forced GCs`,
    );
    report(
      '  heap used: listed - before the backend',
      mib(withCache - beforeBackend),
      '',
      `${mib(beforeBackend)} before, ${mib(
        emptyBackend,
      )} backend started with no Promise, ${mib(withCache)} listed`,
    );

    const kinds = {
      gets: {
        path: `/api/kratix/promises/${THING.name}/resources/${NAMESPACE}/r{i}`,
        headers: { authorization: `Bearer ${TOKEN}` },
      },
      health: { path: '/api/kratix/health', headers: {} },
    };
    const rounds = { gets: [] as LoadResult[], health: [] as LoadResult[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['health', 'gets'] as const) {
        const result = await job<LoadResult>({
          type: 'load',
          request: {
            ...kinds[kind],
            origin: `http://127.0.0.1:${port}`,
            modulo: RESOURCES,
            clients: CLIENTS,
            requests: GETS,
            warmup: GETS / 5,
          },
        });
        if (result.errors > 0) {
          throw new Error(`${kind}: ${result.errors} responses not 200`);
        }
        rounds[kind].push(result);
      }
    }
    const stat = (results: LoadResult[], q: number) => {
      const values = results
        .map(r => quantile(r.latencies, q))
        .sort((a, b) => a - b);
      return {
        median: median(values),
        range: `${values[0].toFixed(1)}-${values.at(-1)!.toFixed(1)}`,
      };
    };
    const rate = (results: LoadResult[]) =>
      median(results.map(r => r.latencies.length / r.seconds));
    for (const [q, name, target] of [
      [0.5, 'p50', ''],
      [0.99, 'p99', '< 15 ms'],
    ] as const) {
      const gets = stat(rounds.gets, q);
      const health = stat(rounds.health, q);
      report(
        `GET Resource ${name} (${CLIENTS} clients, other process)`,
        ms(gets.median),
        target,
        `${(gets.median / health.median).toFixed(1)}x GET /health ${ms(
          health.median,
        )}; ranges ${gets.range} / ${health.range} over ${ROUNDS} rounds`,
      );
    }
    report(
      'GET throughput, Resource / health',
      `${Math.round(rate(rounds.gets))}/s`,
      '',
      `${Math.round(rate(rounds.health))}/s`,
    );
    const lookup = await cacheLookup(cluster.kubeConfig);
    report(
      '  getResource alone, in process',
      `${lookup.service.toFixed(0)} µs`,
      '',
      `a Map by namespace/name of the same ${RESOURCES}: ${lookup.map.toFixed(
        2,
      )} µs`,
    );
    report(
      '  listResources, first page of 100, in process',
      ms(lookup.page),
      '',
      `sorts all ${RESOURCES} on every page`,
    );

    // One status patch at a time, each on another Resource: from sending
    // the patch (on a kept connection) to the plugin publishing the signal
    // of the change.
    const latencies: number[] = [];
    for (let i = 0; i < PATCHES; i++) {
      const name = `r${(i * 7919) % RESOURCES}`;
      const ref = { promise: THING.name, namespace: NAMESPACE, name };
      const signal = clock.next([
        resourceSignalChannel(ref),
        resourceSignalChannel({ ...ref, cluster: CLUSTER }),
      ]);
      signal.catch(() => {}); // awaited below
      const sent = performance.now();
      await patchStatus(custom, name, `patch ${i}`);
      latencies.push((await signal) - sent);
      await sleep(10);
    }
    for (const [q, name, target] of [
      [0.5, 'p50', ''],
      [0.99, 'p99', '< 1 s'],
    ] as const) {
      const value = quantile(latencies, q);
      report(
        `status patch -> signal ${name} (${PATCHES} patches)`,
        ms(value),
        target,
        `Backstage's Kubernetes plugin polls every ${
          BACKSTAGE_K8S_POLL_MS / 1000
        } s (${(BACKSTAGE_K8S_POLL_MS / value).toFixed(0)}x)`,
      );
    }

    // The write path: PUT a new Resource, one at a time (the plugin creates
    // it through client-node), next to the same create from a client-node
    // client that keeps its connection.
    const puts: number[] = [];
    const creates: number[] = [];
    for (let i = 0; i < PUTS; i++) {
      let sent = performance.now();
      const url = `/promises/${THING.name}/resources/${NAMESPACE}/w${i}`;
      const put = await call('PUT', url, { spec: { size: 1 } });
      if (put.status !== 201) throw new Error(`PUT ${url}: ${put.status}`);
      puts.push(performance.now() - sent);
      sent = performance.now();
      await custom.createNamespacedCustomObject({
        ...THING.where,
        namespace: NAMESPACE,
        body: thing(`c${i}`, i),
      });
      creates.push(performance.now() - sent);
    }
    report(
      `PUT new Resource p50 (${PUTS}, one at a time)`,
      ms(median(puts)),
      '',
      `a create from a client-node client keeping its connection ${ms(
        median(creates),
      )}`,
    );
    const rss = process.resourceUsage().maxRSS / 1024;
    report(
      'peak RSS (this process, all benches)',
      `${rss.toFixed(0)} MiB`,
      '',
      `load average ${loadAverage()} at the end`,
    );
  } finally {
    clients.kill();
    await backend?.stop().catch(e => console.error(e));
    cluster?.stop();
    offSignals();
  }
}
