import { Queue } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { makeCohort, makeCourse, makeEnrolment, makeStudent, markAttendance } from './factories';
import { createUser, TestApp, TestUser } from './test-app';

/**
 * Extra arrangements for the registers, assessments, progress and completion specs. Rows go
 * straight into the run's database like test/helpers/factories.ts; behaviour is exercised
 * through the HTTP API.
 */
type Db = Pick<DataSource, 'query'>;

export const tutorOf = (t: TestApp, ...cohortIds: string[]): Promise<TestUser> =>
  createUser(t, 'tutor', { cohortIds });

export const studentLogin = (t: TestApp, studentId: string): Promise<TestUser> =>
  createUser(t, 'student', { studentId });

/** An instant `minutes` from now (negative: in the past). */
export const minutesFromNow = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);

/** A certificate row for an enrolment (the certificates feature issues real ones). */
export async function makeCertificate(
  db: Db,
  enrolmentId: string,
  status: 'issued' | 'revoked' | 'superseded' = 'issued',
  issuedAt = new Date(),
): Promise<{ id: string; serial: string }> {
  const [cohort]: Array<{ cohort_id: string }> = await db.query(
    `SELECT cohort_id FROM enrolments WHERE id = $1`,
    [enrolmentId],
  );
  const sequence = Math.floor(Math.random() * 1_000_000_000);
  const serial = `TEST-${sequence}`;
  const [row]: Array<{ id: string }> = await db.query(
    `INSERT INTO certificates (enrolment_id, cohort_id, sequence, serial, verification_code, status,
                               holder_name, course_title, cohort_name, route, contact_hours,
                               accreditation_line, issued_at, pdf, sha256)
     VALUES ($1, $2, $3, $4, $5, $6, 'Test Holder', 'POD', 'Cohort', 'graduate_certificate', 60,
             'AFT foundation', $7, '\\x00'::bytea, repeat('0', 64))
     RETURNING id`,
    [
      enrolmentId,
      cohort.cohort_id,
      sequence,
      serial,
      randomBytes(8).toString('hex').toUpperCase(),
      status,
      issuedAt,
    ],
  );
  return { id: row.id, serial };
}

/** The BullMQ queue of the test run, to look at the jobs the API enqueued. */
export function runQueue(t: TestApp, name: 'certificates' | 'notifications'): Queue {
  return new Queue(name, {
    connection: { url: t.config.REDIS_URL },
    prefix: t.config.QUEUE_PREFIX,
  });
}

export async function auditEvents(
  db: Db,
  entityId: string,
): Promise<Array<{ action: string; before: unknown; after: unknown; actor_id: string | null }>> {
  return db.query(
    `SELECT action, before, after, actor_id FROM audit_events WHERE entity_id = $1
      ORDER BY created_at, id`,
    [entityId],
  );
}

/** An enrolment, seated when its status takes a seat (the shared factory). */
export const enrol = makeEnrolment;

/** A course, a cohort and `n` seated students with sortable names and a chosen enrolment date. */
export async function seatedCohort(
  db: Db,
  n: number,
  over: Parameters<typeof makeCohort>[2] = {},
  enrolledAt?: Date,
) {
  const course = await makeCourse(db);
  const cohort = await makeCohort(db, course.id, over);
  const students: Array<{ id: string }> = [];
  const enrolments: Array<{ id: string }> = [];
  for (let i = 0; i < n; i++) {
    const s = await makeStudent(db, { givenName: `Student${String(i).padStart(3, '0')}` });
    students.push(s);
    enrolments.push(await enrol(db, s.id, cohort, { enrolledAt }));
  }
  return { course, cohort, students, enrolments };
}

/** An attendance record: present defaults to the session's minutes, others to 0. */
export const mark = markAttendance;

export const unknownId = (): string => randomUUID();
