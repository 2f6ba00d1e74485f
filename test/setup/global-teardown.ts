import Redis from 'ioredis';
import { Client } from 'pg';
import { assertTestDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.TEST_DATABASE_NAME;
  if (name && process.env.TEST_ADMIN_DATABASE_URL && !process.env.KEEP_TEST_DATABASE) {
    assertTestDatabase(name);
    const admin = new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  const prefix = process.env.TEST_QUEUE_PREFIX;
  if (prefix && process.env.TEST_REDIS_URL) {
    const redis = new Redis(process.env.TEST_REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
  await globalThis.__podTestServer?.stop();
}
