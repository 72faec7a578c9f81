import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/kratix',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const kratixPlugin = createFrontendPlugin({
  pluginId: 'kratix',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
