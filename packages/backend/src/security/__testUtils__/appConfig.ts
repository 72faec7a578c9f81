import path from 'node:path';
import { Config } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';

const repoRoot = path.resolve(__dirname, '../../../../..');

/**
 * The repo's own config files, merged in order as `yarn start --config ...`
 * does. `${VAR}`s read as `test-VAR`: no environment needed.
 */
export async function loadAppConfig(...files: string[]): Promise<Config> {
  const source = ConfigSources.defaultForTargets({
    rootDir: repoRoot,
    watch: false,
    targets: files.map(file => ({
      type: 'path' as const,
      target: path.join(repoRoot, file),
    })),
    substitutionFunc: async name => `test-${name}`,
  });
  return ConfigSources.toConfig(source);
}

export const DEMO = ['app-config.yaml'];
export const PRODUCTION = ['app-config.yaml', 'app-config.production.yaml'];
