import { INestApplicationContext } from '@nestjs/common';
import {
  bearer,
  createTestApp,
  createUser,
  eventually,
  startTestWorker,
  TestApp,
} from './helpers/test-app';

describe('ping job: API -> Redis -> worker -> Postgres', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  beforeAll(async () => {
    t = await createTestApp();
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('a ping enqueued by the API is stamped in the database by the worker', async () => {
    const admin = await createUser(t, 'admin');
    const res = await t.http().post('/api/v1/system/ping').set(bearer(admin));
    expect(res.status).toBe(202);
    expect(res.body.processedAt).toBeNull();
    const done = await eventually(async () => {
      const r = await t.http().get(`/api/v1/system/ping/${res.body.id}`).set(bearer(admin));
      return r.body.processedAt ? r.body : null;
    });
    expect(done.processedBy).toMatch(/:\d+$/);
  });

  it('the API alone never consumes jobs', async () => {
    const api = await createTestApp({ QUEUE_PREFIX: `${t.config.QUEUE_PREFIX}-apionly` });
    try {
      const admin = await createUser(api, 'admin');
      const res = await api.http().post('/api/v1/system/ping').set(bearer(admin));
      await new Promise((r) => setTimeout(r, 1_000));
      const row = await api.db.query(`SELECT processed_at FROM system_pings WHERE id = $1`, [
        res.body.id,
      ]);
      expect(row[0].processed_at).toBeNull();
    } finally {
      await api.close();
    }
  });
});
