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
    // Each batch of sends in flight holds one connection for its gate pass (at most 8, see the dispatcher), beside
    // the API, the recorder, the webhook sender and the claims.
    extra: { max: 60, application_name: 'holdfast' },
  };
}
