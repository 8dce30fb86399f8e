// Starts one PostgreSQL for the whole run (embedded unless DATABASE_URL is set) and migrates a template database.
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedDatabase } from '../../src/database/embedded-database';
import { quoteIdent } from '../../src/database/sql';
import { runMigrations } from '../../src/database/run-migrations';
import { ensureConsoleBuilt } from './console-build';
import { TEST_DB_ENV, TestDatabaseInfo, urlWithDatabase, withAdminClient } from './test-database';

declare global {
  var __HOLDFAST_TEST_PG__: { embedded?: EmbeddedDatabase; dataDir?: string; info: TestDatabaseInfo } | undefined;
}

export default async function globalSetup(): Promise<void> {
  ensureConsoleBuilt();
  const started = Date.now();
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'holdfast-test-'));
    embedded = await EmbeddedDatabase.start({ dataDir, database: 'postgres' });
    adminUrl = embedded.urlFor('postgres');
  }
  const info: TestDatabaseInfo = { adminUrl, template: `hf_template_${runId}`, prefix: `hf_test_${runId}_` };
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(info.template)}`));
  const dataSource = new DataSource(dataSourceOptions(urlWithDatabase(adminUrl, info.template)));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env[TEST_DB_ENV] = JSON.stringify(info);
  globalThis.__HOLDFAST_TEST_PG__ = { embedded, dataDir, info };
  process.stderr.write(
    `\nTest PostgreSQL ${embedded ? 'embedded' : 'from DATABASE_URL'} ready, template migrated in ${Date.now() - started} ms\n`,
  );
}
