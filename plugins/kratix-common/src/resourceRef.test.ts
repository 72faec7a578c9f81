import {
  getEntityResourceRefs,
  isKratixAvailable,
  parseResourceRef,
  parseResourceRefs,
  resourceSignalChannel,
  stringifyResourceRef,
} from './resourceRef';

describe('resource refs', () => {
  it('parses the three-part form', () => {
    expect(parseResourceRef('postgres/team-a/db')).toEqual({
      promise: 'postgres',
      namespace: 'team-a',
      name: 'db',
    });
  });

  it('defaults the namespace for the two-part form', () => {
    expect(parseResourceRef('redis/cache')).toEqual({
      promise: 'redis',
      namespace: 'default',
      name: 'cache',
    });
  });

  it('parses a comma-separated list and round-trips', () => {
    const refs = parseResourceRefs('a/x, b/ns/y,');
    expect(refs.map(stringifyResourceRef)).toEqual(['a/default/x', 'b/ns/y']);
  });

  it('parses the four-part form, which names the cluster, and round-trips', () => {
    const ref = parseResourceRef('prod/postgres/team-a/db');
    expect(ref).toEqual({
      cluster: 'prod',
      promise: 'postgres',
      namespace: 'team-a',
      name: 'db',
    });
    expect(stringifyResourceRef(ref)).toBe('prod/postgres/team-a/db');
    expect(resourceSignalChannel(ref)).toBe('kratix:prod:postgres:team-a:db');
    expect(resourceSignalChannel({ ...ref, cluster: undefined })).toBe(
      'kratix:postgres:team-a:db',
    );
  });

  it.each(['', 'justone', 'a/b/c/d/e', 'a//b'])('refuses %p', value => {
    expect(() => parseResourceRef(value)).toThrow(
      /Invalid Kratix resource ref/,
    );
  });

  it('reads the annotation from an entity', () => {
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'c',
        annotations: { 'kratix.io/resource-ref': 'iam/default/u' },
      },
    };
    expect(isKratixAvailable(entity)).toBe(true);
    expect(getEntityResourceRefs(entity)).toHaveLength(1);
    expect(isKratixAvailable({ ...entity, metadata: { name: 'c' } })).toBe(
      false,
    );
  });
});
