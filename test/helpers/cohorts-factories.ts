import type { DataSource } from 'typeorm';
import { makeStudent } from './factories';
import { createUser, TestApp, TestUser } from './test-app';

export interface CohortActors {
  admin: TestUser;
  /** Assigned to the cohort. */
  tutor: TestUser;
  /** A tutor of no cohort in particular: must see nothing of this one. */
  otherTutor: TestUser;
  student: TestUser;
}

/** One login of each kind around a cohort, for access checks. */
export async function cohortActors(t: TestApp, cohortId: string): Promise<CohortActors> {
  const record = await makeStudent(t.db);
  const [admin, tutor, otherTutor, student] = await Promise.all([
    createUser(t, 'admin'),
    createUser(t, 'tutor', { cohortIds: [cohortId] }),
    createUser(t, 'tutor'),
    createUser(t, 'student', { studentId: record.id }),
  ]);
  return { admin, tutor, otherTutor, student };
}

/** Splits an iCalendar text into unfolded property lines. */
export function icsLines(ics: string): string[] {
  return ics.replace(/\r\n[ \t]/g, '').split('\r\n');
}

/** The values of one property, in order (e.g. every DTSTART). */
export function icsValues(ics: string, name: string): string[] {
  return icsLines(ics)
    .filter((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`))
    .map((l) => l.slice(l.indexOf(':') + 1));
}

/**
 * An enrolment in any status. (factories.ts's makeEnrolment uses one parameter both as a varchar
 * column and in a text comparison, which PostgreSQL refuses: "inconsistent types deduced".)
 */
export async function enrol(
  db: Pick<DataSource, 'query'>,
  studentId: string,
  cohort: { id: string; course_id: string },
  status = 'enrolled',
): Promise<{ id: string }> {
  const rows: Array<{ id: string }> = await db.query(
    `INSERT INTO enrolments (student_id, cohort_id, course_id, route, status, enrolled_at, seated_at)
     VALUES ($1, $2, $3, 'graduate_certificate', $4::varchar, $5,
             CASE WHEN $4::varchar IN ('enrolled', 'completed', 'not_completed') THEN $5::timestamptz END)
     RETURNING id`,
    [studentId, cohort.id, cohort.course_id, status, new Date('2017-12-01T00:00:00Z')],
  );
  return rows[0];
}

/** An attendance record (factories.ts's markAttendance has the same parameter-type clash). */
export async function attend(
  db: Pick<DataSource, 'query'>,
  sessionId: string,
  enrolmentId: string,
  status: 'present' | 'late' | 'left_early' | 'excused' | 'absent',
): Promise<void> {
  await db.query(
    `INSERT INTO attendance_records (session_id, enrolment_id, status, minutes_attended)
     SELECT $1, $2, $3::varchar, CASE WHEN $3::varchar = 'present' THEN s.contact_minutes ELSE 0 END
       FROM sessions s WHERE s.id = $1`,
    [sessionId, enrolmentId, status],
  );
}
