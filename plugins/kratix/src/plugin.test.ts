import { kratixApiRef } from './api';
import {
  EntityKratixContent,
  EntityKratixStatusCard,
  kratixPlugin,
} from './plugin';
import * as index from './index';

describe('kratix plugin (legacy frontend system)', () => {
  it('registers the Kratix client for kratixApiRef', () => {
    expect(kratixPlugin.getId()).toBe('kratix');
    const apis = [...kratixPlugin.getApis()];
    expect(apis.map(a => a.api.id)).toEqual([kratixApiRef.id]);
    expect(kratixPlugin.routes.entityContent).toBeDefined();
    expect(kratixPlugin.routes.root).toBeDefined();
  });

  it('exports the Kratix page and the catalog column', () => {
    expect(index.KratixPage).toBeDefined();
    expect(index.kratixStatusColumn().title).toBe('Kratix');
  });

  it('exports the card, the tab and the helpers from the main entry', () => {
    expect(index.EntityKratixStatusCard).toBe(EntityKratixStatusCard);
    expect(index.EntityKratixContent).toBe(EntityKratixContent);
    expect(
      index.isKratixAvailable({
        apiVersion: 'a',
        kind: 'k',
        metadata: { name: 'n' },
      }),
    ).toBe(false);
    expect(typeof index.KratixClient).toBe('function');
    expect((index as Record<string, unknown>).default).toBeUndefined();
  });
});
