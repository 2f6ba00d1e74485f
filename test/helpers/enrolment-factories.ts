import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { makeEnrolment } from './factories';
import { bearer } from './test-app';

/**
 * Extra factories for the students and enrolments specs: records other features write
 * (certificates, completion decisions, notifications), inserted straight into the database so
 * the data-protection tests can arrange a full history.
 */
type Db = Pick<DataSource, 'query'>;

export async function makeCertificate(
  db: Db,
  enrolment: { id: string; cohortId: string },
  over: Partial<{ holderName: string; serial: string; sequence: number }> = {},
) {
  const pdf = Buffer.from(`%PDF-1.7 certificate for ${over.holderName ?? 'Alex Student'}`);
  const sequence = over.sequence ?? Math.floor(Math.random() * 1_000_000);
  const [row] = await db.query(
    `INSERT INTO certificates (enrolment_id, cohort_id, sequence, serial, verification_code,
                               holder_name, course_title, cohort_name, route, contact_hours,
                               accreditation_line, completed_on, issued_at, pdf, sha256)
     VALUES ($1, $2, $3, $4, $5, $6, 'Peer-supported Open Dialogue', 'Cohort 3',
             'graduate_certificate', 62.5, 'AFT foundation level', '2017-10-27',
             '2017-10-30T10:00:00Z', $7, $8)
     RETURNING id, serial, verification_code`,
    [
      enrolment.id,
      enrolment.cohortId,
      sequence,
      over.serial ?? `POD-T${randomUUID().slice(0, 6).toUpperCase()}`,
      randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase(),
      over.holderName ?? 'Alex Student',
      pdf,
      createHash('sha256').update(pdf).digest('hex'),
    ],
  );
  return row as { id: string; serial: string; verification_code: string };
}

export async function makeCompletionDecision(
  db: Db,
  enrolmentId: string,
  outcome: 'completed' | 'not_completed' = 'completed',
) {
  const [row] = await db.query(
    `INSERT INTO completion_decisions (enrolment_id, outcome, rules, facts, results)
     VALUES ($1, $2, '[]', '{"attendancePercent": 92.5}', '[]') RETURNING id`,
    [enrolmentId, outcome],
  );
  return row as { id: string };
}

export async function makeNotification(
  db: Db,
  over: Partial<{
    recipient: string;
    dedupeKey: string;
    bodyText: string;
    status: 'pending' | 'sent' | 'failed';
  }> = {},
) {
  const [row] = await db.query(
    `INSERT INTO notifications (dedupe_key, kind, recipient, subject, body_text, status,
                                attachments)
     VALUES ($1, 'session_reminder', $2, 'Your session tomorrow', $3, $4,
             '[{"filename": "timetable.ics", "contentType": "text/calendar", "content": "QkVHSU4="}]')
     RETURNING id`,
    [
      over.dedupeKey ?? `session_reminder:${randomUUID()}`,
      over.recipient ?? 'someone@pod.test',
      over.bodyText ?? 'Hello',
      over.status ?? 'sent',
    ],
  );
  return row as { id: string };
}

/** A CSV of `n` valid, distinct students (emails tagged so runs never collide). */
export function studentCsv(n: number, tag = randomUUID().slice(0, 8)): string {
  const professions = [
    'nurse',
    'psychiatrist',
    'psychologist',
    'social_worker',
    'peer_support_worker',
  ];
  const lines = ['givenName,familyName,email,profession,employer,registrationNumber'];
  for (let i = 1; i <= n; i++) {
    lines.push(
      `Given${i},Family${i},import-${tag}-${i}@pod.test,${professions[i % professions.length]},` +
        `"NELFT NHS Foundation Trust, Ilford",REG${i}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Sends `csv` to the student import as `user` would (`target`: the app's server or a spawned
 * API's base URL); `query` is appended to the path, e.g. `?dryRun=true`.
 */
export function postStudentCsv(
  target: Parameters<typeof request>[0],
  user: { token: string },
  csv: string,
  query = '',
) {
  return request(target)
    .post(`/api/v1/students/import${query}`)
    .set(bearer(user))
    .set('content-type', 'text/csv')
    .send(csv);
}

/**
 * Holds a student import in flight, however fast the machine: an open transaction inserts the
 * student `email`, so an import naming it writes the rows sorted before it and then waits on that
 * row until `release()` rolls the insert back. Name a row sorted after the first 1,000 (an import
 * writes 1,000 rows a statement), so the waiting import has written some: with studentCsv(n),
 * `import-<tag>-<n>@pod.test` for n of 5,000 or 3,000.
 */
export async function holdStudentEmail(db: DataSource, email: string) {
  const holder = db.createQueryRunner();
  await holder.connect();
  await holder.startTransaction();
  await holder.query(
    `INSERT INTO students (given_name, family_name, email, profession, employer)
     VALUES ('Held', 'Row', $1, 'nurse', 'Test')`,
    [email],
  );
  return {
    /** True once another transaction that has written rows waits on a lock (on the held row). */
    importWaits: async () => {
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND backend_xid IS NOT NULL`,
      );
      return n > 0;
    },
    release: async () => {
      if (holder.isReleased) return;
      await holder.rollbackTransaction();
      await holder.release();
    },
  };
}

/** An enrolment row straight in the database (the shared factory). */
export const makeEnrolmentRow = makeEnrolment;
