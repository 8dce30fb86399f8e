// A hot statement, prepared once per connection and run outside any transaction (one statement commits alone).
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs `text` as the named prepared statement `name` on a pooled connection. PostgreSQL plans a statement
 * sent by text on every call: for the API key check and the post create that was half of their
 * database CPU (pg_stat_statements under `npm run bench -- create-post`). A name must always carry the
 * same text; the statement must be complete in itself (it autocommits).
 */
export async function queryPrepared<T>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const result = await pool.query<T & object>({ name, text, values });
  return result.rows;
}
