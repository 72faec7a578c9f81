import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  kratixPermissions,
  kratixResourcePermissions,
} from '@kratix-backstage/plugin-kratix-common';
import { resourceEntriesLoader } from './permissions/getResources';
import { kratixResourcePermissionResourceRef } from './permissions/resourceRef';
import { kratixResourceRules } from './permissions/rules';
import { readKratixConfig } from './config';
import { StatusPublisher } from './reconciler/StatusPublisher';
import { createEmbeddedEngine } from './service/embeddedEngine';
import { createKubernetesEngine } from './kubernetes/kubernetesEngine';
import { readLeaderElectionConfig } from './kubernetes/reconcile/leaderElection';
import { readReconcileSettings } from './kubernetes/reconcile/reconcileSettings';
import { createRouter } from './service/router';
import { KratixEngine } from './service/KratixEngine';
import {
  createEngineParts,
  kratixEngineExtensionPoint,
} from './engineExtensionPoint';
import { applySeedFiles } from './service/seed';

/**
 * The Kratix backend plugin: hosts the engine and serves `/api/kratix`.
 *
 * @public
 */
export const kratixPlugin = createBackendPlugin({
  pluginId: 'kratix',
  register(env) {
    const { parts, extensionPoint } = createEngineParts();
    env.registerExtensionPoint(kratixEngineExtensionPoint, extensionPoint);
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
        const publisher = new StatusPublisher({
          signals: deps.signals,
          events: deps.events,
          includeStatus: config.signalsIncludeStatus,
          logger: deps.logger,
        });
        const { kubernetes } = config;
        let engine: KratixEngine;
        if (kubernetes) {
          // Each cluster in its mode: observe, or reconcile (its own Lease,
          // controller, queue and runs).
          engine = await createKubernetesEngine({
            kubernetes,
            logger: deps.logger,
            publisher,
            reconcile: {
              config,
              database: deps.database,
              logger: deps.logger,
              publisher,
              stateStore: parts.stateStore,
              leaderElection: readLeaderElectionConfig(deps.config),
              reconcile: readReconcileSettings(deps.config),
            },
          });
        } else {
          engine = await createEmbeddedEngine({
            ...deps,
            ...parts,
            config,
            publisher,
          });
        }
        const apiFor = (cluster?: string) => engine.api(cluster);
        deps.permissionsRegistry.addPermissions(kratixPermissions);
        deps.permissionsRegistry.addResourceType({
          resourceRef: kratixResourcePermissionResourceRef,
          permissions: kratixResourcePermissions,
          rules: Object.values(kratixResourceRules),
          getResources: resourceEntriesLoader(apiFor),
        });
        deps.httpRouter.use(
          await createRouter({
            apiFor,
            clusters: kubernetes?.clusters.map(c => c.name) ?? [],
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            resourceRules: deps.permissionsRegistry.getPermissionRuleset(
              kratixResourcePermissionResourceRef,
            ),
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });

        deps.lifecycle.addStartupHook(async () => {
          await engine.start();
          if (config.seedFiles.length > 0) {
            await applySeedFiles(engine.api(), config.seedFiles, deps.logger);
          }
        });
        deps.lifecycle.addShutdownHook(() => engine.stop());
      },
    });
  },
});
