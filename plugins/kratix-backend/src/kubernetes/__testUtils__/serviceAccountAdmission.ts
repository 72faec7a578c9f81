// The test cluster runs without the ServiceAccount admission plugin (no
// controller-manager makes `default` accounts). This webhook plays its one
// check that matters to the Pod runner: a Pod naming a ServiceAccount that
// does not exist is refused with 403, as a real cluster refuses it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { KubeTestCluster } from './kubeTestCluster';

const NAME = 'serviceaccounts.test.kratix.io';

/** A self-signed certificate for 127.0.0.1. */
function certificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-webhook-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the webhook and registers it; resolves to its stop. */
export async function startServiceAccountAdmission(
  cluster: KubeTestCluster,
): Promise<() => Promise<void>> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const { key, cert } = certificate();
  const server = https.createServer({ key, cert }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', chunk => (body += chunk));
    req.on('end', async () => {
      const review = JSON.parse(body);
      const pod = review.request.object;
      const namespace = review.request.namespace;
      const account = pod.spec?.serviceAccountName || 'default';
      const exists = await core
        .readNamespacedServiceAccount({ name: account, namespace })
        .then(
          () => true,
          () => false,
        );
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: {
            uid: review.request.uid,
            allowed: exists,
            ...(!exists && {
              status: {
                code: 403,
                reason: 'Forbidden',
                message: `error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`,
              },
            }),
          },
        }),
      );
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await cluster.objects.create({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: NAME },
    webhooks: [
      {
        name: NAME,
        clientConfig: {
          url: `https://127.0.0.1:${port}/`,
          caBundle: Buffer.from(cert).toString('base64'),
        },
        rules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE'],
            resources: ['pods'],
          },
        ],
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: 5,
      },
    ],
  } as any);
  return async () => {
    await cluster.objects
      .delete({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: NAME },
      })
      .catch(() => {});
    await new Promise(r => server.close(r));
  };
}
