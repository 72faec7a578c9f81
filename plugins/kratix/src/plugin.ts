import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { KratixClient, kratixApiRef } from './api';
import { entityContentRouteRef, rootRouteRef } from './routes';

/**
 * The Kratix frontend plugin for the legacy frontend system. For the new
 * frontend system use the default export of `@kratix-backstage/plugin-kratix/alpha`.
 *
 * @public
 */
export const kratixPlugin = createPlugin({
  id: 'kratix',
  apis: [
    createApiFactory({
      api: kratixApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KratixClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});

/**
 * Entity card with the live status of the entity's Kratix Resources.
 *
 * @public
 */
export const EntityKratixStatusCard = kratixPlugin.provide(
  createComponentExtension({
    name: 'EntityKratixStatusCard',
    component: {
      lazy: () =>
        import('./components/EntityKratixStatusCard').then(
          m => m.EntityKratixStatusCard,
        ),
    },
  }),
);

/**
 * Entity tab with status YAML, workflow runs, logs and reconcile.
 *
 * @public
 */
export const EntityKratixContent = kratixPlugin.provide(
  createRoutableExtension({
    name: 'EntityKratixContent',
    component: () =>
      import('./components/EntityKratixContent').then(
        m => m.EntityKratixContent,
      ),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * The Kratix page for platform engineers (mount it at `/kratix`): the
 * Promises, the Resources across them, and a view of each Resource.
 *
 * @public
 */
export const KratixPage = kratixPlugin.provide(
  createRoutableExtension({
    name: 'KratixPage',
    component: () => import('./components/KratixPage').then(m => m.KratixPage),
    mountPoint: rootRouteRef,
  }),
);
