import { entityWith } from '../__testUtils__/fixtures';
import { entitiesByResource } from './entityLinks';

describe('entitiesByResource', () => {
  it('prefers the Resource entity, then one naming only the Resource', () => {
    const user = { ...entityWith('iam/default/u, postgres/db') };
    const only = {
      ...entityWith('iam/u'),
      metadata: { ...entityWith('iam/u').metadata, name: 'z-only' },
    };
    const asResource = {
      ...entityWith('iam/default/u, postgres/default/db'),
      kind: 'Resource',
      metadata: { ...entityWith().metadata, name: 'u-resource' },
    };
    asResource.metadata.annotations = {
      'kratix.io/resource-ref': 'iam/default/u, postgres/default/db',
    };

    const links = entitiesByResource([user, only]);
    expect(links.get('iam/default/u')?.name).toBe('z-only');
    expect(links.get('postgres/default/db')).toEqual({
      kind: 'Component',
      namespace: 'default',
      name: 'orders',
    });
    expect(
      entitiesByResource([user, only, asResource]).get('iam/default/u')?.name,
    ).toBe('u-resource');
  });

  it('skips the bad parts of an annotation', () => {
    const links = entitiesByResource([entityWith('bad/, iam/u')]);
    expect([...links.keys()]).toEqual(['iam/default/u']);
  });
});
