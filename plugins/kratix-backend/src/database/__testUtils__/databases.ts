// Real test databases: SQLite always; Postgres 15 when
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (scripts/postgres.sh).
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import {
  DatabaseKratixStore,
  DatabaseKratixStoreOptions,
} from '../DatabaseKratixStore';
import { ObjectKey } from '../ObjectStore';
import { applyKratixMigrations } from '../migrations';

export const POSTGRES_ENV =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

const ids: TestDatabaseId[] = process.env[POSTGRES_ENV]
  ? ['SQLITE_3', 'POSTGRES_15']
  : ['SQLITE_3'];

/** Call once per test file, at the top. */
export function createTestDatabases() {
  return TestDatabases.create({ ids });
}

/** A controllable clock, in milliseconds. */
export function testClock(start = Date.parse('2025-01-01T00:00:00.000Z')) {
  const clock = {
    ms: start,
    now: () => clock.ms,
    advance: (ms: number) => {
      clock.ms += ms;
    },
  };
  return clock;
}

/** A fresh migrated database and a store on it. */
export async function createStore(
  databases: TestDatabases,
  id: TestDatabaseId,
  options?: DatabaseKratixStoreOptions,
) {
  const knex = await databases.init(id);
  await applyKratixMigrations(knex);
  return { knex, store: new DatabaseKratixStore(knex, options) };
}

/**
 * A second connection pool to the same database, as a second backend replica
 * has. SQLite in memory has one connection: the pool is shared.
 */
export function secondPool(knex: Knex): {
  knex: Knex;
  destroy(): Promise<void>;
} {
  const config = knex.client.config as Knex.Config;
  if (config.client !== 'pg') return { knex, destroy: async () => {} };
  const other = knexFactory({
    client: 'pg',
    connection: config.connection,
    pool: { min: 0, max: 5 },
  });
  return { knex: other, destroy: () => other.destroy() };
}

export const resourceKey = (
  name: string,
  namespace = 'default',
): ObjectKey => ({
  kind: 'Resource',
  promise: 'postgresql',
  namespace,
  name,
});

export const promiseKey = (name: string): ObjectKey => ({
  kind: 'Promise',
  promise: name,
  namespace: '',
  name,
});
