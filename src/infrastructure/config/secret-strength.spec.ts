import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { assertProductionSecrets, EXAMPLE_JWT_SECRET, jwtSecretProblem } from './secret-strength';

describe('jwtSecretProblem', () => {
  it.each([
    ['the .env.example value', EXAMPLE_JWT_SECRET, /example value/],
    ['one character repeated', 'x'.repeat(40), /guessable/],
    ['a phrase', 'mysupersecretjwtkeythatislongenough', /guessable/],
    ['a repeated word with digits', 'test-secret-test-secret-test-secret-0123', /guessable/],
    ['an alphabet run', 'abcdefghijklmnopqrstuvwxyz0123456789', /guessable/],
    // `openssl rand -hex 16` outputs; the first is the lowest-scored of 480 such samples (28.9),
    // which the old bar of 30 refused.
    ['32 random hex digits with chance words', '0311210189369185c08bbbada5b037c6', null],
    ['32 random hex digits', '9f0068305d1adb50ae50d174a0927ede', null],
    ['32 random bytes in base64', randomBytes(32).toString('base64'), null],
  ])('%s', (_label, secret, expected) => {
    const problem = jwtSecretProblem(secret);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('knows the value .env.example ships', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
    expect(example).toContain(`JWT_SECRET=${EXAMPLE_JWT_SECRET}\n`);
  });
});

describe('assertProductionSecrets', () => {
  const env = {
    DATABASE_URL: 'postgres://u:p@db.internal:5432/pod',
    REDIS_URL: 'redis://cache.internal:6379',
    PUBLIC_BASE_URL: 'https://pod.example.org',
    JWT_SECRET: EXAMPLE_JWT_SECRET,
  };

  it('refuses the example secret in production with one line naming the variable', () => {
    const attempt = () => assertProductionSecrets(loadConfig({ ...env, NODE_ENV: 'production' }));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^Invalid configuration: JWT_SECRET is the example value/);
  });

  it('lets development and test runs use any 32 characters', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(() => assertProductionSecrets(loadConfig({ ...env, NODE_ENV }))).not.toThrow();
    }
  });
});
