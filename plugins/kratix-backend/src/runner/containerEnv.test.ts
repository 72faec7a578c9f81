import { resolveContainerEnv } from './containerEnv';

const sources = {
  secrets: { 'db-creds': { password: 's3cret' } },
  configMaps: { settings: { region: 'eu-west-1' } },
};

describe('resolveContainerEnv', () => {
  it('resolves values, Secret keys and ConfigMap keys', () => {
    expect(
      resolveContainerEnv(
        [
          { name: 'SIZE', value: '10Gb' },
          { name: 'EMPTY' },
          {
            name: 'PASSWORD',
            valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } },
          },
          {
            name: 'REGION',
            valueFrom: {
              configMapKeyRef: { name: 'settings', key: 'region' },
            },
          },
        ],
        sources,
      ),
    ).toEqual({
      env: {
        SIZE: '10Gb',
        EMPTY: '',
        PASSWORD: 's3cret',
        REGION: 'eu-west-1',
      },
      notes: [],
    });
  });

  it('names the missing key and the config key that provides it', () => {
    const result = resolveContainerEnv(
      [
        {
          name: 'TOKEN',
          valueFrom: { secretKeyRef: { name: 'db-creds', key: 'token' } },
        },
      ],
      sources,
    );
    expect(result).toEqual({
      error:
        'env TOKEN: Secret "db-creds" has no key "token"; set kratix.runner.process.secrets["db-creds"]["token"]',
    });
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('leaves out an optional missing key, and sources it cannot resolve, with a note', () => {
    expect(
      resolveContainerEnv(
        [
          {
            name: 'MAYBE',
            valueFrom: {
              configMapKeyRef: { name: 'nope', key: 'x', optional: true },
            },
          },
          { name: 'NODE', valueFrom: { other: ['fieldRef'] } },
        ],
        {},
      ),
    ).toEqual({
      env: {},
      notes: [
        'env MAYBE not set: optional ConfigMap key missing',
        'env NODE skipped: valueFrom fieldRef is not supported by the process runner (only value, secretKeyRef and configMapKeyRef)',
      ],
    });
  });
});
