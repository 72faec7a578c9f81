// The whole plugin, in process, on a SQLite file: engine overhead per
// pipeline, request-to-done latency, throughput, GET latency under load.
// Targets are printed next to each figure, not asserted.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
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

const TOKEN = 'kratix-bench-token';
const RESOURCES = Number(process.env.KRATIX_BENCH_RESOURCES ?? 1000);
const STORED = 10_000;
const CLIENTS = 50;
const GETS = 5000;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const ms = (n: number) => `${n.toFixed(1)} ms`;
function report(name: string, value: string, target: string, ratio: string) {
  console.log(
    `  ${name.padEnd(36)} ${value.padStart(10)}  target ${target.padEnd(
      22,
    )} ${ratio}`,
  );
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

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
  const runner = new ProcessPipelineRunner();
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
      workDir,
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
  try {
    const { engine, bare } = await engineOverhead(dir);
    process.env.LOG_LEVEL = 'error';
    await backend.start();
    console.log = silence;
    console.log('Kratix plugin API benchmark (SQLite file, in process)');
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
    const start = performance.now();
    const names = Array.from({ length: RESOURCES }, (_, i) => `t${i}`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(
        names.slice(i, i + 20).map(name =>
          call('PUT', `/promises/two/resources/default/${name}`, {
            spec: {},
          }),
        ),
      );
    }
    for (;;) {
      const { items } = await call('GET', '/promises/two/resources');
      const finished = items.filter(
        (r: any) => configureCondition(r)?.status === 'True',
      ).length;
      if (finished === RESOURCES) break;
      await new Promise(r => setTimeout(r, 200));
    }
    const total = performance.now() - start;
    report(
      `${RESOURCES} Resources x 2 pipelines`,
      `${(total / 1000).toFixed(1)} s`,
      '< 20 s',
      `${(total / (2 * RESOURCES * bare)).toFixed(
        1,
      )}x serial bare spawns (concurrency 4)`,
    );

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
    const load = async (url: (i: number) => string, auth: boolean) => {
      const times: number[] = [];
      let next = 0;
      const client = async () => {
        while (next < GETS) {
          const i = next++;
          const t = performance.now();
          const res = await fetch(`${api}${url(i)}`, {
            headers: auth ? { authorization: `Bearer ${TOKEN}` } : {},
          });
          await res.arrayBuffer();
          if (res.status !== 200)
            throw new Error(`GET ${url(i)}: ${res.status}`);
          times.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));
      return times;
    };
    await load(() => '/health', false);
    const health = await load(() => '/health', false);
    const gets = await load(
      i => `/promises/two/resources/bulk/s${(i * 7919) % STORED}`,
      true,
    );
    const p99 = quantile(gets, 0.99);
    const healthP99 = quantile(health, 0.99);
    report(
      `GET Resource p50 (${CLIENTS} clients, 10k)`,
      ms(quantile(gets, 0.5)),
      '',
      `GET /health p50 ${ms(quantile(health, 0.5))}`,
    );
    report(
      `GET Resource p99 (${CLIENTS} clients, 10k)`,
      ms(p99),
      '< 15 ms',
      `${(p99 / healthP99).toFixed(1)}x GET /health p99 ${ms(healthP99)}`,
    );
    const rss = process.resourceUsage().maxRSS / 1024;
    report('peak RSS', `${rss.toFixed(0)} MiB`, '', '');
  } finally {
    await backend.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
