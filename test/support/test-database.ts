// The run's PostgreSQL: where the template lives and how a test file gets its own database.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { quoteIdent } from '../../src/database/sql';

export interface TestDatabaseInfo {
  /** A URL to the server's maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** The migrated database every test database is cloned from. */
  template: string;
  /** Prefix of every database this run creates, so teardown can find them. */
  prefix: string;
}

export const TEST_DB_ENV = 'HOLDFAST_TEST_DB';

export function testDatabaseInfo(): TestDatabaseInfo {
  const raw = process.env[TEST_DB_ENV];
  if (!raw) {
    throw new Error('No test database: run the tests through jest (its global setup starts PostgreSQL)');
  }
  return JSON.parse(raw) as TestDatabaseInfo;
}

export function urlWithDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function withAdminClient<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file: cloned from the template in milliseconds. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const info = testDatabaseInfo();
  const name = `${info.prefix}${randomBytes(6).toString('hex')}`;
  await withAdminClient(info.adminUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(info.template)}`),
  );
  return {
    url: urlWithDatabase(info.adminUrl, name),
    drop: () =>
      withAdminClient(info.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
