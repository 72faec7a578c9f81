import path from 'node:path';
import { StateStore } from '../engine';

/**
 * One state store shared by several reconcile-mode clusters (one given
 * through the extension point): each cluster's workloads go under a folder
 * named after it in each Destination, so the same Resource on two clusters
 * never overwrites the other's outputs.
 */
export function clusterStateStore(
  store: StateStore,
  cluster: string,
): StateStore {
  const scoped = (workloadPath: string) =>
    path.posix.join(cluster, workloadPath);
  return {
    writeWorkload: options =>
      store.writeWorkload({
        ...options,
        workloadPath: scoped(options.workloadPath),
      }),
    deleteWorkload: options =>
      store.deleteWorkload({
        ...options,
        workloadPath: scoped(options.workloadPath),
      }),
  };
}
