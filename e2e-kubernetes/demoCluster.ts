// The API server of the running Kubernetes demo, reached with the
// kubeconfig that scripts/kubernetes-demo.sh gave the portal.
import fs from 'node:fs';
import path from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import { connect } from '../scripts/kubernetes-demo/cluster';

const CONFIG = path.resolve(
  __dirname,
  '../.kratix-kubernetes-demo/app-config.kubernetes.yaml',
);

export function demoCluster() {
  if (!fs.existsSync(CONFIG)) {
    throw new Error(
      `${CONFIG} is missing: is scripts/kubernetes-demo.sh running?`,
    );
  }
  const config = loadYaml<any>(fs.readFileSync(CONFIG, 'utf8'));
  return connect(config.kratix.kubernetes.clusters[0].kubeconfig);
}
