import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CertificatesQueue } from '../src/certificates/certificates.queue';
import { certificatesOf, makeCompletedCohort } from './helpers/certificate-factories';
import { holdStudentEmail, postStudentCsv, studentCsv } from './helpers/enrolment-factories';
import { makeCohort, makeCourse, makeStudent } from './helpers/factories';
import { freePort } from './helpers/own-redis';
import { killAll, spawnApp, Spawned } from './helpers/spawn-process';
import {
  bearer,
  createTestApp,
  createUser,
  eventually,
  startTestWorker,
  TestApp,
} from './helpers/test-app';

jest.setTimeout(180_000);

/**
 * Faults of the processes themselves, with the API and the worker as real processes: an API
 * killed in the middle of an import leaves nothing of it, and two API replicas with two workers
 * keep capacity exact and issue each certificate once. (A worker killed mid-batch is
 * worker-kill.e2e-spec.ts.)
 */
describe('process faults', () => {
  let t: TestApp;
  const spawned: Spawned[] = [];
  let localWorker: INestApplicationContext | undefined;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    killAll(spawned);
    await localWorker?.close();
    await t.close();
  });

  async function startApi(): Promise<string> {
    const port = await freePort();
    const api = spawnApp('api', { PORT: String(port), HOST: '127.0.0.1' });
    spawned.push(api);
    await api.ready;
    return `http://127.0.0.1:${port}`;
  }

  it('an API killed (SIGKILL) in the middle of a 5,000-line import leaves none of it', async () => {
    const admin = await createUser(t, 'admin');
    const base = await startApi();
    const api = spawned[spawned.length - 1];
    const tag = randomUUID().slice(0, 8);
    const held = await holdStudentEmail(t.db, `import-${tag}-5000@pod.test`);
    let status: number | string;
    try {
      const importing = postStudentCsv(base, admin, studentCsv(5000, tag)).then(
        (res) => res.status,
        (error: NodeJS.ErrnoException) => error.code ?? error.message,
      );
      // Kill while the import's transaction has written rows and waits on the held one.
      await eventually(held.importWaits, 60_000);
      api.child.kill('SIGKILL');
      status = await importing;
    } finally {
      await held.release();
    }
    expect(status).not.toBe(200);

    // PostgreSQL rolls the dead connection's transaction back once it notices the socket close.
    await eventually(async () => {
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
      );
      return n === 0;
    }, 30_000);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM students WHERE email LIKE $1`,
      [`import-${tag}-%`],
    );
    expect(n).toBe(0);
  });

  it('two API replicas and two workers: exactly 70 seated of 150 parallel enrolments, 100 certificates once each, gapless', async () => {
    const admin = await createUser(t, 'admin');
    // One replica of each in its own process, the other in this one (its own pools and Redis
    // connections all the same): what matters is two of each on one PostgreSQL and Redis.
    const bases = [await startApi(), t.app.getHttpServer()];
    const worker = spawnApp('worker', { WORKER_CONCURRENCY: '4' });
    spawned.push(worker);
    await worker.ready;
    localWorker = await startTestWorker({ WORKER_CONCURRENCY: '4' });

    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, { capacity: 70 });
    const students = await Promise.all(Array.from({ length: 150 }, () => makeStudent(t.db)));
    // A replica whose connection pool stays saturated answers 503 with Retry-After (nothing
    // written); a client, as a load balancer would, tries again after the time it names.
    let retried = 0;
    const enrol = async (base: (typeof bases)[number], studentId: string) => {
      for (let attempt = 1; ; attempt++) {
        const res = await request(base)
          .post(`/api/v1/cohorts/${cohort.id}/enrolments`)
          .set(bearer(admin))
          .send({ studentId, route: 'graduate_certificate' });
        if (res.status !== 503 || attempt === 5) return res;
        retried++;
        await new Promise((r) => setTimeout(r, Number(res.headers['retry-after']) * 1000));
      }
    };
    const responses = await Promise.all(students.map((s, i) => enrol(bases[i % 2], s.id)));
    process.stdout.write(
      `150 parallel enrolments on two replicas: ${retried} retried after a 503\n`,
    );
    expect(responses.filter((r) => r.status !== 201).map((r) => r.status)).toEqual([]);
    const counts: Array<{ status: string; n: number }> = await t.db.query(
      'SELECT status, count(*)::int AS n FROM enrolments WHERE cohort_id = $1 GROUP BY status ORDER BY status',
      [cohort.id],
    );
    expect(counts).toEqual([
      { status: 'enrolled', n: 70 },
      { status: 'waitlisted', n: 80 },
    ]);

    const completed = await makeCompletedCohort(t.db, 100);
    const ids = completed.enrolments.map((e) => e.id);
    // Queued twice over, as two replicas both deciding the same completions would.
    await t.app.get(CertificatesQueue).issue(ids);
    await t.app.get(CertificatesQueue).issue([...ids].reverse());
    await eventually(async () => (await certificatesOf(t.db, ids)).length >= 100, 120_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const rows = await certificatesOf(t.db, ids);
    expect(new Set(rows.map((r) => r.enrolment_id)).size).toBe(100);
    expect(rows).toHaveLength(100);
    expect(rows.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });
});
