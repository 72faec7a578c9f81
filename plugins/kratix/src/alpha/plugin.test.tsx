import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { entityWith } from '../__testUtils__/fixtures';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import plugin, {
  kratixEntityContent,
  kratixPage,
  kratixStatusEntityCard,
} from './index';

describe('kratix plugin (new frontend system)', () => {
  it('provides the API, the entity card, the entity tab and the page', () => {
    expect(plugin.pluginId).toBe('kratix');
    expect(plugin.getExtension('page:kratix')).toBeDefined();
    expect(plugin.getExtension('api:kratix')).toBeDefined();
    expect(plugin.getExtension('entity-card:kratix/status')).toBeDefined();
    expect(plugin.getExtension('entity-content:kratix')).toBeDefined();
  });

  it('mounts the page at /kratix, in the nav as Kratix', () => {
    const tester = createExtensionTester(kratixPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/kratix');
    expect(tester.get(coreExtensionData.title)).toBe('Kratix');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('shows the card only on entities with the annotation', () => {
    const filter = createExtensionTester(kratixStatusEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(filter?.(entityWith('postgres/db'))).toBe(true);
    expect(filter?.(entityWith())).toBe(false);
  });

  it('mounts the tab at kratix, titled Kratix, only on annotated entities', () => {
    const tester = createExtensionTester(kratixEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Kratix');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(entityWith('postgres/team-a/db'))).toBe(true);
    expect(filter?.(entityWith())).toBe(false);
  });
});
