import Redis from 'ioredis';

/**
 * Deletes every Redis key matching any of `patterns` (SCAN, a thousand at a time, so Redis is
 * never blocked). What the test run, the release check and the benchmarks use to take away the
 * queue prefixes they gave their apps.
 */
export async function deleteRedisKeys(redisUrl: string, patterns: string[]): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
