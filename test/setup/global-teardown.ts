import { Client } from 'pg';
import { deleteRedisKeys } from '../helpers/redis-keys';
import { assertTestDatabaseUrl, withDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const names = JSON.parse(process.env.TEST_DATABASE_NAMES ?? '[]') as string[];
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  if (names.length && adminUrl && !process.env.KEEP_TEST_DATABASE) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      for (const name of names) {
        assertTestDatabaseUrl(withDatabase(adminUrl, name));
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    } finally {
      await admin.end();
    }
  }
  // Every worker's keys start with the run's base prefix (`<base>-w<n>:...`).
  const prefix = process.env.TEST_QUEUE_PREFIX_BASE;
  if (prefix && process.env.TEST_REDIS_URL) {
    await deleteRedisKeys(process.env.TEST_REDIS_URL, [`${prefix}-w*`]);
  }
  await globalThis.__podTestServer?.stop();
}
