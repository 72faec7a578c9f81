// Kubernetes mode on any number of clusters, each in its own mode: observe
// (upstream Kratix reconciles there) or reconcile (this plugin is that
// cluster's controller: its own Lease, controller, queue and run log).
// The REST API serves each under /clusters/<name>/; with one cluster, also
// without the prefix.
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import path from 'node:path';
import { KratixConfig } from '../config';
import { StatusPublisher } from '../reconciler/StatusPublisher';
import { KratixApi } from '../service/KratixApi';
import { KratixEngine } from '../service/KratixEngine';
import { KratixCluster, KubernetesModeConfig } from './clusterConfig';
import { createClusterEngine } from './clusterEngine';
import { createReconcileEngine } from './reconcile/reconcileEngine';
import { clusterStateStore } from '../stateStore/clusterStateStore';

type ReconcileOptions = Parameters<typeof createReconcileEngine>[0];

/**
 * With one cluster, refs need not name it: its changes go out under the
 * plain key too (as observe mode's do), so a card on `<promise>/<ns>/<name>`
 * stays live.
 */
function alsoUnnamed(publisher: StatusPublisher): StatusPublisher {
  const wrapped = Object.create(publisher) as StatusPublisher;
  wrapped.publish = async (key, stored) => {
    const { cluster, ...plain } = key;
    await Promise.all([
      publisher.publish(key, stored),
      cluster ? publisher.publish(plain, stored) : undefined,
    ]);
  };
  return wrapped;
}

/**
 * The config a reconcile-mode cluster runs with. With several such
 * clusters, each keeps its outputs apart: the state store folder (and the
 * git store's `path`) gets a folder named after the cluster.
 */
export function reconcileConfigFor(
  config: KratixConfig,
  cluster: string,
  several: boolean,
): KratixConfig {
  if (!several) return { ...config };
  const git = config.stateStoreGit;
  return {
    ...config,
    stateStorePath: path.join(config.stateStorePath, cluster),
    stateStoreGit: git && {
      ...git,
      path: path.posix.join(git.path || '.', cluster),
    },
  };
}

export async function createKubernetesEngine(options: {
  kubernetes: KubernetesModeConfig;
  logger: LoggerService;
  publisher: StatusPublisher;
  /** For each cluster in reconcile mode: all but the cluster. */
  reconcile: Omit<ReconcileOptions, 'cluster'>;
}): Promise<KratixEngine> {
  const { kubernetes, logger, publisher } = options;
  const { clusters } = kubernetes;
  const single = clusters.length === 1;
  const modeOf = (c: KratixCluster) => c.mode ?? kubernetes.mode;
  const observed = clusters.filter(c => modeOf(c) === 'observe');
  const reconciled = clusters.filter(c => modeOf(c) === 'reconcile');

  const engines = new Map<string, KratixEngine>();
  if (observed.length > 0) {
    const engine = createClusterEngine({
      kubernetes: { ...kubernetes, clusters: observed },
      logger,
      publisher,
      single,
    });
    for (const c of observed) engines.set(c.name, engine);
  }
  // One after another: each migrates the database and claims a run folder.
  for (const cluster of reconciled) {
    const base = options.reconcile;
    engines.set(
      cluster.name,
      await createReconcileEngine({
        ...base,
        publisher:
          single && base.publisher
            ? alsoUnnamed(base.publisher)
            : base.publisher,
        cluster,
        stateStore:
          base.stateStore && reconciled.length > 1
            ? clusterStateStore(base.stateStore, cluster.name)
            : base.stateStore,
        config: reconcileConfigFor(
          base.config,
          cluster.name,
          reconciled.length > 1,
        ),
      }),
    );
  }

  const names = clusters.map(c => c.name).join(', ');
  const distinct = [...new Set(engines.values())];
  return {
    api: (cluster?: string): KratixApi => {
      if (cluster === undefined) {
        if (single) return engines.get(clusters[0].name)!.api(undefined);
        throw new InputError(
          `Several clusters are configured (${names}): name one, as /clusters/<name>/... or a ref <cluster>/<promise>/<namespace>/<name>`,
        );
      }
      const engine = engines.get(cluster);
      if (!engine) {
        throw new NotFoundError(
          `No cluster '${cluster}'; the clusters are ${names}`,
        );
      }
      return engine.api(cluster);
    },
    // A cluster that cannot start (down, say) does not hold up the others;
    // its engine keeps trying on its own.
    start: async () => {
      const results = await Promise.allSettled(distinct.map(e => e.start()));
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          logger.error(
            `Kratix Kubernetes mode: an engine did not start (${
              [...engines].find(([, e]) => e === distinct[i])?.[0]
            }): ${r.reason}`,
          );
        }
      });
    },
    stop: async () => {
      await Promise.allSettled(distinct.map(e => e.stop()));
    },
  };
}
