// `kratix.kubernetes`: the clusters where upstream Kratix reconciles, and
// how to reach each one.
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { PooledKubeConfig } from './pooledKubeConfig';

export type KubernetesMode = 'observe' | 'reconcile';

export interface KratixCluster {
  name: string;
  kubeConfig: KubeConfig;
  /** Its own `mode`, else `kratix.kubernetes.mode` (set when read from config). */
  mode?: KubernetesMode;
}

export interface KubernetesModeConfig {
  /** `kratix.kubernetes.mode`: the clusters' mode where they name none. */
  mode: KubernetesMode;
  clusters: KratixCluster[];
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** One cluster's connection: a kubeconfig file, URL and token, or in-cluster. */
function kubeConfigOf(cluster: Config, where: string): KubeConfig {
  const kc = new PooledKubeConfig();
  const file = cluster.getOptionalString('kubeconfig');
  const url = cluster.getOptionalString('url');
  if (file && url) {
    throw new Error(`${where}: give either kubeconfig or url, not both`);
  }
  if (file) {
    kc.loadFromFile(file);
    return kc;
  }
  if (!url) {
    kc.loadFromCluster();
    return kc;
  }
  const name = cluster.getString('name');
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: url,
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    users: [{ name, token: cluster.getOptionalString('serviceAccountToken') }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return kc;
}

function readMode(config: Config, where: string): KubernetesMode | undefined {
  const mode = config.getOptionalString('mode');
  if (mode === undefined || mode === 'observe' || mode === 'reconcile') {
    return mode;
  }
  throw new Error(
    `Invalid config ${where} '${mode}': use 'observe' ` +
      `(upstream Kratix on the cluster reconciles) or 'reconcile' (this ` +
      `plugin is the cluster's Kratix controller)`,
  );
}

/** Reads `kratix.kubernetes`; undefined when the embedded engine is used. */
export function readKubernetesConfig(
  kratix: Config | undefined,
): KubernetesModeConfig | undefined {
  const k = kratix?.getOptionalConfig('kubernetes');
  if (!k) return undefined;
  const mode = readMode(k, 'kratix.kubernetes.mode') ?? 'observe';
  const entries = k.getConfigArray('clusters');
  if (entries.length === 0) {
    throw new Error('Config kratix.kubernetes.clusters names no cluster');
  }
  const seen = new Set<string>();
  const clusters = entries.map((c, i) => {
    const where = `kratix.kubernetes.clusters[${i}]`;
    const name = c.getString('name');
    if (!CLUSTER_NAME.test(name)) {
      throw new Error(
        `${where}.name '${name}' must be a DNS-1123 label (lowercase letters, digits and '-', at most 63)`,
      );
    }
    if (seen.has(name)) throw new Error(`${where}.name '${name}' is repeated`);
    seen.add(name);
    return {
      name,
      kubeConfig: kubeConfigOf(c, where),
      mode: readMode(c, `${where}.mode`) ?? mode,
    };
  });
  return { mode, clusters };
}
