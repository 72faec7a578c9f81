// The fake kubelet stops at once, even while a client (the API server)
// holds a connection open with no request on it: close() alone waits for
// Node's headersTimeout (60 s and more), which slowed teardowns.
import tls from 'node:tls';
import { CoreV1Api } from '@kubernetes/client-node';
import { startFakeKubelet } from './fakeKubelet';
import { KubeTestCluster, startKubeTestCluster } from './kubeTestCluster';

jest.setTimeout(120_000);

let cluster: KubeTestCluster;

beforeAll(async () => {
  cluster = await startKubeTestCluster();
});

afterAll(() => cluster?.stop());

it('stops with a connection open that sent no request, and closes it', async () => {
  const kubelet = await startFakeKubelet(cluster, 'idle-node');
  const node = await cluster.kubeConfig
    .makeApiClient(CoreV1Api)
    .readNode({ name: 'idle-node' });
  const port = node.status!.daemonEndpoints!.kubeletEndpoint!.Port;
  const socket = tls.connect({
    host: '127.0.0.1',
    port,
    rejectUnauthorized: false,
  });
  await new Promise<void>(resolve => socket.once('secureConnect', resolve));
  const closed = new Promise<string>(resolve =>
    socket.once('close', () => resolve('closed')),
  );

  const stopped = kubelet.stop().then(() => 'stopped');
  const waiting = new Promise<string>(resolve =>
    setTimeout(() => resolve('still waiting'), 10_000).unref(),
  );
  expect(await Promise.race([stopped, waiting])).toBe('stopped');
  expect(await Promise.race([closed, waiting])).toBe('closed');
});
