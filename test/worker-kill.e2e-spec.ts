import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { CertificatesQueue } from '../src/certificates/certificates.queue';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { certificatesOf, makeCompletedCohort } from './helpers/certificate-factories';
import { createTestApp, eventually, startTestWorker, TestApp } from './helpers/test-app';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..');

/** A real worker process (node + swc-compiled sources) on this run's database and Redis prefix. */
function spawnWorker(): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(ROOT, 'test/helpers/swc-register.js'),
      join(ROOT, 'test/helpers/run-worker.ts'),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, WORKER_OVERRIDES: JSON.stringify({ WORKER_CONCURRENCY: '4' }) },
    },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker ready')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code, signal) =>
      reject(new Error(`worker exited (${code ?? signal}): ${output}`)),
    );
  });
  return { child, ready, output: () => output };
}

describe('a worker killed mid-batch loses nothing and duplicates nothing', () => {
  let t: TestApp;
  let queue: Queue;
  let replacement: INestApplicationContext | undefined;
  let worker: ReturnType<typeof spawnWorker> | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get<Queue>(getQueueToken(QUEUES.certificates));
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGKILL');
    }
    await replacement?.close();
    await t.close();
  });

  it('SIGKILL while issuing 50 certificates, then a new worker: every completion has exactly one', async () => {
    const c = await makeCompletedCohort(t.db, 50);
    const ids = c.enrolments.map((e) => e.id);

    worker = spawnWorker();
    await worker.ready;
    await t.app.get(CertificatesQueue).issue(ids);

    const issuedAtKill = await eventually(async () => {
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM certificates WHERE enrolment_id = ANY($1::uuid[])`,
        [ids],
      );
      return n >= 5 ? n : null;
    }, 60_000);
    worker.child.kill('SIGKILL');
    await new Promise((resolve) => worker?.child.once('exit', resolve));
    const activeAtKill = await queue.getActiveCount();

    expect(issuedAtKill).toBeLessThan(50);
    expect(activeAtKill).toBeGreaterThan(0);

    // The jobs the dead worker held are found stalled once their locks lapse, and run again.
    replacement = await startTestWorker();
    await eventually(async () => {
      const rows = await certificatesOf(t.db, ids);
      return rows.length === 50;
    }, 150_000);

    const rows = await certificatesOf(t.db, ids);
    const perEnrolment = new Map<string, number>();
    for (const r of rows)
      perEnrolment.set(r.enrolment_id, (perEnrolment.get(r.enrolment_id) ?? 0) + 1);
    expect(ids.filter((id) => perEnrolment.get(id) !== 1)).toEqual([]);
    expect(rows.every((r) => r.status === 'issued')).toBe(true);
    // Work cut off by the kill rolled back whole: no gap, no repeat in the cohort's numbering.
    expect(rows.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
    const [{ n: emails }] = await t.db.query(
      `SELECT count(*)::int AS n FROM notifications WHERE dedupe_key = ANY($1::text[])`,
      [rows.map((r) => `certificate_issued:${r.id}`)],
    );
    expect(emails).toBe(50);
    const [{ n: toHolders }] = await t.db.query(
      `SELECT count(*)::int AS n FROM notifications
        WHERE kind = 'certificate_issued' AND recipient = ANY($1::text[])`,
      [c.enrolments.map((e) => e.email)],
    );
    expect(toHolders).toBe(50);
  });
});
