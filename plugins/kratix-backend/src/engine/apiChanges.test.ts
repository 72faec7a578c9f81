import { checkApiChange } from './apiChanges';
import { parsePromise } from './promise';

const promise = (change: (spec: any) => void = () => {}) => {
  const spec: any = {
    group: 'example.io',
    names: { kind: 'Database', plural: 'databases' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true }],
  };
  change(spec);
  return parsePromise({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'db' },
    spec: { api: { spec } },
  });
};

describe('checkApiChange', () => {
  it('accepts a new version or schema', () => {
    expect(() =>
      checkApiChange(
        promise(),
        promise(s => s.versions.push({ name: 'v2', served: true })),
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'group',
      (s: any) => (s.group = 'other.io'),
      /spec\.api\.spec\.group: Invalid value: 'other.io': field is immutable/,
    ],
    [
      'kind',
      (s: any) => (s.names.kind = 'Db'),
      /spec\.api\.spec\.names\.kind: .*'Db'/,
    ],
    [
      'plural',
      (s: any) => (s.names.plural = 'dbs'),
      /spec\.api\.spec\.names\.plural: .*'dbs'/,
    ],
    [
      'scope',
      (s: any) => (s.scope = 'Cluster'),
      /spec\.api\.spec\.scope: .*'Cluster'/,
    ],
  ])('refuses a new %s', (_name, change, message) => {
    expect(() => checkApiChange(promise(), promise(change))).toThrow(message);
  });

  it('refuses to remove the API', () => {
    const none = parsePromise({
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'Promise',
      metadata: { name: 'db' },
    });
    expect(() => checkApiChange(promise(), none)).toThrow(
      /spec\.api: cannot remove the API/,
    );
  });
});
