// The state store `kratix.stateStore` configures: a folder (default), or
// a branch of a git repository.
import { LoggerService } from '@backstage/backend-plugin-api';
import { KratixConfig } from '../config';
import { StateStore } from '../engine/interfaces';
import { FileSystemStateStore } from './FileSystemStateStore';
import { GitStateStore } from './GitStateStore';

export function stateStoreFromConfig(
  config: Pick<
    KratixConfig,
    'destinations' | 'stateStorePath' | 'stateStoreGit'
  >,
  logger: LoggerService,
): StateStore {
  const { destinations, stateStorePath, stateStoreGit } = config;
  if (!stateStoreGit) {
    return new FileSystemStateStore({ path: stateStorePath, destinations });
  }
  logger.info(
    `Kratix state store: ${stateStoreGit.url}, branch ${stateStoreGit.branch}, cloned in ${stateStorePath}`,
  );
  return new GitStateStore({
    git: stateStoreGit,
    workDir: stateStorePath,
    destinations,
    logger,
  });
}
