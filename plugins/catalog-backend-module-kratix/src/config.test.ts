import { ConfigReader } from '@backstage/config';
import { DEFAULT_SCHEDULE, readProviderConfig } from './config';

const read = (kratix?: object) =>
  readProviderConfig(new ConfigReader({ catalog: { providers: { kratix } } }));

describe('readProviderConfig', () => {
  it('has defaults for every key', () => {
    expect(read()).toEqual({
      owner: 'unknown',
      lifecycle: 'production',
      namespace: 'default',
      clusters: undefined,
      schedule: DEFAULT_SCHEDULE,
    });
  });

  it('reads the keys', () => {
    expect(
      read({
        owner: 'group:default/platform',
        lifecycle: 'experimental',
        namespace: 'kratix',
        clusters: ['prod'],
        schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
      }),
    ).toEqual({
      owner: 'group:default/platform',
      lifecycle: 'experimental',
      namespace: 'kratix',
      clusters: ['prod'],
      schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
    });
  });

  it('names the key of an owner that is not an entity ref', () => {
    expect(() => read({ owner: 'group:a b' })).toThrow(
      "catalog.providers.kratix.owner 'group:a b' is not an entity ref",
    );
  });
});
