import { AppConfig, loadConfig, processEnvironment } from '../infrastructure/config/app-config';

/** Where `npm run db:seed` writes when DATABASE_URL is unset: the same default as the migration CLI. */
export const DEFAULT_SEED_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/pod_cohorts';

export type SeedConfig = Pick<
  AppConfig,
  'NODE_ENV' | 'DATABASE_URL' | 'DB_LOGGING' | 'DB_POOL_SIZE'
>;

/**
 * The settings `npm run db:seed` needs, validated by the app's own config schema. Only
 * NODE_ENV, DATABASE_URL and DB_LOGGING are taken from the environment; the settings the seed
 * never uses get placeholders, so a partial .env is enough to seed.
 */
export function seedConfig(env: Record<string, string | undefined>): SeedConfig {
  const config = loadConfig({
    NODE_ENV: env.NODE_ENV,
    DATABASE_URL: env.DATABASE_URL ?? DEFAULT_SEED_DATABASE_URL,
    DB_LOGGING: env.DB_LOGGING,
    DB_POOL_SIZE: '2',
    REDIS_URL: 'redis://127.0.0.1:6379',
    JWT_SECRET: 'unused-by-the-seed-unused-by-the-seed',
    PUBLIC_BASE_URL: 'http://localhost:3000',
  });
  return {
    NODE_ENV: config.NODE_ENV,
    DATABASE_URL: config.DATABASE_URL,
    DB_LOGGING: config.DB_LOGGING,
    DB_POOL_SIZE: config.DB_POOL_SIZE,
  };
}

/**
 * The running process's NODE_ENV, read for the seed's production guard only: the guard holds
 * whoever calls the seed (the local runner, the CLI, a test), not just callers that pass it.
 */
export function processNodeEnv(): string | undefined {
  return processEnvironment().NODE_ENV;
}
