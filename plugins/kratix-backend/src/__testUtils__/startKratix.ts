import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Knex } from 'knex';
import {
  TestDatabaseId,
  TestDatabases,
  TestBackend,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { kratixPlugin } from '../plugin';

/** Starts the real plugin on a real database, with fast engine timings. */
export async function startKratix(
  databases: TestDatabases,
  id: TestDatabaseId,
  options: {
    features?: any[];
    kratix?: { engine?: object; [key: string]: unknown };
    /** Other top-level config (e.g. `permission`). */
    config?: Record<string, unknown>;
    /** Share a database with another instance, as a second replica does. */
    knex?: Knex;
  } = {},
): Promise<{
  server: TestBackend['server'];
  stop: () => Promise<void>;
  knex: Knex;
  dir: string;
  markers: string;
}> {
  const knex = options.knex ?? (await databases.init(id));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-test-'));
  // Pipelines, in their sandbox as another user, may write `markers`.
  const markers = sandboxWritableDir(dir, 'markers');
  const backend = await startTestBackend({
    features: [
      kratixPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          kratix: {
            stateStore: { path: path.join(dir, 'state') },
            runner: { process: { sandbox: { writablePaths: [markers] } } },
            ...options.kratix,
            engine: {
              pollInterval: '50ms',
              leaseDuration: '2s',
              ...options.kratix?.engine,
            },
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return {
    server: backend.server,
    stop: () => backend.stop(),
    knex,
    dir,
    markers,
  };
}

/**
 * Makes `dir/name`, which pipelines (in their sandbox, as another user)
 * may write when it is in `sandbox.writablePaths`.
 */
export function sandboxWritableDir(dir: string, name: string): string {
  fs.chmodSync(dir, 0o755);
  const made = path.join(dir, name);
  fs.mkdirSync(made, { mode: 0o777 });
  fs.chmodSync(made, 0o777);
  return made;
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting${last ? `: ${last}` : ''}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
}
