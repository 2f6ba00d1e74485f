import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CertificatesQueue } from '../src/certificates/certificates.queue';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { certificatesOf, makeCompletedCohort } from './helpers/certificate-factories';
import { holdStudentEmail, postStudentCsv, studentCsv } from './helpers/enrolment-factories';
import { freePort } from './helpers/own-redis';
import { killAll, spawnApp, Spawned } from './helpers/spawn-process';
import { createTestApp, createUser, eventually, TestApp } from './helpers/test-app';

jest.setTimeout(120_000);

/**
 * SIGTERM, as an orchestrator stops a replica, with work in flight: the API finishes the
 * request it is serving (and takes no new one), the worker finishes the job it is running, and
 * both exit 0 well within SHUTDOWN_TIMEOUT_SECONDS.
 */
describe('graceful shutdown on SIGTERM', () => {
  let t: TestApp;
  const spawned: Spawned[] = [];
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    killAll(spawned);
    await t.close();
  });

  it('the API finishes an import in flight, refuses new requests, and exits 0', async () => {
    const admin = await createUser(t, 'admin');
    const port = await freePort();
    const api = spawnApp('api', { PORT: String(port), HOST: '127.0.0.1' });
    spawned.push(api);
    await api.ready;
    const base = `http://127.0.0.1:${port}`;
    const tag = randomUUID().slice(0, 8);
    const held = await holdStudentEmail(t.db, `import-${tag}-3000@pod.test`);

    let respondedAt = 0;
    let signalledAt: number;
    let res: request.Response;
    try {
      const importing = postStudentCsv(base, admin, studentCsv(3000, tag)).then(
        (r) => ((respondedAt = Date.now()), r),
      );
      // SIGTERM while the import is part-written and waiting, then let it finish.
      await eventually(held.importWaits, 60_000);
      signalledAt = Date.now();
      api.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      await held.release();
      res = await importing;
    } finally {
      await held.release();
    }
    const { code, at } = await api.exited;
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(3000);
    expect(respondedAt).toBeGreaterThan(signalledAt);
    expect(code).toBe(0);
    const late = await request(base)
      .get('/health/live')
      .then((r) => r.status)
      .catch((error: NodeJS.ErrnoException) => error.code);
    expect(late).toBe('ECONNREFUSED');
    process.stdout.write(
      `API shutdown with an import in flight: ${at - signalledAt} ms (response after ${respondedAt - signalledAt} ms)\n`,
    );
    expect(at - signalledAt).toBeLessThan(t.config.SHUTDOWN_TIMEOUT_SECONDS * 1000);
  });

  it('the worker finishes its active job, leaves the rest queued, and exits 0', async () => {
    const c = await makeCompletedCohort(t.db, 30);
    const ids = c.enrolments.map((e) => e.id);
    const worker = spawnApp('worker', { WORKER_CONCURRENCY: '1' });
    spawned.push(worker);
    await worker.ready;
    await t.app.get(CertificatesQueue).issue(ids);
    await eventually(async () => (await certificatesOf(t.db, ids)).length >= 3, 60_000);
    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    const { code, at } = await worker.exited;
    expect(code).toBe(0);

    const queue = t.app.get<Queue>(getQueueToken(QUEUES.certificates));
    // Nothing was cut off: no job is left active (holding a lock that would have to lapse).
    expect(await queue.getActiveCount()).toBe(0);
    const issued = (await certificatesOf(t.db, ids)).length;
    expect(issued).toBeLessThan(30);
    expect(await queue.getWaitingCount()).toBeGreaterThan(0);
    process.stdout.write(
      `worker shutdown with a job in flight: ${at - signalledAt} ms (${issued} of 30 issued, the rest left queued)\n`,
    );
    expect(at - signalledAt).toBeLessThan(t.config.SHUTDOWN_TIMEOUT_SECONDS * 1000);
  });
});
