import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { kratixApi } from './apis';
import { kratixStatusEntityCard } from './entityCard';
import { kratixEntityContent } from './entityContent';
import { kratixPage, kratixPageRouteRef } from './page';

/**
 * The Kratix frontend plugin for the new frontend system: an entity card
 * (`entity-card:kratix/status`), an entity tab (`entity-content:kratix`, path
 * `kratix`), the Kratix page (`page:kratix`, `/kratix`, in the nav) and the
 * REST client (`api:kratix`).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kratix',
  info: { packageJson: () => import('../../package.json') },
  routes: { root: kratixPageRouteRef },
  extensions: [
    kratixApi,
    kratixStatusEntityCard,
    kratixEntityContent,
    kratixPage,
  ],
});
