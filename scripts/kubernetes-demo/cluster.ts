// The demo's API server, reached with the kubeconfig that
// kube-test-cluster.sh wrote. Used by the seed script and the browser test.
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface DemoCluster {
  /** For CRDs: typed models keep their x-kubernetes-* keys. */
  objects: KubernetesObjectApi;
  custom: CustomObjectsApi;
  batch: BatchV1Api;
  core: CoreV1Api;
}

export function connect(kubeconfig: string): DemoCluster {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    objects: KubernetesObjectApi.makeApiClient(kc),
    custom: kc.makeApiClient(CustomObjectsApi),
    batch: kc.makeApiClient(BatchV1Api),
    core: kc.makeApiClient(CoreV1Api),
  };
}

/** Options of a status patch: a JSON Merge Patch, as `kubectl patch --type merge`. */
export const mergePatch = setHeaderOptions(
  'Content-Type',
  PatchStrategy.MergePatch,
);

/**
 * Retries for up to 10 s: a new CRD is served a moment after it is
 * created. The last error says what failed.
 */
export async function retry<T>(what: string, work: () => Promise<T>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await work();
    } catch (e) {
      if (Date.now() > deadline) {
        const body = (e as { body?: unknown }).body;
        throw new Error(`${what}: ${e}${body ? ` ${body}` : ''}`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}
