import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from './database-options';

/**
 * Data source for the TypeORM CLI (migration:generate, migration:run, migration:check).
 * Only the database settings matter here, so the rest of the config is not required.
 */
const env = process.env;
export default new DataSource(
  buildDataSourceOptions(
    loadConfig({
      JWT_SECRET: 'x'.repeat(32),
      REDIS_URL: 'redis://127.0.0.1:6379',
      PUBLIC_BASE_URL: 'http://localhost:3000',
      ...env,
      DATABASE_URL: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pod_cohorts',
    }),
  ),
);
