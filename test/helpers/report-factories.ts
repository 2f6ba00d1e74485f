import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { makeEnrolment, markAttendance } from './factories';

/**
 * Extra factories for the reports specs: the rows the export reads that the shared factories
 * do not make (decisions, certificates, ended enrolments, bulk enrolments). They write straight
 * into the run's database, like test/helpers/factories.ts.
 */
type Db = Pick<DataSource, 'query'>;

/** Sets an enrolment's status and dates as the enrolment service would have left them. */
export async function setEnrolmentState(
  db: Db,
  enrolmentId: string,
  state: { status: string; seatedAt?: Date | null; endedAt?: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE enrolments SET status = $2,
            seated_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE seated_at END,
            ended_at = $5
      WHERE id = $1`,
    [
      enrolmentId,
      state.status,
      state.seatedAt !== undefined,
      state.seatedAt ?? null,
      state.endedAt ?? null,
    ],
  );
}

export async function makeDecision(
  db: Db,
  enrolmentId: string,
  outcome: 'completed' | 'not_completed',
  over: { override?: boolean; decidedAt?: Date; reason?: string } = {},
): Promise<void> {
  await db.query(
    `INSERT INTO completion_decisions (enrolment_id, outcome, rules, facts, results, override, reason, decided_at)
     VALUES ($1, $2, '[]', '{}', '[]', $3, $4, $5)`,
    [
      enrolmentId,
      outcome,
      over.override ?? false,
      over.reason ?? (over.override ? 'Agreed by the course board' : null),
      over.decidedAt ?? new Date(),
    ],
  );
}

/** A certificate row for an enrolment (the PDF bytes are a stand-in). */
export async function makeCertificate(
  db: Db,
  enrolmentId: string,
  over: { serial: string; status?: 'issued' | 'revoked' | 'superseded'; issuedAt?: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO certificates (enrolment_id, cohort_id, sequence, serial, verification_code, status,
                               holder_name, course_title, cohort_name, route, contact_hours,
                               accreditation_line, issued_at, pdf, sha256)
     SELECT e.id, e.cohort_id,
            COALESCE((SELECT max(sequence) FROM certificates WHERE cohort_id = e.cohort_id), 0) + 1,
            $2, $3, $4, st.given_name || ' ' || st.family_name, co.title, c.name, e.route, 60,
            'AFT foundation level', $5, '\\x00', repeat('0', 64)
       FROM enrolments e
       JOIN students st ON st.id = e.student_id
       JOIN cohorts c ON c.id = e.cohort_id
       JOIN courses co ON co.id = c.course_id
      WHERE e.id = $1`,
    [
      enrolmentId,
      over.serial,
      randomBytes(8).toString('hex').toUpperCase(),
      over.status ?? 'issued',
      over.issuedAt ?? new Date(),
    ],
  );
}

/** `n` students enrolled in the cohort, in one statement (for exports of many rows). */
export async function makeBulkEnrolments(
  db: Db,
  cohort: { id: string; course_id: string },
  n: number,
): Promise<void> {
  const tag = randomUUID().slice(0, 8);
  await db.query(
    `WITH s AS (
       INSERT INTO students (given_name, family_name, email, profession, employer)
       SELECT 'Bulk', 'Student ' || i, 'bulk-' || $3 || '-' || i || '@pod.test', 'nurse', 'NELFT NHS Foundation Trust'
         FROM generate_series(1, $4::int) i
       RETURNING id)
     INSERT INTO enrolments (student_id, cohort_id, course_id, route, status, enrolled_at, seated_at)
     SELECT s.id, $1, $2, 'graduate_certificate', 'enrolled', '2017-12-01', '2017-12-01' FROM s`,
    [cohort.id, cohort.course_id, tag, n],
  );
}

/** An enrolment, seated when its status takes a seat (the shared factory). */
export const enrol = makeEnrolment;

/** A register entry: present defaults to the session's minutes, others to 0. */
export const mark = markAttendance;
