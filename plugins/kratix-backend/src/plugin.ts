import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { kratixPermissions } from '@kratix-backstage/plugin-kratix-common';
import { readKratixConfig } from './config';
import { DatabaseKratixStore } from './database/DatabaseKratixStore';
import { ProcessPipelineRunner } from './runner/ProcessPipelineRunner';
import { claimRunDirectory } from './runner/runDirectory';
import { FileSystemStateStore } from './stateStore/FileSystemStateStore';
import { Reconciler } from './reconciler/Reconciler';
import { StatusPublisher } from './reconciler/StatusPublisher';
import { WorkflowMetrics } from './reconciler/WorkflowMetrics';
import { KratixService } from './service/KratixService';
import { createRouter } from './service/router';
import { applySeedFiles } from './service/seed';

/**
 * The Kratix backend plugin: hosts the engine and serves `/api/kratix`.
 *
 * @public
 */
export const kratixPlugin = createBackendPlugin({
  pluginId: 'kratix',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        signals: signalsServiceRef,
        events: eventsServiceRef,
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const config = readKratixConfig(deps.config);
        config.workDir = await claimRunDirectory(config.workDir);
        const store = await DatabaseKratixStore.create(deps.database, {
          maxLogBytes: config.logMaxBytes,
        });
        const runner = new ProcessPipelineRunner({
          images: config.runner.images,
          sandbox: config.runner.sandbox,
          workDir: config.workDir,
          timeoutMs: config.runner.timeoutMs,
          secrets: config.runner.secrets,
          configMaps: config.runner.configMaps,
        });
        const probe = await runner.probe();
        deps.logger.info(`Kratix pipelines run in sandbox: ${probe.sandbox}`);
        for (const warning of probe.warnings) deps.logger.warn(warning);
        const publisher = new StatusPublisher({
          signals: deps.signals,
          events: deps.events,
          includeStatus: config.signalsIncludeStatus,
          logger: deps.logger,
        });
        const reconciler = new Reconciler({
          store,
          runner,
          stateStore: new FileSystemStateStore({ path: config.stateStorePath }),
          publisher,
          logger: deps.logger,
          config,
          metrics: new WorkflowMetrics(deps.metrics, () =>
            store.countClaimable(),
          ),
        });
        const service = new KratixService({
          store,
          publisher,
          wake: () => reconciler.wake(),
        });

        deps.permissionsRegistry.addPermissions(kratixPermissions);
        deps.httpRouter.use(
          await createRouter({
            service,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });

        await applySeedFiles(service, config.seedFiles, deps.logger);
        deps.lifecycle.addStartupHook(() => reconciler.start());
        deps.lifecycle.addShutdownHook(async () => {
          await reconciler.stop(config.runner.shutdownGraceMs);
          await runner.close();
        });
      },
    });
  },
});
