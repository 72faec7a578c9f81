// The bench's HTTP clients, run as a child process so that they do not
// share the server's event loop (and core), as real clients would not.
// - runLoad: a closed-loop load generator. `clients` keep-alive connections,
//   each sending its next request when the previous answer is read; every
//   latency is kept, so quantiles are exact.
// - requestAll: creates Resources, 20 requests at a time, then polls every
//   `pollMs` until all are done.
import http from 'node:http';
import { configureCondition } from '../src/__testUtils__/scriptPromise';

export interface LoadRequest {
  /** http://host:port */
  origin: string;
  /** Path of request i; `{i}` is replaced by (i * 7919) % modulo. */
  path: string;
  modulo?: number;
  headers?: Record<string, string>;
  clients: number;
  requests: number;
  /** Requests sent first and not counted. */
  warmup: number;
}

export interface LoadResult {
  /** Sorted, ms. */
  latencies: number[];
  seconds: number;
  errors: number;
  /** Share of one core this client process used (the server's is elsewhere). */
  clientCpu: number;
}

function get(
  agent: http.Agent,
  url: URL,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path,
        headers,
      },
      res => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function runLoad(r: LoadRequest): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: r.clients });
  const url = new URL(r.origin);
  const headers = r.headers ?? {};
  const pathOf = (i: number) =>
    r.path.replace('{i}', String((i * 7919) % (r.modulo ?? 1)));
  let errors = 0;
  const phase = async (count: number, times?: number[]) => {
    let next = 0;
    const client = async () => {
      while (next < count) {
        const i = next++;
        const start = process.hrtime.bigint();
        const status = await get(agent, url, pathOf(i), headers);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (status !== 200) errors++;
        times?.push(ms);
      }
    };
    await Promise.all(Array.from({ length: r.clients }, client));
  };
  await phase(r.warmup);
  const latencies: number[] = [];
  const start = performance.now();
  const cpu = process.cpuUsage();
  await phase(r.requests, latencies);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const clientCpu = (used.user + used.system) / 1e6 / seconds;
  return { latencies, seconds, errors, clientCpu };
}

export interface RequestAll {
  /** http://host:port/api/kratix */
  api: string;
  token: string;
  promise: string;
  resources: number;
  pollMs: number;
}

/** ms from the first request until every Resource is done. */
export async function requestAll(r: RequestAll): Promise<number> {
  const call = async (method: string, url: string, body?: object) => {
    const res = await fetch(`${r.api}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${r.token}`,
        'content-type': 'application/json',
      },
      body: body && JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 400) {
      throw new Error(`${method} ${url}: ${JSON.stringify(json)}`);
    }
    return json as any;
  };
  const start = performance.now();
  const names = Array.from({ length: r.resources }, (_, i) => `t${i}`);
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(
      names.slice(i, i + 20).map(name =>
        call('PUT', `/promises/${r.promise}/resources/default/${name}`, {
          spec: {},
        }),
      ),
    );
  }
  // Watching must not load the server it measures: listing all Resources
  // every pollMs costs it ~5% of its time. The queue is first in, first
  // out, so wait for the last Resource with a cheap GET, then list.
  const last = `/promises/${r.promise}/resources/default/${names.at(-1)}`;
  while (configureCondition(await call('GET', last))?.status !== 'True') {
    await new Promise(resolve => setTimeout(resolve, r.pollMs));
  }
  for (;;) {
    const { items } = await call('GET', `/promises/${r.promise}/resources`);
    const finished = items.filter(
      (item: any) => configureCondition(item)?.status === 'True',
    ).length;
    if (finished === r.resources) break;
    await new Promise(resolve => setTimeout(resolve, r.pollMs));
  }
  return performance.now() - start;
}

export type ClientJob =
  | { type: 'load'; request: LoadRequest }
  | { type: 'requestAll'; request: RequestAll };

// As a child process: one job per IPC message, its result back.
if (process.send) {
  process.on('message', (message: ClientJob | 'exit') => {
    if (message === 'exit') {
      process.disconnect?.();
      return;
    }
    const job =
      message.type === 'load'
        ? runLoad(message.request)
        : requestAll(message.request);
    job.then(
      (result: LoadResult | number) => process.send!({ result }),
      error => process.send!({ error: String(error) }),
    );
  });
  process.send('ready');
}
