import type { DataSource } from 'typeorm';
import { makeEnrolment, makeStudent, markAttendance } from './factories';
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

/** An enrolment with the given status, seated when the status takes a seat. */
export function enrol(
  db: Pick<DataSource, 'query'>,
  studentId: string,
  cohort: { id: string; course_id: string },
  status = 'enrolled',
): Promise<{ id: string }> {
  return makeEnrolment(db, studentId, cohort, { status });
}

/** An attendance record: present counts the whole session, anything else nothing. */
export const attend = markAttendance;
