import { parseArgs } from 'node:util';
import { Client } from 'pg';

/** The benchmark's own database; never a developer's or production's. */
export const DEFAULT_BENCH_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/pod_bench';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/**
 * A fixed secret: the runner signs tokens with it and hands it to the API and the baseline.
 * Random-looking, since the API refuses a guessable one under NODE_ENV=production.
 */
export const BENCH_JWT_SECRET = 'Qm9vdC1iZW5jaC0yMDI2LTExLTMwLXBvZC1jb2hvcnRzLXhKN3E5';
/** Every generated user has this password (hashed once, the hash reused). */
export const BENCH_PASSWORD = 'bench-password-123';
export const BENCH_COURSE_CODE = 'BENCH';

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The generator wipes every table of the database it is given: it refuses one whose name does
 * not say it is for benchmarks or tests.
 */
export function assertBenchDatabase(url: string): void {
  const name = databaseName(url);
  if (!/bench|test/i.test(name)) {
    throw new Error(
      `Refusing to use database "${name}": its name must contain "bench" or "test" (the generator replaces all its data)`,
    );
  }
}

/** Creates the database when it does not exist (connecting to the server's `postgres` database). */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  assertBenchDatabase(url);
  const name = databaseName(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  assertBenchDatabase(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(
      `DROP DATABASE IF EXISTS "${databaseName(url).replace(/"/g, '""')}" WITH (FORCE)`,
    );
  } finally {
    await admin.end();
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

/** `--name value` flags; unknown flags are an error so a typo does not run the wrong bench. */
export function cliOptions<T extends OptionSpec>(spec: T, argv = process.argv.slice(2)) {
  return parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }).values;
}

export function positiveInt(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}
