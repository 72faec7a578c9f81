// The engine's own cost per Resource, without process spawns or HTTP: the
// service creates Resources, the Reconciler runs their 2-pipeline workflows
// with a runner that succeeds at once, on a SQLite file (WAL) as `yarn bench`'s
// API part has. Counts the database statements per Resource.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { ConfigReader } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { readKratixConfig } from '../src/config';
import { DatabaseKratixStore } from '../src/database/DatabaseKratixStore';
import { Reconciler } from '../src/reconciler/Reconciler';
import { StatusPublisher } from '../src/reconciler/StatusPublisher';
import { KratixService } from '../src/service/KratixService';
import { scriptPromise } from '../src/__testUtils__/scriptPromise';

const RESOURCES = Number(process.env.KRATIX_BENCH_NOOP_RESOURCES ?? 500);

const logger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return logger;
  },
};

export async function runReconcileBench(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-noop-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'kratix.sqlite') },
    useNullAsDefault: true,
  });
  try {
    const store = await DatabaseKratixStore.create({
      getClient: async () => knex,
    });
    const publisher = new StatusPublisher({ includeStatus: true, logger });
    store.onChange(change => publisher.publish(change.key, change.stored));
    const reconciler = new Reconciler({
      store,
      runner: {
        run: async () => ({
          succeeded: true,
          exitCode: 0,
          outputs: { files: [] },
        }),
      },
      stateStore: {
        writeWorkload: async () => {},
        deleteWorkload: async () => {},
      },
      logger,
      config: {
        ...readKratixConfig(new ConfigReader({})),
        pollIntervalMs: 20,
        workDir: dir,
      },
    });
    const service = new KratixService({
      store,
      wake: () => reconciler.wake(),
    });
    const pipelines = [0, 1].map(i => ({ name: `p${i}`, script: 'true' }));
    await service.applyPromise(scriptPromise('two', pipelines));

    let statements = 0;
    knex.on('query', () => statements++);
    const done = async () => {
      const [row] = await knex('workflow_runs')
        .where({ kind: 'Resource', phase: 'Succeeded' })
        .count({ n: '*' });
      return Number(row.n);
    };
    let polls = 0;
    reconciler.start();
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < RESOURCES; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, RESOURCES - i) }, (_, j) =>
          service.applyResource('two', 'default', `r${i + j}`, { spec: {} }),
        ),
      );
    }
    while ((polls++, await done()) < RESOURCES) {
      await new Promise(r => setTimeout(r, 20));
    }
    const total = performance.now() - start;
    const used = process.cpuUsage(cpu);
    await reconciler.stop();
    console.log(
      'Engine and store, no-op runner (SQLite file, Resources x 2 pipelines)',
    );
    console.log(
      `  ${RESOURCES} Resources: ${(total / RESOURCES).toFixed(
        2,
      )} ms/Resource wall, ${(
        (used.user + used.system) /
        1000 /
        RESOURCES
      ).toFixed(2)} ms/Resource CPU, ${(
        (statements - polls) /
        RESOURCES
      ).toFixed(1)} statements/Resource`,
    );
  } finally {
    await knex.destroy();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
