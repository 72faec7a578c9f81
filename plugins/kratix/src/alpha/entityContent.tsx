import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isKratixAvailable } from '@kratix-backstage/plugin-kratix-common';

/** The Kratix entity tab, on entities with `kratix.io/resource-ref`. @alpha */
export const kratixEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'kratix',
    title: 'Kratix',
    filter: isKratixAvailable,
    loader: () =>
      import('../components/EntityKratixContent').then(m => (
        <m.EntityKratixContent />
      )),
  },
});
