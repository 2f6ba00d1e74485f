import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/infrastructure/database/database-options';
import {
  assertTestDatabase,
  findServer,
  newTestDatabaseName,
  TestServer,
  withDatabase,
} from './test-database';

declare global {
  var __podTestServer: TestServer | undefined;
}

/** One database and one BullMQ prefix per run, so runs never disturb each other or dev data. */
export default async function globalSetup(): Promise<void> {
  const server = await findServer();
  globalThis.__podTestServer = server;
  const name = newTestDatabaseName();
  assertTestDatabase(name);
  const admin = new Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();

  const url = withDatabase(server.adminUrl, name);
  const ds = new DataSource(
    buildDataSourceOptions({ DATABASE_URL: url, DB_LOGGING: false, DB_POOL_SIZE: 2 }),
  );
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();

  process.env.TEST_DATABASE_URL = url;
  process.env.TEST_DATABASE_NAME = name;
  process.env.TEST_ADMIN_DATABASE_URL = server.adminUrl;
  process.env.TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.TEST_QUEUE_PREFIX = `pod-test-${randomBytes(4).toString('hex')}`;
}
