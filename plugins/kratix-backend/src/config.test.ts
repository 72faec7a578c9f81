import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { readKratixConfig } from './config';

describe('readKratixConfig: the state store folder', () => {
  it('is per instance by default: in the backend working directory', () => {
    expect(readKratixConfig(new ConfigReader({})).stateStorePath).toBe(
      path.join(process.cwd(), 'kratix-state-store'),
    );
  });

  it("follows Backstage's backend.workingDirectory", () => {
    const config = new ConfigReader({
      backend: { workingDirectory: '/srv/backstage' },
    });
    expect(readKratixConfig(config).stateStorePath).toBe(
      '/srv/backstage/kratix-state-store',
    );
  });

  it('takes kratix.stateStore.path, relative to the working directory', () => {
    const config = new ConfigReader({
      kratix: { stateStore: { path: '../state' } },
    });
    expect(readKratixConfig(config).stateStorePath).toBe(
      path.resolve('../state'),
    );
  });
});
