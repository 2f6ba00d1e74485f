import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/infrastructure/database/database-options';
import {
  assertTestDatabaseUrl,
  findServer,
  newTestDatabaseName,
  TestServer,
  withDatabase,
} from './test-database';

declare global {
  var __podTestServer: TestServer | undefined;
}

/**
 * One database and one BullMQ prefix per Jest worker, so workers (and runs) never disturb each
 * other or dev data. The first database is migrated; the others are copies of it (CREATE
 * DATABASE ... TEMPLATE), which is much quicker than migrating each. Each worker picks its own
 * in worker-env.ts.
 */
export default async function globalSetup(globalConfig: { maxWorkers?: number }): Promise<void> {
  const workers = Math.max(1, globalConfig.maxWorkers ?? 1);
  const server = await findServer();
  globalThis.__podTestServer = server;
  const base = newTestDatabaseName();
  const names = Array.from({ length: workers }, (_, i) => (i === 0 ? base : `${base}_w${i + 1}`));
  const urls = names.map((name) => withDatabase(server.adminUrl, name));
  urls.forEach(assertTestDatabaseUrl);

  const admin = new Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${base}"`);
    const ds = new DataSource(
      buildDataSourceOptions({ DATABASE_URL: urls[0], DB_LOGGING: false, DB_POOL_SIZE: 2 }),
    );
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    for (const name of names.slice(1)) {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${base}"`);
    }
  } finally {
    await admin.end();
  }

  process.env.TEST_DATABASE_URLS = JSON.stringify(urls);
  process.env.TEST_DATABASE_NAMES = JSON.stringify(names);
  process.env.TEST_ADMIN_DATABASE_URL = server.adminUrl;
  process.env.TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.TEST_QUEUE_PREFIX_BASE = `pod-test-${randomBytes(4).toString('hex')}`;
}
