// Kubernetes reconcile mode (`kratix.kubernetes.mode: reconcile`): this
// plugin is the cluster's Kratix controller. The embedded engine's
// Reconciler runs on the cluster's objects (ReconcileObjectStore), its
// queue and run log in the database, its pipelines as Pods.
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { KratixConfig } from '../../config';
import { DatabaseKratixStore } from '../../database/DatabaseKratixStore';
import { Reconciler } from '../../reconciler/Reconciler';
import { StatusPublisher } from '../../reconciler/StatusPublisher';
import { claimRunDirectory } from '../../runner/runDirectory';
import { KratixEngine } from '../../service/KratixEngine';
import { StateStore } from '../../engine';
import { stateStoreFromConfig } from '../../stateStore/stateStoreFromConfig';
import { KratixCluster } from '../clusterConfig';
import { ClusterController } from './ClusterController';
import { Leadership, alwaysLeader } from './leadership';
import { LeaderElectionSettings, LeaderElector } from './leaderElection';
import { AdoptedRuns, adoptPipelinePods } from './podAdoption';
import { PodPipelineRunner } from './PodPipelineRunner';
import { ReconcileObjectStore } from './ReconcileObjectStore';
import { reconcileStore } from './reconcileStore';
import { NotFoundError } from '@backstage/errors';
import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import { ChangeFeed } from '../../database/changeFeed';
import { CoreV1Api, KubernetesObject } from '@kubernetes/client-node';
import { ClusterHealthRecords, HealthRecordSync } from './clusterHealthRecords';
import { ReconcileKratixService } from './liveLogs';
import { ReconcileSettings } from './reconcileSettings';
import { PODS_TO_KEEP_DEFAULT } from './podRetention';
import { PipelinePodCache } from './pipelinePodCache';

export async function createReconcileEngine(options: {
  cluster: KratixCluster;
  config: KratixConfig;
  database: DatabaseService | { store: DatabaseKratixStore };
  logger: LoggerService;
  publisher?: StatusPublisher;
  /**
   * Several replicas: only the leader reconciles. Given `leaderElection`
   * (and no `leadership`), a Lease elects it; else this one always leads.
   */
  leadership?: Leadership;
  leaderElection?: LeaderElectionSettings;
  stateStore?: StateStore;
  /** How often the watch cache is swept for missed triggers; default 5 s. */
  sweepMs?: number;
  /** `kratix.kubernetes.reconcile`; defaults as readReconcileSettings. */
  reconcile?: Partial<ReconcileSettings>;
}): Promise<KratixEngine & { controller: ClusterController }> {
  const { cluster, config, publisher } = options;
  const logger = options.logger.child({ cluster: cluster.name });
  config.workDir = await claimRunDirectory(config.workDir);
  const database =
    'store' in options.database
      ? options.database.store
      : await DatabaseKratixStore.create(options.database, {
          maxLogBytes: config.logMaxBytes,
          // Each cluster's queue, runs and placements apart from others'.
          cluster: cluster.name,
        });
  // The watch's Promise changes, for the controller made below.
  const promises = new ChangeFeed<{ name: string; object?: KratixPromise }>();
  const healthRecords = new ChangeFeed<KubernetesObject>();
  const objects = new ReconcileObjectStore(cluster, logger, {
    onPromise: (name, object) => void promises.emit({ name, object }),
    onHealthRecord: record => void healthRecords.emit(record),
  });
  const store = reconcileStore(
    objects,
    database,
    new ClusterHealthRecords(objects.cache),
  );
  const health = new HealthRecordSync({ cache: objects.cache, store, logger });
  if (publisher) store.onChange(c => publisher.publish(c.key, c.stored));
  // A former leader's Pods still wanted: watched, not run again.
  const adopted = new AdoptedRuns();
  const elector =
    !options.leadership && options.leaderElection
      ? new LeaderElector({
          kubeConfig: cluster.kubeConfig,
          logger,
          ...options.leaderElection,
        })
      : undefined;
  // Stepping down, this replica leaves its running Pods to the next leader.
  let steppingDown = false;
  // The leader's pipeline Pods, watched: pruning lists none per pipeline.
  const podCache = new PipelinePodCache(cluster.kubeConfig);
  const reconciler = new Reconciler({
    store,
    runner: adopted.wrap(
      new PodPipelineRunner({
        kubeConfig: cluster.kubeConfig,
        timeoutMs: config.runner.timeoutMs,
        logMaxBytes: config.logMaxBytes,
        workDir: config.workDir,
        podsToKeep: options.reconcile?.podsToKeep ?? PODS_TO_KEEP_DEFAULT,
        podCache,
        leavingPods: () => steppingDown,
      }),
    ),
    stateStore: options.stateStore ?? stateStoreFromConfig(config, logger),
    logger,
    config,
  });
  const controller = new ClusterController({
    store: objects,
    queue: store,
    reconciler,
    leadership: options.leadership ?? elector ?? alwaysLeader,
    onLeading: async () => {
      steppingDown = false;
      await podCache.start();
      const report = await adoptPipelinePods({
        kubeConfig: cluster.kubeConfig,
        adopted,
        logger,
      });
      logger.info(
        `Kratix reconcile mode: Pods of a former leader: ${report.adopted.length} adopted, ${report.deleted.length} deleted`,
      );
    },
    onStepDown: () => {
      steppingDown = true;
      podCache.stop();
    },
    onSweep: () => health.sweep(),
    logger,
    reconcileIntervalMs: config.reconcileIntervalMs,
    sweepMs: options.sweepMs,
    // Pods go on without this replica, for the next leader to adopt: its
    // workflows need not finish first.
    stopGraceMs: 0,
  });
  promises.subscribe(p => controller.onPromise(p.name, p.object));
  healthRecords.subscribe(async record => {
    if (controller.isLeading) await health.examine(record);
  });
  const api = new ReconcileKratixService(
    { store, wake: () => reconciler.wake() },
    {
      store,
      core: cluster.kubeConfig.makeApiClient(CoreV1Api),
      logMaxBytes: config.logMaxBytes,
    },
  );
  return {
    controller,
    api: name => {
      if (name === undefined || name === cluster.name) return api;
      throw new NotFoundError(
        `No cluster '${name}'; the cluster is ${cluster.name}`,
      );
    },
    start: async () => {
      await objects.start();
      controller.start();
      await elector?.start();
    },
    // The controller first: the Lease goes once its work has stopped, so
    // the next leader adopts the Pods it left.
    stop: async () => {
      await controller.stop();
      podCache.stop();
      await elector?.stop();
      await objects.stop();
    },
  };
}
