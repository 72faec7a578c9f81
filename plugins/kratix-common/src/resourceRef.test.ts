import {
  getEntityResourceRefs,
  isKratixAvailable,
  parseResourceRef,
  parseResourceRefs,
  parseResourceRefsTolerant,
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

  it('tolerantly keeps the valid refs and names each bad part', () => {
    expect(() => parseResourceRefs('a/x, just-a-name, b/ns/y, a//z')).toThrow();
    const { refs, invalid } = parseResourceRefsTolerant(
      'a/x, just-a-name, b/ns/y, a//z,',
    );
    expect(refs.map(stringifyResourceRef)).toEqual(['a/default/x', 'b/ns/y']);
    expect(invalid.map(i => i.value)).toEqual(['just-a-name', 'a//z']);
    expect(invalid[0].message).toMatch(
      /Invalid Kratix resource ref 'just-a-name'/,
    );
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
