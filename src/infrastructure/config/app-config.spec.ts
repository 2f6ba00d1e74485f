import { ConfigError, loadConfig } from './app-config';

const valid = {
  DATABASE_URL: 'postgres://u:p@db.internal:5432/pod',
  REDIS_URL: 'redis://cache.internal:6379',
  JWT_SECRET: 'x'.repeat(32),
  PUBLIC_BASE_URL: 'https://pod.example.org',
};

describe('loadConfig', () => {
  it('accepts a complete environment and applies defaults', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(3000);
    // An unset NODE_ENV outside the local run is production, never development.
    expect(config.NODE_ENV).toBe('production');
    expect(config.isProduction).toBe(true);
    expect(config.QUEUE_PREFIX).toBe('pod');
    expect(config.CERTIFICATES_SWEEP_SECONDS).toBe(20);
    expect(config.OUTBOX_SWEEP_AGE_SECONDS).toBe(20);
    expect(config.SHUTDOWN_TIMEOUT_SECONDS).toBe(25);
    expect(config.REDIS_ALLOW_EVICTION).toBe(false);
    expect(config.trustProxy).toBe(false);
  });

  it('holds whole-number settings to their bounds, naming the variable', () => {
    expect(loadConfig({ ...valid, WORKER_CONCURRENCY: '64' }).WORKER_CONCURRENCY).toBe(64);
    expect(() => loadConfig({ ...valid, WORKER_CONCURRENCY: '65' })).toThrow(
      /^Invalid configuration: WORKER_CONCURRENCY must not be greater than 64$/,
    );
    expect(() => loadConfig({ ...valid, LOGIN_DELAY_STEP_MS: '-1' })).toThrow(
      /LOGIN_DELAY_STEP_MS must not be less than 0/,
    );
    expect(() => loadConfig({ ...valid, DB_POOL_SIZE: '2.5' })).toThrow(
      /DB_POOL_SIZE must be an integer number/,
    );
    expect(() => loadConfig({ ...valid, PORT: 'eighty' })).toThrow(/PORT must be an integer/);
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ ...valid, PORT: '8080', TRUST_PROXY: 'true', DB_LOGGING: 'no' });
    expect(config.PORT).toBe(8080);
    // `true` is one hop, never "believe every X-Forwarded-For entry".
    expect(config.trustProxy).toBe(1);
    expect(config.DB_LOGGING).toBe(false);
  });

  it.each([
    [
      'a missing variable',
      { DATABASE_URL: undefined },
      'Invalid configuration: DATABASE_URL is required',
    ],
    ['an empty variable', { REDIS_URL: '' }, 'Invalid configuration: REDIS_URL is required'],
    ['a malformed URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ['a short secret', { JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters'],
    ['a port out of range', { PORT: '70000' }, 'PORT'],
    ['a TRUST_PROXY that is neither hops nor addresses', { TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    ['a non-numeric port', { PORT: 'eighty' }, 'PORT'],
    ['an admin email without a password', { ADMIN_EMAIL: 'a@b.c' }, 'ADMIN_PASSWORD is required'],
    ['a sweep that never runs', { CERTIFICATES_SWEEP_SECONDS: '0' }, 'CERTIFICATES_SWEEP_SECONDS'],
    ['a non-numeric sweep age', { OUTBOX_SWEEP_AGE_SECONDS: 'soon' }, 'OUTBOX_SWEEP_AGE_SECONDS'],
    ['a shutdown with no time', { SHUTDOWN_TIMEOUT_SECONDS: '0' }, 'SHUTDOWN_TIMEOUT_SECONDS'],
  ])('refuses %s with one line naming the variable', (_name, overrides, expected) => {
    const attempt = () => loadConfig({ ...valid, ...overrides });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expected);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
