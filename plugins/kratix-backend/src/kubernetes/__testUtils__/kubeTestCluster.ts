// A real kube-apiserver and etcd on loopback, from the shared test tool
// (../shared/tools/kube-test-cluster.sh; no kubelet: nothing runs), with
// upstream Kratix's CRDs applied. Each call starts a cluster of its own.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
} from '@kubernetes/client-node';

const REPO = path.resolve(__dirname, '../../../../..');
const SHARED = process.env.KRATIX_SHARED_DIR ?? path.resolve(REPO, '../shared');
const SCRIPT = path.join(SHARED, 'tools/kube-test-cluster.sh');
const CRDS = path.join(SHARED, 'kratix/crds');

export interface KubeTestCluster {
  kubeconfig: string;
  url: string;
  token: string;
  caFile: string;
  kubeConfig: KubeConfig;
  objects: KubernetesObjectApi;
  /** Applies YAML documents (CRDs keep their x-kubernetes-* keys). */
  apply(yaml: string): Promise<void>;
  stop(): void;
}

/**
 * The tool picks free ports, then binds them: under load another process
 * may take one in between ("address already in use"). Try again then.
 */
function startWithRetries(env: NodeJS.ProcessEnv): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return execFileSync('bash', [SCRIPT, 'start'], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      try {
        execFileSync('bash', [SCRIPT, 'stop'], { env, stdio: 'ignore' });
      } catch {
        // nothing was left running
      }
      if (attempt === 3) throw e;
    }
  }
}

export async function startKubeTestCluster(): Promise<KubeTestCluster> {
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-test-run-'));
  const env = { ...process.env, KUBE_TEST_RUN_DIR: run };
  const out = startWithRetries(env);
  const vars = Object.fromEntries(
    [...out.matchAll(/^export (\w+)=(.*)$/gm)].map(m => [m[1], m[2]]),
  );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(vars.KUBECONFIG);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const apply = async (yaml: string) => {
    for (const doc of loadAllYaml(yaml) as KubernetesObject[]) {
      if (doc) await objects.create(doc);
    }
  };
  const cluster: KubeTestCluster = {
    kubeconfig: vars.KUBECONFIG,
    url: vars.KUBE_TEST_API_URL,
    token: vars.KUBE_TEST_TOKEN,
    caFile: vars.KUBE_TEST_CA_FILE,
    kubeConfig,
    objects,
    apply,
    stop: () => {
      execFileSync('bash', [SCRIPT, 'stop'], { env, stdio: 'ignore' });
      fs.rmSync(run, { recursive: true, force: true });
    },
  };
  for (const file of fs.readdirSync(CRDS)) {
    await apply(fs.readFileSync(path.join(CRDS, file), 'utf8'));
  }
  return cluster;
}
