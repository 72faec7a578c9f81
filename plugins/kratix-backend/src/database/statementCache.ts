// better-sqlite3 compiles each statement that knex sends, every time: for
// the engine's small queries SQLite's prepare is about as costly as running
// them. Each connection keeps its compiled statements, by SQL text.
import { Knex } from 'knex';

/** Statements kept per connection, least recently used dropped first. */
export const STATEMENT_CACHE_SIZE = 256;

const CACHED = Symbol('kratixStatementCache');

interface Statement {
  safeIntegers(toggle?: boolean): Statement;
}

interface Connection {
  prepare(sql: string): Statement;
  [CACHED]?: Map<string, Statement>;
}

/** Caches the prepared statements of a better-sqlite3 knex; else nothing. */
export async function cacheSqliteStatements(knex: Knex): Promise<void> {
  const client = knex.client as Knex.Client & {
    pool?: {
      on(event: 'createSuccess', f: (id: number, c: Connection) => void): void;
    };
  };
  if (client.config.client !== 'better-sqlite3' || !client.pool) return;
  const settings = client.connectionSettings as {
    options?: { safeIntegers?: boolean };
  };
  const safeIntegers = settings?.options?.safeIntegers ?? false;
  client.pool.on('createSuccess', (_id, connection) =>
    withStatementCache(connection, safeIntegers),
  );
  // The connection the pool has already (SQLite's pool holds one).
  const connection = (await client.acquireConnection()) as Connection;
  try {
    withStatementCache(connection, safeIntegers);
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * Makes `prepare` return the statement it compiled before for the same SQL.
 * Safe for knex: it runs a statement to completion (all or run) before it
 * prepares the next, and sets safeIntegers per query when it sets it at all
 * (so a cached statement is reset to the connection's default).
 */
export function withStatementCache(
  connection: Connection,
  safeIntegers = false,
): void {
  if (connection[CACHED]) return;
  const cache = new Map<string, Statement>();
  const prepare = connection.prepare;
  connection[CACHED] = cache;
  connection.prepare = function cachedPrepare(sql: string) {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql); // most recently used last
      statement.safeIntegers(safeIntegers);
    } else {
      statement = prepare.call(this, sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        cache.delete(cache.keys().next().value!);
      }
    }
    cache.set(sql, statement);
    return statement;
  };
}
