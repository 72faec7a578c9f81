// The embedded engine: objects in the Backstage database, pipelines as
// sandboxed local processes (or a module's runner), reconciled here.
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import { KratixConfig } from '../config';
import { EngineParts } from '../engineExtensionPoint';
import { DatabaseKratixStore } from '../database/DatabaseKratixStore';
import { ProcessPipelineRunner } from '../runner/ProcessPipelineRunner';
import { claimRunDirectory } from '../runner/runDirectory';
import { stateStoreFromConfig } from '../stateStore/stateStoreFromConfig';
import { Reconciler } from '../reconciler/Reconciler';
import { StatusPublisher } from '../reconciler/StatusPublisher';
import { WorkflowMetrics } from '../reconciler/WorkflowMetrics';
import { KratixService } from './KratixService';
import { KratixEngine } from './KratixEngine';

/** `runner` and `stateStore`: a module's, instead of the defaults. */
export async function createEmbeddedEngine(
  options: EngineParts & {
    config: KratixConfig;
    database: DatabaseService;
    logger: LoggerService;
    metrics: MetricsService;
    publisher: StatusPublisher;
  },
): Promise<KratixEngine> {
  const { config, logger, publisher } = options;
  config.workDir = await claimRunDirectory(config.workDir);
  const store = await DatabaseKratixStore.create(options.database, {
    maxLogBytes: config.logMaxBytes,
  });
  // Every write of an object, by the reconciler or the API, is published.
  store.onChange(change => publisher.publish(change.key, change.stored));
  // The local runner only when no module gave one.
  const local = options.runner
    ? undefined
    : await startLocalRunner(config, logger);
  const runner = options.runner ?? local!;
  // The fields the local process runner cannot honour are warned of.
  const processRunnerImages = local ? config.runner.images : undefined;
  const reconciler = new Reconciler({
    processRunnerImages,
    store,
    runner,
    stateStore: options.stateStore ?? stateStoreFromConfig(config, logger),
    logger,
    config,
    metrics: new WorkflowMetrics(options.metrics, () => store.countClaimable()),
  });
  const api = new KratixService({
    processRunnerImages,
    store,
    wake: () => reconciler.wake(),
  });
  return {
    api: cluster => {
      if (cluster === undefined) return api;
      throw new NotFoundError(
        `No cluster '${cluster}': the embedded Kratix engine has no clusters (kratix.kubernetes is not configured)`,
      );
    },
    start: () => reconciler.start(),
    stop: async () => {
      await reconciler.stop(config.runner.shutdownGraceMs);
      await local?.close();
    },
  };
}

/** Sandboxed local processes: the default runner. */
async function startLocalRunner(
  config: KratixConfig,
  logger: LoggerService,
): Promise<ProcessPipelineRunner> {
  const runner = new ProcessPipelineRunner({
    images: config.runner.images,
    sandbox: config.runner.sandbox,
    workDir: config.workDir,
    timeoutMs: config.runner.timeoutMs,
    secrets: config.runner.secrets,
    configMaps: config.runner.configMaps,
  });
  const probe = await runner.probe();
  logger.info(`Kratix pipelines run in sandbox: ${probe.sandbox}`);
  for (const warning of probe.warnings) logger.warn(warning);
  return runner;
}
