import { PageBlueprint, createRouteRef } from '@backstage/frontend-plugin-api';
import LayersIcon from '@material-ui/icons/Layers';

/** The route of the Kratix page in the new frontend system. @alpha */
export const kratixPageRouteRef = createRouteRef();

/**
 * The Kratix page (`page:kratix`, path `/kratix`), with its item in the
 * app's navigation. Its header is its own (Backstage's `Header`).
 *
 * @alpha
 */
export const kratixPage = PageBlueprint.make({
  params: {
    path: '/kratix',
    title: 'Kratix',
    icon: <LayersIcon fontSize="inherit" />,
    routeRef: kratixPageRouteRef,
    noHeader: true,
    loader: () =>
      import('../components/KratixPage').then(m => <m.KratixPage />),
  },
});
