import { ConfigReader } from '@backstage/config';
import { readKratixConfig } from '../config';
import { reconcileConfigFor } from './kubernetesEngine';

const config = (stateStore: object) =>
  readKratixConfig(new ConfigReader({ kratix: { stateStore } }));

describe('reconcileConfigFor', () => {
  it('keeps the state store as it is with one reconcile cluster', () => {
    const base = config({ path: '/var/kratix' });
    const one = reconcileConfigFor(base, 'prod', false);
    expect(one.stateStorePath).toBe('/var/kratix');
    // A copy: the engine claims its run folder on it, not on the base.
    expect(one).not.toBe(base);
  });

  it('gives each of several a folder of its own, on disk and in git', () => {
    expect(
      reconcileConfigFor(config({ path: '/var/kratix' }), 'prod', true)
        .stateStorePath,
    ).toBe('/var/kratix/prod');
    const git = (path?: string) =>
      reconcileConfigFor(
        config({
          path: '/var/kratix',
          type: 'git',
          git: {
            url: 'file:///srv/state.git',
            ...(path !== undefined && { path }),
          },
        }),
        'prod',
        true,
      );
    expect(git().stateStoreGit?.path).toBe('prod');
    expect(git('platform/destinations').stateStoreGit?.path).toBe(
      'platform/destinations/prod',
    );
    expect(git().stateStorePath).toBe('/var/kratix/prod');
  });
});
