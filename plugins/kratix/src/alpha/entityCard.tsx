import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isKratixAvailable } from '@kratix-backstage/plugin-kratix-common';

/** The Kratix status card, on entities with `kratix.io/resource-ref`. @alpha */
export const kratixStatusEntityCard = EntityCardBlueprint.make({
  name: 'status',
  params: {
    filter: isKratixAvailable,
    loader: () =>
      import('../components/EntityKratixStatusCard').then(m => (
        <m.EntityKratixStatusCard />
      )),
  },
});
