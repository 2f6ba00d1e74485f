import { Client } from 'pg';
import { makeSession } from './helpers/factories';
import { seatedCohort, tutorOf } from './helpers/progress-factories';
import { TcpProxy } from './helpers/tcp-proxy';
import { bearer, createTestApp, createUser, TestApp } from './helpers/test-app';

jest.setTimeout(90_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL and Redis cut off behind a TCP proxy while requests keep coming. During the
 * outage the API answers 503 problem+json with Retry-After (so clients and load balancers
 * retry) and pages show a "service unavailable" page; no acknowledged register save is lost;
 * the app recovers by itself once the dependency is back.
 */
describe('dependency outage', () => {
  it('a PostgreSQL cut answers 503 with Retry-After, loses no acknowledged register save, and recovers', async () => {
    const db = new URL(process.env.TEST_DATABASE_URL!);
    const proxy = new TcpProxy(db.hostname, Number(db.port || 5432));
    const proxied = new URL(db.toString());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.open());
    const t: TestApp = await createTestApp({ DATABASE_URL: proxied.toString() });
    const direct = new Client({ connectionString: db.toString() });
    await direct.connect();
    try {
      const c = await seatedCohort(t.db, 5);
      const tutor = await tutorOf(t, c.cohort.id);
      const sessions: string[] = [];
      for (let i = 0; i < 80; i++) {
        sessions.push(
          (
            await makeSession(t.db, c.cohort.id, {
              startsAt: new Date(Date.now() - (i + 1) * 86400_000),
            })
          ).id,
        );
      }
      const body = { records: c.enrolments.map((e) => ({ enrolmentId: e.id, status: 'present' })) };

      const acknowledged: string[] = [];
      const statuses: number[] = [];
      let outage: { status: number; retryAfter?: string; type?: string } | undefined;
      let page: { status: number; retryAfter?: string; text: string } | undefined;
      let cutAt = 0;
      let reopenedAt = 0;
      let recoveredAt = 0;
      const started = Date.now();
      for (const [i, sessionId] of sessions.entries()) {
        const elapsed = Date.now() - started;
        if (!cutAt && elapsed > 1_000) {
          await proxy.cut();
          cutAt = Date.now();
        }
        if (cutAt && !reopenedAt && Date.now() - cutAt > 3_000) {
          await proxy.open();
          reopenedAt = Date.now();
        }
        const res = await t
          .http()
          .put(`/api/v1/sessions/${sessionId}/attendance`)
          .set(bearer(tutor))
          .send(body);
        statuses.push(res.status);
        if (res.status === 200) {
          acknowledged.push(sessionId);
          if (reopenedAt && !recoveredAt) recoveredAt = Date.now();
        } else if (!outage && cutAt && !reopenedAt) {
          outage = {
            status: res.status,
            retryAfter: res.headers['retry-after'],
            type: res.headers['content-type'],
          };
          const html = await t.http().get('/verify/ABCD-EFGH-JKMN-PQ').set('accept', 'text/html');
          page = { status: html.status, retryAfter: html.headers['retry-after'], text: html.text };
        }
        if (recoveredAt && i > 0 && Date.now() - recoveredAt > 500) break;
        await sleep(50);
      }

      expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(outage).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
      expect(outage?.type).toMatch(/application\/problem\+json/);
      expect(page?.status).toBe(503);
      expect(page?.retryAfter).toMatch(/^\d+$/);
      expect(page?.text).toContain('service is unavailable');
      expect(recoveredAt).toBeGreaterThan(0);
      process.stdout.write(
        `postgres cut: ${statuses.filter((s) => s === 503).length} answers of 503, recovered ${recoveredAt - reopenedAt} ms after the database came back\n`,
      );

      const { rows } = await direct.query<{ session_id: string; n: string }>(
        `SELECT session_id, count(*) AS n FROM attendance_records WHERE session_id = ANY($1::uuid[]) GROUP BY session_id`,
        [acknowledged],
      );
      const saved = new Map(rows.map((r) => [r.session_id, Number(r.n)]));
      expect(acknowledged.filter((id) => saved.get(id) !== c.enrolments.length)).toEqual([]);
    } finally {
      await direct.end();
      await proxy.cut();
      await t.close().catch(() => undefined);
    }
  });

  it('a request that needs Redis while it is away answers 503 with Retry-After', async () => {
    const redis = new URL(process.env.TEST_REDIS_URL!);
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.open();
    const t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const admin = await createUser(t, 'admin');
      expect((await t.http().post('/api/v1/system/ping').set(bearer(admin))).status).toBe(202);
      await proxy.cut();
      const res = await t.http().post('/api/v1/system/ping').set(bearer(admin));
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await proxy.cut();
      await t.close().catch(() => undefined);
    }
  });
});
