import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { entities } from './entities';
import { migrations } from '../../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The one options builder, shared by the API, the worker, the CLI data source and the tests.
 * Entities and migrations are listed as classes, so .ts and compiled .js resolve alike.
 * `synchronize` is never on: the schema changes only through migrations.
 */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DB_LOGGING' | 'DB_POOL_SIZE'>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    synchronize: false,
    logging: config.DB_LOGGING ? ['query', 'error'] : false,
    extra: {
      max: config.DB_POOL_SIZE,
      connectionTimeoutMillis: 5_000,
      application_name: 'pod-cohorts',
    },
  };
}
