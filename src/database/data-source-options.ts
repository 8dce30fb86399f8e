// How Holdfast talks to PostgreSQL: never synchronize; migrations are the schema's only author.
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

export function dataSourceOptions(url: string, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    // Each send in flight holds one connection (its gate pass): keep the pool well above DISPATCH_CONCURRENCY.
    extra: { max: 60, application_name: 'holdfast' },
  };
}
