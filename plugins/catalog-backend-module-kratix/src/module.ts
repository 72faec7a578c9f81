import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { readProviderConfig } from './config';
import {
  KRATIX_EVENTS_TOPIC,
  KratixEntityProvider,
  KratixObjectKey,
} from './KratixEntityProvider';
import { KratixObjectsClient } from './KratixObjectsClient';
import { retryUntilDone } from './retry';

/**
 * Adds the Kratix entity provider to the catalog: each Promise as an API
 * entity, each Resource as a Resource entity, updated on the Kratix
 * backend's change events.
 *
 * @public
 */
export const catalogModuleKratix = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kratix',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
      },
      async init(deps) {
        const { logger, discovery } = deps;
        const config = readProviderConfig(deps.config);
        const provider = new KratixEntityProvider({
          client: new KratixObjectsClient(deps),
          logger,
          clusters: config.clusters,
          entityOptions: async () => ({
            ...config,
            apiBaseUrl: await discovery.getExternalBaseUrl('kratix'),
          }),
        });
        deps.catalog.addEntityProvider(provider);

        await deps.events.subscribe({
          id: 'kratix-entity-provider',
          topics: [KRATIX_EVENTS_TOPIC],
          onEvent: async ({ eventPayload }) => {
            const key = (eventPayload as { key?: KratixObjectKey })?.key;
            if (key?.kind && key.promise && key.name) {
              provider.objectChanged(key);
            }
          },
        });

        // Everything at start, once the Kratix API answers; then a safety net.
        const controller = new AbortController();
        deps.lifecycle.addStartupHook(() => {
          void retryUntilDone(() => provider.refresh(), {
            signal: controller.signal,
            onError: (e, delayMs) =>
              logger.warn(
                `Kratix entities not read yet, trying again in ${delayMs} ms: ${e.message}`,
              ),
          });
        });
        deps.lifecycle.addShutdownHook(() => controller.abort());
        await deps.scheduler.scheduleTask({
          id: 'kratix-entity-provider:refresh',
          ...config.schedule,
          fn: () => provider.refresh(),
        });
      },
    });
  },
});
