// Acting as a ServiceAccount on the test cluster: the cluster mints no
// ServiceAccount tokens (no controller-manager), so a kubeconfig keeps the
// admin's credentials and impersonates it (`as:`, the Impersonate-User
// header). The API server then authorizes every call as that account.
import fs from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeTestCluster } from './kubeTestCluster';

export interface Impersonated {
  /** A kubeconfig file, for `kratix.kubernetes.clusters[].kubeconfig`. */
  kubeconfig: string;
  kubeConfig: KubeConfig;
}

export function asServiceAccount(
  cluster: KubeTestCluster,
  namespace: string,
  name: string,
): Impersonated {
  const user = `system:serviceaccount:${namespace}:${name}`;
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const admin = kc.getCurrentUser()!;
  kc.users = kc.users.map(u =>
    u === admin ? { ...u, impersonateUser: user } : u,
  );
  // Beside the cluster's own kubeconfig: removed when the cluster stops.
  const kubeconfig = path.join(
    path.dirname(cluster.kubeconfig),
    `kubeconfig-${namespace}-${name}`,
  );
  fs.writeFileSync(kubeconfig, kc.exportConfig(), { mode: 0o600 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  return { kubeconfig, kubeConfig };
}
