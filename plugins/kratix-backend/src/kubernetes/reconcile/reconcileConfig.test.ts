import { ConfigReader } from '@backstage/config';
import { readKubernetesConfig } from '../clusterConfig';

const kratix = (kubernetes: object) => new ConfigReader({ kubernetes }, 'test');
const cluster = (name: string) => ({
  name,
  url: 'https://127.0.0.1:6443',
  serviceAccountToken: 't',
});

describe('kratix.kubernetes.mode', () => {
  it('is observe by default, and may be reconcile with one cluster', () => {
    expect(
      readKubernetesConfig(kratix({ clusters: [cluster('a')] }))?.mode,
    ).toBe('observe');
    const read = readKubernetesConfig(
      kratix({ mode: 'reconcile', clusters: [cluster('a')] }),
    );
    expect(read?.mode).toBe('reconcile');
    expect(read?.clusters.map(c => c.name)).toEqual(['a']);
  });

  it('refuses reconcile with several clusters, and an unknown mode', () => {
    expect(() =>
      readKubernetesConfig(
        kratix({ mode: 'reconcile', clusters: [cluster('a'), cluster('b')] }),
      ),
    ).toThrow(
      "Config kratix.kubernetes.clusters names 2 clusters: mode 'reconcile' controls exactly one",
    );
    expect(() =>
      readKubernetesConfig(
        kratix({ mode: 'manage', clusters: [cluster('a')] }),
      ),
    ).toThrow("Invalid config kratix.kubernetes.mode 'manage'");
  });
});
