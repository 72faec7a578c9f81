// Issue 10: the demo (guest sign-in for anyone) listens on loopback only;
// production has no guest sign-in and may listen on every interface.
import { readHttpServerOptions } from '@backstage/backend-defaults/rootHttpRouter';
import { DEMO, PRODUCTION, loadAppConfig } from './__testUtils__/appConfig';

describe('the app-config files', () => {
  it('the demo signs in guests, listens on loopback only, checks permissions', async () => {
    const config = await loadAppConfig(...DEMO);
    expect(config.has('auth.providers.guest')).toBe(true);
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '127.0.0.1',
      port: 7007,
    });
    expect(config.getBoolean('permission.enabled')).toBe(true);
    expect(
      config.getOptional('permission.kratix.platformTeam'),
    ).toBeUndefined();
  });

  it('production has no guest sign-in, listens on every interface, checks permissions', async () => {
    const config = await loadAppConfig(...PRODUCTION);
    expect(config.has('auth.providers.guest')).toBe(false);
    expect(config.getConfig('auth.providers').keys()).not.toContain('guest');
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '',
      port: 7007,
    });
    expect(config.getBoolean('permission.enabled')).toBe(true);
  });
});
