// A cluster's requests share kept-alive connections; client-node alone
// opens one per request. Against a local HTTP server that counts them.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { readKubernetesConfig } from './clusterConfig';

let server: http.Server;
let url: string;
let connections = 0;
const authorizations: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    if (req.url?.includes('watch=true')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
      return; // held open, as a watch
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Namespace', metadata: { name: 'x' } }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(r => server.close(r));
});

beforeEach(() => {
  connections = 0;
  authorizations.length = 0;
});

function clusterKubeConfig(): KubeConfig {
  const config = readKubernetesConfig(
    new ConfigReader({
      kubernetes: {
        clusters: [
          { name: 'c', url, skipTLSVerify: true, serviceAccountToken: 'tok' },
        ],
      },
    }),
  );
  return config!.clusters[0].kubeConfig;
}

const READS = 10;

/** One after the other: a kept connection may still be settling (undici then opens a second). */
async function readInTurn(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  for (let i = 0; i < READS; i++) await core.readNamespace({ name: 'x' });
}

it('gives every request a new connection without pooling', async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'c', token: 'tok' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'c' }],
    currentContext: 'c',
  });
  await readInTurn(kc);
  expect(connections).toBe(READS);
});

it("reuses kept connections for a configured cluster's requests", async () => {
  await readInTurn(clusterKubeConfig());
  expect(connections).toBeLessThanOrEqual(2);
  expect(authorizations).toEqual(Array(READS).fill('Bearer tok'));
});

it('serves a watch beside the requests, on a connection of its own', async () => {
  const kc = clusterKubeConfig();
  const seen: string[] = [];
  const watch = await new Watch(kc).watch(
    '/api/v1/namespaces',
    {},
    (_type, object: { metadata: { name: string } }) =>
      seen.push(object.metadata.name),
    () => {},
  );
  try {
    await readInTurn(kc);
    expect(seen).toEqual(['a']);
    expect(connections).toBeLessThanOrEqual(3);
  } finally {
    watch.abort();
  }
});
