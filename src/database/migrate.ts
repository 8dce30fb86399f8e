// `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded database.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnv } from '../config/env';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedDatabase } from './embedded-database';
import { runMigrations } from './run-migrations';

async function main(): Promise<void> {
  const env = validateEnv(process.env);
  const embedded = env.DATABASE_URL ? undefined : await EmbeddedDatabase.start({ dataDir: env.HOLDFAST_DATA_DIR });
  const dataSource = new DataSource(dataSourceOptions(env.DATABASE_URL ?? embedded!.url));
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    process.stdout.write(
      applied.length === 0 ? 'No pending migrations.\n' : `Applied: ${applied.map((m) => m.name).join(', ')}\n`,
    );
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
