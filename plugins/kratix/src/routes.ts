import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the legacy app mounts the Kratix entity tab. */
export const entityContentRouteRef = createRouteRef({ id: 'kratix' });

/** Where the legacy app mounts the Kratix page (`/kratix`). */
export const rootRouteRef = createRouteRef({ id: 'kratix-page' });
