import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { KratixEngineClient } from './client/KratixEngineClient';
import { createKratixActions } from './actions';
import { registerKratixActions } from './mcp/registerKratixActions';

/**
 * Adds the `kratix:resource:*` and `kratix:catalog:wait` actions to the
 * scaffolder.
 *
 * @public
 */
export const kratixScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kratix',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({ scaffolderActions, auth, discovery, catalog }) {
        const engine = new KratixEngineClient({ auth, discovery });
        scaffolderActions.addActions(
          ...createKratixActions({ engine, catalog }),
        );
      },
    });
  },
});

/**
 * Registers the Kratix actions (`kratix:request-resource`, …) in the
 * actions registry of the `kratix` plugin, for MCP clients.
 *
 * @public
 */
export const kratixActionsModule = createBackendModule({
  pluginId: 'kratix',
  moduleId: 'actions',
  register({ registerInit }) {
    registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({ actionsRegistry, auth, discovery, catalog }) {
        const engine = new KratixEngineClient({ auth, discovery });
        registerKratixActions(actionsRegistry, { engine, catalog });
      },
    });
  },
});
