// The migrations are the schema's only author: the entities must describe exactly what they built.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

describe('database schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('matches the entities, so no migration is missing', async () => {
    const pending = await t.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has run every migration, and each can be undone', async () => {
    const applied = await t.sql<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((m) => m.name)).toEqual(t.dataSource.migrations.map((m) => m.name));
    for (const migration of t.dataSource.migrations) {
      expect(typeof migration.down).toBe('function');
    }
  });
});

describe('migrations', () => {
  it('undo cleanly and apply again', async () => {
    const database = await createTestDatabase();
    const dataSource = await new DataSource(dataSourceOptions(database.url)).initialize();
    try {
      const tables = async (): Promise<string[]> =>
        (
          await dataSource.query<{ tablename: string }[]>(
            `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
          )
        ).map((r) => r.tablename);
      const migrated = await tables();
      expect(migrated).toEqual(expect.arrayContaining(['audit_events', 'channels', 'members', 'workspaces']));
      for (let i = 0; i < dataSource.migrations.length; i++) {
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      expect(await tables()).toEqual([]);
      await dataSource.runMigrations({ transaction: 'all' });
      expect(await tables()).toEqual(migrated);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
