import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiApp, startWorker } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/infrastructure/config/app-config';
import { hashPassword } from '../../src/auth/passwords';
import type { Role } from '../../src/users/user.entity';
import { assertTestDatabaseUrl } from '../setup/test-database';

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  assertTestDatabaseUrl(overrides.DATABASE_URL ?? process.env.TEST_DATABASE_URL);
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    REDIS_URL: process.env.TEST_REDIS_URL,
    QUEUE_PREFIX: process.env.TEST_QUEUE_PREFIX,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    PUBLIC_BASE_URL: 'http://pod.test',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '20',
    // Each Jest worker's database carries earlier spec files' pending mail and at-risk check
    // requests, which a spec's worker sends and answers first: at the production rate (10 a
    // second) a spec's own email could wait behind them for longer than it waits.
    MAIL_RATE_PER_SECOND: '100',
    ...overrides,
  });
}

/**
 * nestjs-pino keeps one logger for the whole process, made with the first app's settings (level,
 * LOG_FILE), and exports no way to drop it; its own tests use this one. A test process starts
 * many apps, so each gets a logger of its own, as each would in a process of its own.
 */
function forgetProcessLogger(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pinoLogger = require(join(dirname(require.resolve('nestjs-pino')), 'PinoLogger.js')) as {
    __resetOutOfContextForTests: () => void;
  };
  pinoLogger.__resetOutOfContextForTests();
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: DataSource;
  http: () => request.Agent;
  close: () => Promise<void>;
}

/** Boots the real API module in-process against the run's own Postgres and Redis. */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  forgetProcessLogger();
  const app = await createApiApp(config);
  const db = app.get(DataSource);
  return {
    app,
    config,
    db,
    http: () => request.agent(app.getHttpServer()),
    close: () => app.close(),
  };
}

export async function startTestWorker(
  overrides: Record<string, string> = {},
): Promise<INestApplicationContext> {
  forgetProcessLogger();
  return startWorker(testConfig(overrides));
}

const hashCache = new Map<string, Promise<string>>();
export const TEST_PASSWORD = 'correct-horse-battery-staple';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  studentId: string | null;
  token: string;
}

/** Creates a user straight in the database and logs in through the API. */
export async function createUser(
  t: TestApp,
  role: Role,
  opts: { studentId?: string; cohortIds?: string[]; email?: string } = {},
): Promise<TestUser> {
  const email = opts.email ?? `${role}-${randomUUID()}@pod.test`;
  if (!hashCache.has(TEST_PASSWORD)) hashCache.set(TEST_PASSWORD, hashPassword(TEST_PASSWORD));
  const [{ id }] = await t.db.query(
    `INSERT INTO users (email, password_hash, role, student_id) VALUES ($1, $2, $3, $4) RETURNING id`,
    [email, await hashCache.get(TEST_PASSWORD), role, opts.studentId ?? null],
  );
  if (opts.cohortIds?.length) {
    await t.db.query(
      `INSERT INTO cohort_tutors (user_id, cohort_id) SELECT $1, unnest($2::uuid[])`,
      [id, opts.cohortIds],
    );
  }
  const res = await t.http().post('/api/v1/auth/login').send({ email, password: TEST_PASSWORD });
  if (res.status !== 200)
    throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id, email, role, studentId: opts.studentId ?? null, token: res.body.accessToken };
}

export const bearer = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });

/** Polls until fn returns a truthy value or the time runs out. */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
