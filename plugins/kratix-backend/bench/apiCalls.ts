// Kubernetes API calls, counted on both sides: each client's requests as
// client-node sends them (a KubeConfig that counts), and every request as
// the kube-apiserver counts it (`apiserver_request_total` of /metrics).
// Both are split as `VERB resource[/subresource]`, in the API server's
// verbs (GET, LIST, WATCH, POST, PUT, PATCH, DELETE).
import fs from 'node:fs';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeTestCluster } from '../src/kubernetes/__testUtils__/kubeTestCluster';

export type CallCounts = Map<string, number>;

const add = (counts: CallCounts, key: string, n = 1) =>
  counts.set(key, (counts.get(key) ?? 0) + n);

/** `VERB resource[/subresource]` of a request, as the API server names it. */
export function callOf(method: string, url: string): string {
  const { pathname, searchParams } = new URL(url);
  const parts = pathname.split('/').filter(Boolean);
  // /api/v1/... or /apis/<group>/<version>/...
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if (parts[0] !== 'api' && parts[0] !== 'apis')
    return `${method} non-resource`;
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const [resource, name, subresource] = rest;
  if (!resource) return `${method} non-resource`; // discovery
  let verb = method;
  if (method === 'GET' && !name) {
    verb = searchParams.get('watch') === 'true' ? 'WATCH' : 'LIST';
  }
  return `${verb} ${resource}${subresource ? `/${subresource}` : ''}`;
}

/** One client's requests, while `counting`. */
export class CountingClient {
  readonly counts: CallCounts = new Map();
  counting = false;
  /** Each request counted, with performance.now() as it is sent. */
  onCall?: (call: string, at: number) => void;

  /** `kc`, counting each request made through it (watches too). */
  wrap(kc: KubeConfig): KubeConfig {
    const counted = Object.create(kc) as KubeConfig;
    counted.applySecurityAuthentication = async context => {
      const call = callOf(context.getHttpMethod(), context.getUrl());
      if (this.counting) add(this.counts, call);
      this.onCall?.(call, performance.now());
      await kc.applySecurityAuthentication(context);
    };
    return counted;
  }
}

/** The API server's request counts by verb and resource, now. */
export async function scrapeRequestCounts(
  cluster: KubeTestCluster,
): Promise<CallCounts> {
  const text = await new Promise<string>((resolve, reject) => {
    https
      .get(
        `${cluster.url}/metrics`,
        {
          ca: fs.readFileSync(cluster.caFile),
          headers: { authorization: `Bearer ${cluster.token}` },
        },
        res => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', chunk => (body += chunk));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(body)
              : reject(new Error(`GET /metrics: ${res.statusCode}`)),
          );
        },
      )
      .on('error', reject);
  });
  const counts: CallCounts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const resource = labels.resource
      ? `${labels.resource}${
          labels.subresource ? `/${labels.subresource}` : ''
        }`
      : 'non-resource';
    add(counts, `${labels.verb} ${resource}`, value);
  }
  return counts;
}

/** after - before, for the keys that changed. */
export function countsSince(after: CallCounts, before: CallCounts): CallCounts {
  const diff: CallCounts = new Map();
  for (const [key, n] of after) {
    const d = n - (before.get(key) ?? 0);
    if (d) diff.set(key, d);
  }
  return diff;
}

/** Resource requests only: discovery and /metrics itself left out. */
export const totalOf = (counts: CallCounts) =>
  [...counts]
    .filter(([key]) => !key.endsWith(' non-resource'))
    .reduce((sum, [, n]) => sum + n, 0);

/** `POST pods 1, WATCH pods 1, ...` per `per`, largest first. */
export function describeCounts(counts: CallCounts, per: number): string {
  return [...counts]
    .filter(([key]) => !key.endsWith(' non-resource'))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, n]) => `${key} ${+(n / per).toFixed(2)}`)
    .join(', ');
}
