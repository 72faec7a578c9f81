// Kubernetes observe mode: upstream Kratix reconciles on the cluster; this
// watches it, answers from the watch cache and writes to the API server.
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { KratixEngine } from '../service/KratixEngine';
import { StatusPublisher } from '../reconciler/StatusPublisher';
import { resourceKey } from '../reconciler/keys';
import { ObjectKey } from '../database/KratixStore';
import { KubernetesModeConfig } from './clusterConfig';
import { ClusterCache } from './ClusterCache';
import { ClusterKratixService } from './ClusterKratixService';

export function createClusterEngine(options: {
  kubernetes: KubernetesModeConfig;
  logger: LoggerService;
  publisher: StatusPublisher;
  /**
   * Whether refs and the API may leave the cluster unnamed; default: when
   * there is one cluster.
   */
  single?: boolean;
}): KratixEngine {
  const { logger, publisher } = options;
  const single = options.single ?? options.kubernetes.clusters.length === 1;
  const caches = options.kubernetes.clusters.map(
    cluster =>
      new ClusterCache(
        cluster,
        {
          onResource: (promise, namespace, name, object) => {
            const plain = resourceKey(promise, namespace, name);
            // Refs may name the cluster; with one cluster they need not.
            const keys: ObjectKey[] = [{ ...plain, cluster: cluster.name }];
            if (single) keys.push(plain);
            for (const key of keys) {
              void publisher.publish(
                key,
                object && { key, object, specHash: '' },
              );
            }
          },
        },
        logger.child({ cluster: cluster.name }),
      ),
  );
  const apis = new Map(
    caches.map(cache => [cache.cluster.name, new ClusterKratixService(cache)]),
  );
  const names = [...apis.keys()].join(', ');
  return {
    api: cluster => {
      if (cluster === undefined) {
        if (single) return apis.values().next().value!;
        throw new InputError(
          `Several clusters are configured (${names}): name one, as /clusters/<name>/... or a ref <cluster>/<promise>/<namespace>/<name>`,
        );
      }
      const found = apis.get(cluster);
      if (!found) {
        throw new NotFoundError(
          `No cluster '${cluster}'; the clusters are ${names}`,
        );
      }
      return found;
    },
    start: async () => {
      await Promise.all(caches.map(c => c.start()));
    },
    stop: async () => {
      await Promise.all(caches.map(c => c.stop()));
    },
  };
}
