import { RedisEvictionRefused } from '../src/infrastructure/queues/redis-eviction-check';
import { OwnRedis } from './helpers/own-redis';
import { createTestApp, startTestWorker } from './helpers/test-app';

/**
 * BullMQ loses jobs on a Redis that evicts keys. The processes check the policy at boot: in
 * production they refuse to start on anything but noeviction (unless REDIS_ALLOW_EVICTION);
 * elsewhere they start and log the problem loudly.
 */
describe("Redis's maxmemory-policy at boot", () => {
  const redis = new OwnRedis({ persist: false, policy: 'allkeys-lru' });
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  it('production refuses a Redis that evicts keys, API and worker alike', async () => {
    const env = { NODE_ENV: 'production', REDIS_URL: redis.url };
    await expect(createTestApp(env)).rejects.toThrow(RedisEvictionRefused);
    await expect(createTestApp(env)).rejects.toThrow(/maxmemory-policy allkeys-lru/);
    await expect(startTestWorker(env)).rejects.toThrow(RedisEvictionRefused);
  });

  it('starts when the override is set, and outside production', async () => {
    const overridden = await createTestApp({
      NODE_ENV: 'production',
      REDIS_URL: redis.url,
      REDIS_ALLOW_EVICTION: 'true',
    });
    expect((await overridden.http().get('/health/ready')).status).toBe(200);
    await overridden.close();
    const development = await createTestApp({ REDIS_URL: redis.url });
    await development.close();
  });
});
