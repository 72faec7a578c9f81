// The test cluster has no kubelet. This plays one node's: a Node whose
// kubelet endpoint is a local HTTPS server answering the containerLogs
// calls the API server proxies `pods/log` to. Pods read this way must be
// created with `spec.nodeName: <nodeName>`.
import fs from 'node:fs';
import https from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { KubeTestCluster } from './kubeTestCluster';

export interface FakeKubelet {
  nodeName: string;
  /** What the container's log says. */
  setLog(namespace: string, pod: string, container: string, log: string): void;
  stop(): Promise<void>;
}

export async function startFakeKubelet(
  cluster: KubeTestCluster,
  nodeName = 'kube-test-node',
): Promise<FakeKubelet> {
  const logs = new Map<string, string>();
  // The API server's serving certificate (for 127.0.0.1) will do: with no
  // --kubelet-certificate-authority, it does not verify kubelets.
  const certs = path.dirname(cluster.caFile);
  const server = https.createServer(
    {
      cert: fs.readFileSync(path.join(certs, 'apiserver.crt')),
      key: fs.readFileSync(path.join(certs, 'apiserver.key')),
    },
    (req, res) => {
      const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(
        req.url ?? '',
      );
      const log = m && logs.get(m.slice(1).join('/'));
      res.writeHead(log === undefined || log === null ? 404 : 200, {
        'Content-Type': 'text/plain',
      });
      // As a kubelet: at most `limitBytes` of the log.
      const limit = Number(
        new URL(req.url ?? '', 'https://kubelet').searchParams.get(
          'limitBytes',
        ) ?? NaN,
      );
      const body = Buffer.from(log ?? 'not found');
      res.end(limit >= 0 ? body.subarray(0, limit) : body);
    },
  );
  // Every connection from its accept on, its TLS handshake included.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await cluster.objects.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: nodeName },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  } as any);
  return {
    nodeName,
    setLog: (namespace, pod, container, log) =>
      void logs.set(`${namespace}/${pod}/${container}`, log),
    // As a kubelet going away: its connections too. The API server may
    // hold one open without a request on it (a log read the plugin gave
    // up on), which close() alone waits out (headersTimeout, 60-90 s).
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
