import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { makeCohort, makeCourse, makeSession } from './factories';

type Db = Pick<DataSource, 'query'>;

export interface CompletedCohort {
  course: { id: string; code: string };
  cohort: { id: string; number: number; course_id: string };
  sessionId: string;
  enrolments: Array<{ id: string; studentId: string; email: string; holderName: string }>;
}

/**
 * A course, a cohort with one past 6-hour session, and `n` students whose enrolments are
 * `completed` with a system completion decision, each having attended `minutes` of the
 * session. Written in a few set-based statements so thousands are quick (bench, kill test).
 */
export async function makeCompletedCohort(
  db: Db,
  n: number,
  over: Partial<{ minutes: number; givenName: string; route: string; courseTitle: string }> = {},
): Promise<CompletedCohort> {
  const course = await makeCourse(db, over.courseTitle ? { title: over.courseTitle } : {});
  const cohort = await makeCohort(db, course.id);
  const session = await makeSession(db, cohort.id, {
    startsAt: new Date('2018-03-12T09:30:00Z'),
    minutes: 360,
  });
  const tag = randomUUID().slice(0, 8);
  const rows: Array<{ id: string; student_id: string; email: string; holder_name: string }> =
    await db.query(
      `WITH st AS (
         INSERT INTO students (given_name, family_name, email, profession, employer)
         SELECT $2, 'Holder-' || $3 || '-' || lpad(i::text, 5, '0'),
                'holder-' || $3 || '-' || i || '@pod.test', 'nurse', 'NELFT NHS Foundation Trust'
           FROM generate_series(1, $1::int) AS i
         RETURNING id, email, given_name, family_name
       ),
       en AS (
         INSERT INTO enrolments (student_id, cohort_id, course_id, route, status, enrolled_at, seated_at)
         SELECT st.id, $4, $5, $6, 'completed', '2017-12-01T00:00:00Z', '2017-12-01T00:00:00Z' FROM st
         RETURNING id, student_id
       )
       SELECT en.id, en.student_id, st.email, st.given_name || ' ' || st.family_name AS holder_name
         FROM en JOIN st ON st.id = en.student_id
        ORDER BY st.family_name`,
      [
        n,
        over.givenName ?? 'Alex',
        tag,
        cohort.id,
        course.id,
        over.route ?? 'graduate_certificate',
      ],
    );
  await db.query(
    `INSERT INTO attendance_records (session_id, enrolment_id, status, minutes_attended)
     SELECT $1, unnest($2::uuid[]), 'present', $3`,
    [session.id, rows.map((r) => r.id), over.minutes ?? 360],
  );
  await db.query(
    `INSERT INTO completion_decisions (enrolment_id, outcome, rules, facts, results, decided_at)
     SELECT unnest($1::uuid[]), 'completed', '[]', '{}', '[]', '2018-12-14T16:00:00Z'`,
    [rows.map((r) => r.id)],
  );
  return {
    course,
    cohort,
    sessionId: session.id,
    enrolments: rows.map((r) => ({
      id: r.id,
      studentId: r.student_id,
      email: r.email,
      holderName: r.holder_name,
    })),
  };
}

/** Every certificate row of these enrolments (any status), oldest first. */
export async function certificatesOf(db: Db, enrolmentIds: string[]) {
  return db.query<
    Array<{
      id: string;
      enrolment_id: string;
      status: string;
      serial: string;
      sequence: number;
      sha256: string;
      verification_code: string;
    }>
  >(
    `SELECT id, enrolment_id, status, serial, sequence, sha256, verification_code
       FROM certificates WHERE enrolment_id = ANY($1::uuid[]) ORDER BY issued_at, sequence`,
    [enrolmentIds],
  );
}
