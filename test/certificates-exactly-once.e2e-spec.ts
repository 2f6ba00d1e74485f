import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { CertificatesQueue } from '../src/certificates/certificates.queue';
import { CertificateIssuingService } from '../src/certificates/certificate-issuing.service';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { certificatesOf, makeCompletedCohort } from './helpers/certificate-factories';
import { makeEnrolment, makeStudent } from './helpers/factories';
import { createTestApp, eventually, startTestWorker, TestApp } from './helpers/test-app';

jest.setTimeout(120_000);

/**
 * Waits until the certificates queue has nothing waiting, running or backing off (the sweep's
 * job scheduler always holds its next run as a delayed `repeat:` job; that one does not count).
 */
async function drained(queue: Queue) {
  await eventually(async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
    if (Object.values(counts).some((n) => n > 0)) return false;
    const delayed = await queue.getDelayed();
    return delayed.every((j) => String(j.id).startsWith('repeat:'));
  }, 60_000);
}

function expectExactlyOneEach(
  rows: Awaited<ReturnType<typeof certificatesOf>>,
  enrolmentIds: string[],
) {
  const perEnrolment = new Map<string, number>();
  for (const r of rows)
    perEnrolment.set(r.enrolment_id, (perEnrolment.get(r.enrolment_id) ?? 0) + 1);
  expect(enrolmentIds.filter((id) => perEnrolment.get(id) !== 1)).toEqual([]);
  expect(rows.every((r) => r.status === 'issued')).toBe(true);
  // One cohort: sequences 1..n without gaps or repeats, serials and codes all distinct.
  expect(rows.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(
    enrolmentIds.map((_, i) => i + 1),
  );
  expect(new Set(rows.map((r) => r.serial)).size).toBe(rows.length);
  expect(new Set(rows.map((r) => r.verification_code)).size).toBe(rows.length);
}

describe('certificates are issued exactly once', () => {
  let t: TestApp;
  let queue: Queue;
  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get<Queue>(getQueueToken(QUEUES.certificates));
  });
  afterAll(() => t.close());

  it('running the issue twice, at once or one after the other, gives one certificate', async () => {
    const c = await makeCompletedCohort(t.db, 1);
    const [enrolment] = c.enrolments;
    const service = t.app.get(CertificateIssuingService);
    const results = await Promise.all([
      service.issue(enrolment.id),
      service.issue(enrolment.id),
      service.issue(enrolment.id),
    ]);
    const later = await service.issue(enrolment.id);
    const outcomes = results.map((r) => r.outcome).sort();
    expect(outcomes).toEqual(['already_issued', 'already_issued', 'issued']);
    const ids = new Set([...results, later].map((r) => r.certificateId));
    expect(ids.size).toBe(1);
    expect(later.outcome).toBe('already_issued');
    const rows = await certificatesOf(t.db, [enrolment.id]);
    expectExactlyOneEach(rows, [enrolment.id]);
    const emails = await t.db.query(
      `SELECT count(*)::int AS n FROM notifications WHERE dedupe_key = $1`,
      [`certificate_issued:${rows[0].id}`],
    );
    expect(emails[0].n).toBe(1);
  });

  it('the same job delivered twice by the queue leaves one certificate', async () => {
    const worker = await startTestWorker();
    try {
      const c = await makeCompletedCohort(t.db, 1);
      const [enrolment] = c.enrolments;
      const producer = t.app.get(CertificatesQueue);
      await producer.issue([enrolment.id]);
      await producer.issue([enrolment.id]);
      await queue.add(
        'issue',
        { enrolmentId: enrolment.id },
        { jobId: `redelivered-${enrolment.id}` },
      );
      await drained(queue);
      const first = await queue.getJob(`issue-${enrolment.id}`);
      const second = await queue.getJob(`redelivered-${enrolment.id}`);
      expect([first?.returnvalue?.outcome, second?.returnvalue?.outcome].sort()).toEqual([
        'already_issued',
        'issued',
      ]);
      expectExactlyOneEach(await certificatesOf(t.db, [enrolment.id]), [enrolment.id]);
    } finally {
      await worker.close();
    }
  });

  it('two workers racing over 20 completions (each queued twice) issue 20 certificates', async () => {
    const workers = await Promise.all([startTestWorker(), startTestWorker()]);
    try {
      const c = await makeCompletedCohort(t.db, 20);
      const ids = c.enrolments.map((e) => e.id);
      // Each completion twice under different job ids, so both workers may take the same one.
      await queue.addBulk(
        ids.flatMap((enrolmentId) => [
          { name: 'issue', data: { enrolmentId }, opts: { jobId: `race-a-${enrolmentId}` } },
          { name: 'issue', data: { enrolmentId }, opts: { jobId: `race-b-${enrolmentId}` } },
        ]),
      );
      await drained(queue);
      expectExactlyOneEach(await certificatesOf(t.db, ids), ids);
      const failed = await queue.getFailed();
      expect(failed.filter((j) => String(j.id).startsWith('race-'))).toEqual([]);
    } finally {
      await Promise.all(workers.map((w: INestApplicationContext) => w.close()));
    }
  });

  it('the sweep queues completions whose job never reached Redis, but not revoked ones', async () => {
    const c = await makeCompletedCohort(t.db, 3);
    const [lost, revokedOne, notYet] = c.enrolments;
    const service = t.app.get(CertificateIssuingService);
    const revoked = await service.issue(revokedOne.id);
    await t.db.query(
      `UPDATE certificates SET status = 'revoked', revoked_at = now(), revoked_reason = 'test' WHERE id = $1`,
      [revoked.certificateId],
    );
    // A completion decided a moment ago is left to its own job for now.
    await t.db.query(`UPDATE completion_decisions SET decided_at = now() WHERE enrolment_id = $1`, [
      notYet.id,
    ]);
    const worker = await startTestWorker();
    try {
      await queue.add('sweep', { sweep: true }, { jobId: `sweep-test-${c.cohort.id}` });
      await eventually(async () => (await certificatesOf(t.db, [lost.id])).length === 1, 30_000);
      await drained(queue);
      const rows = await certificatesOf(t.db, [lost.id, revokedOne.id, notYet.id]);
      expect(rows.map((r) => [r.enrolment_id, r.status]).sort()).toEqual(
        [
          [lost.id, 'issued'],
          [revokedOne.id, 'revoked'],
        ].sort(),
      );
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toContain('certificates-sweep');
    } finally {
      await worker.close();
    }
  });

  it('a job for an enrolment that is not completed finishes without a certificate', async () => {
    const c = await makeCompletedCohort(t.db, 0);
    const student = await makeStudent(t.db);
    const enrolment = await makeEnrolment(t.db, student.id, c.cohort, { status: 'enrolled' });
    const worker = await startTestWorker();
    try {
      await t.app.get(CertificatesQueue).issue([enrolment.id]);
      await drained(queue);
      const job = await queue.getJob(`issue-${enrolment.id}`);
      expect(await job?.getState()).toBe('completed');
      expect(job?.returnvalue).toEqual({ outcome: 'not_completed', certificateId: null });
      expect(await certificatesOf(t.db, [enrolment.id])).toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it('a job that keeps failing is retried with backoff and ends failed, visibly', async () => {
    const worker = await startTestWorker();
    try {
      await queue.add(
        'issue',
        { enrolmentId: 'not-a-uuid' },
        { jobId: 'always-fails', attempts: 3, backoff: { type: 'exponential', delay: 100 } },
      );
      const job = await eventually(async () => {
        const j = await queue.getJob('always-fails');
        return j && (await j.getState()) === 'failed' ? j : null;
      }, 30_000);
      expect(job.attemptsMade).toBe(3);
      expect(job.failedReason).toMatch(/uuid/i);
      expect((await queue.getFailed()).map((j) => j.id)).toContain('always-fails');
    } finally {
      await worker.close();
    }
  });
});
