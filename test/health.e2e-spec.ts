import { createTestApp } from './helpers/test-app';
import { TcpProxy } from './helpers/tcp-proxy';

describe('health', () => {
  it('live is 200 and ready is 200 when Postgres and Redis answer', async () => {
    const t = await createTestApp();
    try {
      expect((await t.http().get('/health/live')).status).toBe(200);
      const ready = await t.http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info).toMatchObject({
        database: { status: 'up' },
        redis: { status: 'up' },
      });
      expect(ready.headers['x-request-id']).toBeTruthy();
      expect(ready.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await t.close();
    }
  });

  it('ready is 503 while Postgres is unreachable and 200 again once it is back, without a restart', async () => {
    const db = new URL(process.env.TEST_DATABASE_URL!);
    const proxy = new TcpProxy(db.hostname, Number(db.port || 5432));
    const port = await proxy.open();
    db.hostname = '127.0.0.1';
    db.port = String(port);
    const t = await createTestApp({ DATABASE_URL: db.toString() });
    try {
      expect((await t.http().get('/health/ready')).status).toBe(200);
      await proxy.cut();
      const down = await t.http().get('/health/ready');
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await t.http().get('/health/live')).status).toBe(200);
      await proxy.open();
      let status = 0;
      for (let i = 0; i < 40 && status !== 200; i++) {
        status = (await t.http().get('/health/ready')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    } finally {
      await proxy.cut();
      await t.close().catch(() => undefined);
    }
  });

  it('ready is 503 while Redis is unreachable and 200 again once it is back', async () => {
    const redis = new URL(process.env.TEST_REDIS_URL!);
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.open();
    const t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      expect((await t.http().get('/health/ready')).status).toBe(200);
      await proxy.cut();
      expect((await t.http().get('/health/ready')).status).toBe(503);
      await proxy.open();
      let status = 0;
      for (let i = 0; i < 40 && status !== 200; i++) {
        status = (await t.http().get('/health/ready')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    } finally {
      await proxy.cut();
      await t.close().catch(() => undefined);
    }
  });
});
