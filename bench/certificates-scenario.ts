import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { createHash } from 'node:crypto';
import {
  accreditationLine,
  renderCertificatePdf,
  routeInWords,
  verificationQr,
} from '../src/certificates/certificate-pdf';
import { CertificatesJob, CertificatesQueue } from '../src/certificates/certificates.queue';
import { formatVerificationCode } from '../src/certificates/verification-code';
import { assertBenchDatabase } from './bench-env';
import type { SqlRunner } from './scenarios';

/**
 * Certificate issuance: `count` enrolments are completed (status and a completion decision, as
 * the completion evaluation leaves them), their issue jobs are enqueued with the producer the
 * API uses, and one worker issues them. Every run starts from and returns to the generated
 * state: no certificates, no completions.
 */
async function assertBench(db: SqlRunner): Promise<void> {
  const [{ name }] = await db.query('SELECT current_database() AS name');
  assertBenchDatabase(`postgres://x/${name}`);
}

/** Removes every certificate, completion and certificate email of the (bench) database. */
export async function resetCompletions(db: SqlRunner): Promise<void> {
  await assertBench(db);
  await db.query(`DELETE FROM notifications WHERE kind = 'certificate_issued'`);
  await db.query(`DELETE FROM audit_events WHERE entity_type = 'certificate'`);
  await db.query(
    `UPDATE certificates SET superseded_by_id = NULL WHERE superseded_by_id IS NOT NULL`,
  );
  await db.query(`DELETE FROM certificates`);
  await db.query(`DELETE FROM completion_decisions`);
  await db.query(
    `UPDATE enrolments SET status = 'enrolled', ended_at = NULL
      WHERE status IN ('completed', 'not_completed')`,
  );
}

/**
 * Completes `count` seated enrolments, those of cohorts whose sessions have all ended first
 * (oldest cohorts first), and returns their ids.
 */
export async function prepareCompletions(db: SqlRunner, count: number): Promise<string[]> {
  await resetCompletions(db);
  const rows = await db.query(
    `WITH chosen AS (
       SELECT e.id FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
        WHERE e.status = 'enrolled'
        ORDER BY EXISTS (SELECT 1 FROM sessions s WHERE s.cohort_id = c.id AND s.ends_at > now()),
                 c.start_date, c.number, e.id
        LIMIT $1
     ),
     done AS (
       UPDATE enrolments e SET status = 'completed', ended_at = now()
         FROM chosen WHERE e.id = chosen.id
       RETURNING e.id, e.cohort_id
     )
     INSERT INTO completion_decisions (enrolment_id, outcome, rules, facts, results, override)
     SELECT d.id, 'completed', c.completion_rules, '{}'::jsonb, '[]'::jsonb, false
       FROM done d JOIN cohorts c ON c.id = d.cohort_id
     RETURNING enrolment_id`,
    [count],
  );
  if (rows.length < count) {
    throw new Error(
      `Only ${rows.length} enrolments to complete; ${count} asked (generate more cohorts)`,
    );
  }
  return rows.map((r: { enrolment_id: string }) => r.enrolment_id);
}

/** Enqueues the issue jobs exactly as the completion evaluation does. */
export async function enqueueIssue(
  queue: Queue<CertificatesJob>,
  enrolmentIds: string[],
): Promise<void> {
  await new CertificatesQueue(queue).issue(enrolmentIds);
}

export async function countIssued(db: SqlRunner, enrolmentIds: string[]): Promise<number> {
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM certificates WHERE enrolment_id = ANY($1::uuid[]) AND status = 'issued'`,
    [enrolmentIds],
  );
  return n;
}

/** Polls until every enrolment has its certificate; returns the milliseconds it took. */
export async function waitForIssued(
  db: SqlRunner,
  enrolmentIds: string[],
  started: number,
  timeoutMs: number,
): Promise<{ ms: number; issued: number }> {
  for (;;) {
    const issued = await countIssued(db, enrolmentIds);
    const ms = performance.now() - started;
    if (issued >= enrolmentIds.length || ms > timeoutMs) return { ms, issued };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Processing time of each finished issue job (BullMQ's processedOn to finishedOn), in ms. */
export async function issueJobTimes(queue: Queue): Promise<number[]> {
  const jobs = await queue.getJobs(['completed'], 0, -1);
  return jobs
    .filter((j) => j.name === 'issue' && j.processedOn && j.finishedOn)
    .map((j) => (j.finishedOn as number) - (j.processedOn as number))
    .sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The baseline: the same certificates (the rows the worker stored) rendered again in a bare
 * loop, QR code, PDF and SHA-256 as the worker makes them, with no queue, transaction or
 * database write. Only the loop is timed.
 */
export async function renderBaseline(
  db: SqlRunner,
  enrolmentIds: string[],
  publicBaseUrl: string,
): Promise<{ ms: number; count: number; bytes: number }> {
  const rows = await db.query(
    `SELECT c.holder_name, c.course_title, co.provider, co.accreditation_body, co.accreditation_level,
            c.cohort_name, c.route, c.contact_hours::float8 AS contact_hours,
            to_char(c.completed_on, 'YYYY-MM-DD') AS completed_on, ch.timezone, c.issued_at,
            c.serial, c.verification_code
       FROM certificates c
       JOIN cohorts ch ON ch.id = c.cohort_id
       JOIN courses co ON co.id = ch.course_id
      WHERE c.enrolment_id = ANY($1::uuid[]) AND c.status = 'issued'`,
    [enrolmentIds],
  );
  const base = publicBaseUrl.replace(/\/+$/, '');
  let bytes = 0;
  const started = performance.now();
  for (const r of rows) {
    const code = formatVerificationCode(r.verification_code);
    const url = `${base}/verify/${code}`;
    const qr = verificationQr(url);
    const pdf = await renderCertificatePdf(
      {
        holderName: r.holder_name,
        courseTitle: r.course_title,
        provider: r.provider,
        accreditationLine: accreditationLine(r.accreditation_body, r.accreditation_level),
        cohortName: r.cohort_name,
        routeInWords: routeInWords(r.route),
        contactHours: r.contact_hours,
        completedOn: r.completed_on
          ? DateTime.fromISO(r.completed_on).toFormat('d MMMM yyyy')
          : null,
        issuedOn: DateTime.fromJSDate(r.issued_at).setZone(r.timezone).toFormat('d MMMM yyyy'),
        issuedAt: r.issued_at,
        serial: r.serial,
        verificationCode: code,
        verificationUrl: url,
      },
      qr,
    );
    createHash('sha256').update(pdf).digest('hex');
    bytes += pdf.length;
  }
  return { ms: performance.now() - started, count: rows.length, bytes };
}
