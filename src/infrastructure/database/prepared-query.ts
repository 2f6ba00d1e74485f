import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/** Anything that runs SQL: the DataSource, or a transaction's EntityManager. */
export type Queryable = Pick<DataSource, 'query'>;

/**
 * Runs `text` as a NAMED prepared statement (node-postgres prepares it once per connection and
 * then only binds and executes), for the hot reads whose planning costs more than their
 * execution. TypeORM sends every statement unnamed, so PostgreSQL plans it afresh each call.
 *
 * The name is derived from the text, so one name always carries one text (node-postgres
 * refuses a known name with another text) and each selector shape gets a statement of its own.
 * Inside a transaction (an EntityManager with a query runner) the statement runs on that
 * transaction's connection; elsewhere on the pool behind the DataSource. Anything else (a test
 * double, a thin adapter) just runs the query.
 */
export async function preparedQuery<T>(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const client = pgClientOf(db);
  if (!client) return db.query<T[]>(text, values);
  const result = await client.query({ name: statementName(text), text, values });
  return result.rows as T[];
}

const names = new Map<string, string>();

export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `pod_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

function pgClientOf(db: Queryable): Pick<Pool | PoolClient, 'query'> | null {
  if (db instanceof DataSource) {
    return (db.driver as unknown as { master?: Pool }).master ?? null;
  }
  if (db instanceof EntityManager) {
    const connection = (db.queryRunner as { databaseConnection?: PoolClient } | undefined)
      ?.databaseConnection;
    if (connection) return connection;
    return (db.connection.driver as unknown as { master?: Pool }).master ?? null;
  }
  return null;
}
