import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

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
  if (!database.migrations?.skip) {
    await applyKratixMigrations(knex);
  }
  return knex;
}
