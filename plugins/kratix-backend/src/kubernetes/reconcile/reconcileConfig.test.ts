import { ConfigReader } from '@backstage/config';
import { readKubernetesConfig } from '../clusterConfig';

const kratix = (kubernetes: object) => new ConfigReader({ kubernetes }, 'test');
const cluster = (name: string) => ({
  name,
  url: 'https://127.0.0.1:6443',
  serviceAccountToken: 't',
});

describe('kratix.kubernetes.mode', () => {
  it('is observe by default, or reconcile', () => {
    expect(
      readKubernetesConfig(kratix({ clusters: [cluster('a')] }))?.mode,
    ).toBe('observe');
    const read = readKubernetesConfig(
      kratix({ mode: 'reconcile', clusters: [cluster('a')] }),
    );
    expect(read?.mode).toBe('reconcile');
    expect(read?.clusters.map(c => c.name)).toEqual(['a']);
  });

  it('applies to each cluster that names no mode of its own; an unknown mode is named', () => {
    const read = readKubernetesConfig(
      kratix({
        mode: 'reconcile',
        clusters: [cluster('a'), { ...cluster('b'), mode: 'observe' }],
      }),
    );
    expect(read?.clusters.map(c => [c.name, c.mode])).toEqual([
      ['a', 'reconcile'],
      ['b', 'observe'],
    ]);
    expect(() =>
      readKubernetesConfig(
        kratix({ mode: 'manage', clusters: [cluster('a')] }),
      ),
    ).toThrow("Invalid config kratix.kubernetes.mode 'manage'");
    expect(() =>
      readKubernetesConfig(
        kratix({ clusters: [cluster('a'), { ...cluster('b'), mode: 'x' }] }),
      ),
    ).toThrow("Invalid config kratix.kubernetes.clusters[1].mode 'x'");
  });
});
