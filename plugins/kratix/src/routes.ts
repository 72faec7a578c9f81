import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the legacy app mounts the Kratix entity tab. */
export const entityContentRouteRef = createRouteRef({ id: 'kratix' });
