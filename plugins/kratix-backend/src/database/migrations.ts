import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { cacheSqliteStatements } from './statementCache';

export const migrationsDir = resolvePackagePath(
  '@kratix-backstage/plugin-kratix-backend',
  'migrations',
);

/** Brings the Kratix tables up to date; safe to run again. */
export async function applyKratixMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}

/** The database client, migrated unless `database.migrations.skip`. */
export async function getMigratedClient(
  database: DatabaseService,
): Promise<Knex> {
  const knex = await database.getClient();
  await useWriteAheadLog(knex);
  await cacheSqliteStatements(knex);
  if (!database.migrations?.skip) {
    await applyKratixMigrations(knex);
  }
  return knex;
}

/**
 * SQLite files default to a rollback journal: several fsyncs per write, and
 * the engine writes on every step. WAL makes each write one append.
 */
async function useWriteAheadLog(knex: Knex): Promise<void> {
  const { client, connection } = knex.client.config as Knex.Config;
  if (client !== 'better-sqlite3' && client !== 'sqlite3') return;
  const filename =
    (connection as { filename?: string })?.filename ?? ':memory:';
  if (filename === ':memory:') return;
  await knex.raw('PRAGMA journal_mode = WAL');
}
