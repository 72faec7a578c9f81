import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  createTestDatabases,
  POSTGRES_ENV,
  resourceKey,
} from './__testUtils__/databases';
import { DatabaseKratixStore } from './DatabaseKratixStore';
import { applyKratixMigrations, migrationsDir } from './migrations';
import { STATEMENT_CACHE_SIZE } from './statementCache';

jest.setTimeout(60_000);

const databases = createTestDatabases();

if (!databases.supports('POSTGRES_15')) {
  // Says in the report that the Postgres cases of every suite did not run.
  // eslint-disable-next-line jest/no-disabled-tests, jest/expect-expect
  it.skip(`POSTGRES_15: set ${POSTGRES_ENV} to run the Postgres cases`, () => {});
}
const TABLES = [
  'objects',
  'health_records',
  'workflow_runs',
  'pipeline_runs',
  'container_logs',
  'work_queue',
  'work_placements',
];

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('apply twice, keeping the data', async () => {
    const knex = await databases.init(databaseId);
    const database: DatabaseService = { getClient: async () => knex };
    const store = await DatabaseKratixStore.create(database);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await store.enqueue(resourceKey('db1'), { reason: 'created' });

    await applyKratixMigrations(knex);
    await DatabaseKratixStore.create(database);
    expect(
      await knex.migrate.currentVersion({ directory: migrationsDir }),
    ).toBe('20261130030000');
    expect(await store.nextDueAt()).toBeDefined();
  });

  it('roll back and apply again', async () => {
    const knex = await databases.init(databaseId);
    await applyKratixMigrations(knex);
    await knex.migrate.rollback({ directory: migrationsDir }, true);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
    await applyKratixMigrations(knex);
    expect(await knex.schema.hasTable('work_queue')).toBe(true);
  });

  it('are skipped when the database service says so', async () => {
    const knex = await databases.init(databaseId);
    await DatabaseKratixStore.create({
      getClient: async () => knex,
      migrations: { skip: true },
    });
    expect(await knex.schema.hasTable('objects')).toBe(false);
  });
});

describe('the SQLite statement cache', () => {
  it('compiles each statement once per connection', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseKratixStore.create({
      getClient: async () => knex,
    });
    const connection = await knex.client.acquireConnection();
    try {
      const first = connection.prepare('select 7 as n');
      expect(connection.prepare('select 7 as n')).toBe(first);
      expect(connection.prepare('select 8 as n')).not.toBe(first);
      // A cached statement is reset to the connection's integer mode.
      first.safeIntegers(true);
      expect(first.get().n).toBe(BigInt(7));
      expect(connection.prepare('select 7 as n').get()).toEqual({ n: 7 });
      // Bounded: the least recently used go first.
      for (let i = 0; i < STATEMENT_CACHE_SIZE; i++) {
        connection.prepare(`select ${i} as m`);
      }
      expect(connection.prepare('select 7 as n')).not.toBe(first);
    } finally {
      await knex.client.releaseConnection(connection);
    }
    // The store works on cached statements.
    const key = resourceKey('db1');
    for (let i = 0; i < 3; i++) {
      await store.enqueue(key, { reason: `r${i}` });
    }
    expect(await store.claimNext({ owner: 'a', leaseMs: 1000 })).toMatchObject({
      reason: 'r2',
      seq: 3,
    });
  });
});
