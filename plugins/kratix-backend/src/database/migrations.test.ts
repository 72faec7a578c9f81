import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  createTestDatabases,
  POSTGRES_ENV,
  resourceKey,
} from './__testUtils__/databases';
import { DatabaseKratixStore } from './DatabaseKratixStore';
import { applyKratixMigrations, migrationsDir } from './migrations';

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
    ).toBe('20250601000000');
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
