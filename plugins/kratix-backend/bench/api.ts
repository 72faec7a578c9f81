// The whole plugin, in process, on a SQLite file: engine overhead per
// pipeline, request-to-done latency, throughput, GET latency under load.
// The throughput and GET clients run in a child process (loadgen.ts), so
// they do not share the server's event loop. Targets are printed next to
// each figure, not asserted.
import childProcess, { fork } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import knexFactory from 'knex';
import { executeWorkflow, parsePromise } from '../src/engine';
import { ProcessPipelineRunner } from '../src/runner/ProcessPipelineRunner';
import { DatabaseKratixStore } from '../src/database/DatabaseKratixStore';
import { createKratixBackend } from '../src/__testUtils__/kratixBackend';
import {
  configureCondition,
  scriptPromise,
} from '../src/__testUtils__/scriptPromise';
import { bareSpawn, median } from './runner';
import type { ClientJob, LoadResult } from './loadgen';
import { freePort, ms, quantile, report } from './report';

const TOKEN = 'kratix-bench-token';
const RESOURCES = Number(process.env.KRATIX_BENCH_RESOURCES ?? 1000);
const STORED = Number(process.env.KRATIX_BENCH_STORED ?? 10_000);
const CLIENTS = 50;
const GETS = 10_000;
/** Rounds of GET /health and GET Resource, interleaved. */
const ROUNDS = 3;

/** ms of `work`, each of `rounds` times. */
async function timed(rounds: number, work: () => Promise<void>) {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times;
}

/** Per pipeline: executeWorkflow with the real runner vs a bare spawn of `true`. */
async function engineOverhead(workDir: string) {
  const doc = scriptPromise(
    'bench',
    [1, 2, 3].map(i => ({ name: `p${i}`, script: '' })),
  );
  for (const p of doc.spec.workflows.resource.configure) {
    p.spec.containers[0].command = ['true'];
  }
  const promise = parsePromise(doc);
  const runner = new ProcessPipelineRunner({ workDir });
  await runner.probe();
  const workflow = () =>
    executeWorkflow({
      object: {
        apiVersion: 'test.kratix.io/v1',
        kind: 'Thing',
        metadata: { name: 'b', namespace: 'default', generation: 1 },
        spec: {},
      },
      promise,
      workflow: { type: 'resource', action: 'configure' },
      runner,
      stateStore: {
        writeWorkload: async () => {},
        deleteWorkload: async () => {},
      },
      destinations: [{ name: 'd', labels: {} }],
      save: async o => o,
    }).then(r => {
      if (r.outcome !== 'succeeded') throw new Error(`bench: ${r.outcome}`);
    });
  await timed(5, workflow);
  const engine: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 40; i++) {
    engine.push(...(await timed(1, workflow)).map(t => t / 3));
    bare.push(...(await timed(1, bareSpawn)));
  }
  return { engine: median(engine), bare: median(bare) };
}

export async function runApiBench(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-api-bench-'));
  await fs.chmod(dir, 0o711); // the sandbox's user reaches its runs
  const port = await freePort();
  const backend = createKratixBackend({
    backend: {
      baseUrl: `http://localhost:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: { client: 'better-sqlite3', connection: { directory: dir } },
      auth: {
        externalAccess: [
          { type: 'static', options: { token: TOKEN, subject: 'bench' } },
        ],
      },
    },
    kratix: {
      engine: { pollInterval: '20ms', workDir: dir },
      stateStore: { path: path.join(dir, 'state') },
    },
  });
  const silence = console.log;
  const api = `http://127.0.0.1:${port}/api/kratix`;
  const call = async (method: string, url: string, body?: object) => {
    const res = await fetch(`${api}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: body && JSON.stringify(body),
    });
    const json = res.status === 204 ? undefined : await res.json();
    if (res.status >= 400)
      throw new Error(`${method} ${url}: ${JSON.stringify(json)}`);
    return json as any;
  };
  // The HTTP clients of the throughput and GET parts run in a child
  // process: in this one they would compete with the server for its event
  // loop.
  const clients = fork(path.join(__dirname, 'loadgen.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const job = <T>(message: ClientJob) =>
    new Promise<T>((resolve, reject) => {
      clients.once('message', (m: { result: T } | { error: string }) =>
        'error' in m ? reject(new Error(m.error)) : resolve(m.result),
      );
      clients.send(message);
    });
  await new Promise(resolve => clients.once('message', resolve)); // ready
  try {
    const { engine, bare } = await engineOverhead(dir);
    process.env.LOG_LEVEL = 'error';
    await backend.start();
    console.log = silence;
    console.log(
      'Kratix plugin API benchmark (SQLite file; the server in this process, its HTTP clients in another)',
    );
    report(
      'engine overhead per pipeline',
      ms(engine - bare),
      '< 5 ms over spawn',
      `${ms(engine)} vs bare spawn ${ms(bare)}, ${(engine / bare).toFixed(2)}x`,
    );

    const pipelines = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `p${i}`, script: 'true' }));
    await call('PUT', '/promises/three', scriptPromise('three', pipelines(3)));
    const done = async (url: string, sleepMs: number) => {
      for (;;) {
        if (configureCondition(await call('GET', url))?.status === 'True')
          return;
        await new Promise(r => setTimeout(r, sleepMs));
      }
    };
    let n = 0;
    const latencies = await timed(15, async () => {
      const url = `/promises/three/resources/default/r${n++}`;
      await call('PUT', url, { spec: {} });
      await done(url, 2);
    });
    const latency = median(latencies.slice(3));
    report(
      'request -> done, 3 pipelines (p50)',
      ms(latency),
      '< 100 ms',
      `${(latency / (3 * bare)).toFixed(1)}x three bare spawns`,
    );

    await call('PUT', '/promises/two', scriptPromise('two', pipelines(2)));
    // A spawn() here would fork this large process on its event loop; the
    // runner's spawner process starts the containers instead. Count and
    // time any spawn() left here.
    const spawn = childProcess.spawn;
    const spawned = { count: 0, ms: 0 };
    childProcess.spawn = ((...args: Parameters<typeof spawn>) => {
      const start = performance.now();
      try {
        return spawn(...args);
      } finally {
        spawned.count++;
        spawned.ms += performance.now() - start;
      }
    }) as typeof spawn;
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const rssAtStart = process.memoryUsage().rss;
    const total = await job<number>({
      type: 'requestAll',
      request: {
        api,
        token: TOKEN,
        promise: 'two',
        resources: RESOURCES,
        pollMs: 200,
      },
    });
    const used = process.cpuUsage(cpu);
    const busy = performance.eventLoopUtilization(elu).utilization;
    childProcess.spawn = spawn;
    report(
      `${RESOURCES} Resources x 2 pipelines`,
      `${(total / 1000).toFixed(1)} s`,
      '< 20 s',
      `${(total / (2 * RESOURCES * bare)).toFixed(
        1,
      )}x serial bare spawns (concurrency 4)`,
    );
    // Where it goes: this process's CPU (server and engine; not the
    // pipelines' processes) and how busy its event loop was, and how long
    // spawn() held the event loop: a fork costs more the larger the RSS.
    report(
      '  this process: CPU per Resource',
      ms((used.user + used.system) / 1000 / RESOURCES),
      '',
      `event loop ${(busy * 100).toFixed(0)}% busy, RSS ${(
        rssAtStart / 1048576
      ).toFixed(0)} MiB at start`,
    );
    report(
      '  spawn() in this process, per call',
      ms(spawned.ms / Math.max(1, spawned.count)),
      '',
      `${spawned.count} calls, ${((100 * spawned.ms) / total).toFixed(
        0,
      )}% of the wall time`,
    );

    if (STORED === 0) return;
    // 10,000 Resources stored directly, then GETs from 50 clients.
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'kratix.sqlite') },
      useNullAsDefault: true,
    });
    await knex.transaction(async trx => {
      const store = new DatabaseKratixStore(trx);
      for (let i = 0; i < STORED; i++) {
        await store.createObject(
          {
            kind: 'Resource',
            promise: 'two',
            namespace: 'bulk',
            name: `s${i}`,
          },
          {
            apiVersion: 'test.kratix.io/v1',
            kind: 'Thing',
            spec: { size: i },
            status: { message: 'Resource requested' },
          },
        );
      }
    });
    await knex.destroy();
    // Two baselines, measured in the same rounds, interleaved:
    // - GET /health: the same Backstage HTTP stack (helmet, CORS,
    //   compression, logging, the plugin's router), no auth, no database;
    // - a bare node:http server in this process sending the same JSON:
    //   what this machine and load generator allow at all.
    const sample = JSON.stringify(
      await call('GET', '/promises/two/resources/bulk/s1'),
    );
    const bareServer = http.createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(sample),
      });
      res.end(sample);
    });
    await new Promise<void>(r => bareServer.listen(0, '127.0.0.1', r));
    const barePort = (bareServer.address() as net.AddressInfo).port;
    const kinds = {
      gets: {
        port,
        path: '/api/kratix/promises/two/resources/bulk/s{i}',
        headers: { authorization: `Bearer ${TOKEN}` },
      },
      health: { port, path: '/api/kratix/health', headers: {} },
      bare: { port: barePort, path: '/s{i}', headers: {} },
    };
    const rounds = {
      gets: [] as LoadResult[],
      health: [] as LoadResult[],
      bare: [] as LoadResult[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['health', 'gets', 'bare'] as const) {
        const { port: to, ...request } = kinds[kind];
        const result = await job<LoadResult>({
          type: 'load',
          request: {
            ...request,
            origin: `http://127.0.0.1:${to}`,
            modulo: STORED,
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
    bareServer.close();
    const stat = (results: LoadResult[], q: number) => {
      const values = results
        .map(r => quantile(r.latencies, q))
        .sort((a, b) => a - b);
      return {
        median: median(values),
        range: `${values[0].toFixed(1)}-${values[values.length - 1].toFixed(
          1,
        )}`,
      };
    };
    const rate = (results: LoadResult[]) =>
      median(results.map(r => r.latencies.length / r.seconds));
    const label = `(${CLIENTS} clients, other process)`;
    for (const [q, name, target] of [
      [0.5, 'p50', ''],
      [0.99, 'p99', '< 15 ms'],
    ] as const) {
      const [gets, health, node] = (['gets', 'health', 'bare'] as const).map(
        kind => stat(rounds[kind], q),
      );
      report(
        `GET Resource ${name} ${label}`,
        ms(gets.median),
        target,
        `${(gets.median / health.median).toFixed(1)}x GET /health ${ms(
          health.median,
        )}, ${(gets.median / node.median).toFixed(1)}x bare node:http ${ms(
          node.median,
        )}; ranges ${gets.range} / ${health.range} / ${
          node.range
        } over ${ROUNDS} rounds`,
      );
    }
    const clientCpu = (results: LoadResult[]) =>
      `${(median(results.map(r => r.clientCpu)) * 100).toFixed(0)}%`;
    report(
      'GET throughput, Resource / health / bare',
      `${Math.round(rate(rounds.gets))}/s`,
      '',
      `${Math.round(rate(rounds.health))}/s / ${Math.round(
        rate(rounds.bare),
      )}/s; client process CPU ${clientCpu(rounds.gets)} / ${clientCpu(
        rounds.health,
      )} / ${clientCpu(rounds.bare)}`,
    );
    const rss = process.resourceUsage().maxRSS / 1024;
    report('peak RSS', `${rss.toFixed(0)} MiB`, '', '');
  } finally {
    clients.kill();
    await backend.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
