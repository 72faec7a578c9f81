// Kubernetes observe mode: upstream Kratix reconciles on the cluster; this
// watches it, answers from the watch cache and writes to the API server.
import { LoggerService } from '@backstage/backend-plugin-api';
import { KratixEngine } from '../service/KratixEngine';
import { StatusPublisher } from '../reconciler/StatusPublisher';
import { resourceKey } from '../reconciler/keys';
import { KubernetesModeConfig } from './clusterConfig';
import { ClusterCache } from './ClusterCache';
import { ClusterKratixService } from './ClusterKratixService';

export function createClusterEngine(options: {
  kubernetes: KubernetesModeConfig;
  logger: LoggerService;
  publisher: StatusPublisher;
}): KratixEngine {
  const { logger, publisher } = options;
  const caches = options.kubernetes.clusters.map(
    cluster =>
      new ClusterCache(
        cluster,
        {
          onResource: (promise, namespace, name, object) => {
            const key = resourceKey(promise, namespace, name);
            void publisher.publish(
              key,
              object && { key, object, specHash: '' },
            );
          },
        },
        logger.child({ cluster: cluster.name }),
      ),
  );
  return {
    api: new ClusterKratixService(caches[0]),
    start: async () => {
      await Promise.all(caches.map(c => c.start()));
    },
    stop: async () => {
      await Promise.all(caches.map(c => c.stop()));
    },
  };
}
