import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CompletionRule } from '../../src/completion/completion-rules';

/**
 * Factories that write valid rows straight into the run's database, with overrides. Use them to
 * arrange a test; exercise the behaviour under test through the HTTP API.
 */
type Db = Pick<DataSource, 'query'>;
async function one<T>(db: Db, sql: string, params: unknown[]): Promise<T> {
  const rows: T[] = await db.query(sql, params);
  return rows[0];
}

export const POD_RULES: CompletionRule[] = [
  { type: 'min_attendance_percent', value: 80 },
  { type: 'min_contact_hours', value: 60 },
  { type: 'min_block_attendance_percent', value: 50 },
  { type: 'assessments_passed' },
];

export const POD_ASSESSMENTS = [
  { code: 'ESSAY', title: 'Reflective essay', required: true },
  { code: 'PRACTICE', title: 'Practice portfolio', required: true },
  { code: 'PRESENT', title: 'Group presentation', required: false },
];

export async function makeCourse(
  db: Db,
  over: Partial<{ code: string; title: string; rules: CompletionRule[] }> = {},
) {
  return one<{ id: string; code: string }>(
    db,
    `INSERT INTO courses (code, title, provider, accreditation_body, accreditation_level,
                          targets_contact_hours, targets_independent_hours, assessments, default_completion_rules)
     VALUES ($1, $2, 'NELFT NHS Foundation Trust with London South Bank University', 'AFT', 'Foundation',
             60, 120, $3, $4) RETURNING id, code`,
    [
      over.code ?? `C${randomUUID().slice(0, 8).toUpperCase()}`,
      over.title ?? 'Peer-supported Open Dialogue',
      JSON.stringify(POD_ASSESSMENTS),
      JSON.stringify(over.rules ?? POD_RULES),
    ],
  );
}

let cohortNumber = 100;
export async function makeCohort(
  db: Db,
  courseId: string,
  over: Partial<{
    number: number;
    capacity: number;
    timezone: string;
    startDate: string;
    endDate: string;
    status: string;
    rules: CompletionRule[];
    warnAfter: number;
  }> = {},
) {
  const number = over.number ?? cohortNumber++;
  return one<{ id: string; number: number; course_id: string }>(
    db,
    `INSERT INTO cohorts (course_id, number, name, start_date, end_date, capacity, status, timezone,
                          completion_rules, warn_after_consecutive_absences)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, number, course_id`,
    [
      courseId,
      number,
      `Cohort ${number}`,
      over.startDate ?? '2018-01-08',
      over.endDate ?? '2018-12-14',
      over.capacity ?? 70,
      over.status ?? 'running',
      over.timezone ?? 'Europe/London',
      JSON.stringify(over.rules ?? POD_RULES),
      over.warnAfter ?? 3,
    ],
  );
}

export async function makeBlock(
  db: Db,
  cohortId: string,
  over: Partial<{ title: string; startDate: string; endDate: string }> = {},
) {
  return one<{ id: string }>(
    db,
    `INSERT INTO blocks (cohort_id, title, start_date, end_date) VALUES ($1, $2, $3, $4) RETURNING id`,
    [
      cohortId,
      over.title ?? 'Residential week',
      over.startDate ?? '2018-01-08',
      over.endDate ?? '2018-01-12',
    ],
  );
}

/** A session from `startsAt` (an instant) lasting `minutes` (default 360). */
export async function makeSession(
  db: Db,
  cohortId: string,
  over: Partial<{
    startsAt: Date;
    minutes: number;
    blockId: string | null;
    title: string;
    mandatory: boolean;
    location: string;
  }> = {},
) {
  const startsAt = over.startsAt ?? new Date(Date.now() - 7 * 86400_000);
  const minutes = over.minutes ?? 360;
  return one<{ id: string; contact_minutes: number }>(
    db,
    `INSERT INTO sessions (cohort_id, block_id, title, kind, starts_at, ends_at, contact_minutes, location, mandatory)
     VALUES ($1, $2, $3, 'residential', $4, $5, $6, $7, $8) RETURNING id, contact_minutes`,
    [
      cohortId,
      over.blockId ?? null,
      over.title ?? 'Open Dialogue practice',
      startsAt,
      new Date(startsAt.getTime() + minutes * 60_000),
      minutes,
      over.location ?? 'Goodmayes Hospital, Ilford',
      over.mandatory ?? true,
    ],
  );
}

export async function makeStudent(
  db: Db,
  over: Partial<{
    givenName: string;
    familyName: string;
    email: string;
    profession: string;
    employer: string;
  }> = {},
) {
  const tag = randomUUID().slice(0, 8);
  return one<{ id: string; email: string; given_name: string; family_name: string }>(
    db,
    `INSERT INTO students (given_name, family_name, email, profession, employer)
     VALUES ($1, $2, $3, $4, $5) RETURNING id, email, given_name, family_name`,
    [
      over.givenName ?? 'Alex',
      over.familyName ?? `Student-${tag}`,
      (over.email ?? `student-${tag}@pod.test`).toLowerCase(),
      over.profession ?? 'nurse',
      over.employer ?? 'NELFT NHS Foundation Trust',
    ],
  );
}

export async function makeEnrolment(
  db: Db,
  studentId: string,
  cohort: { id: string; course_id: string },
  over: Partial<{ status: string; enrolledAt: Date; route: string }> = {},
) {
  const status = over.status ?? 'enrolled';
  return one<{ id: string }>(
    db,
    `INSERT INTO enrolments (student_id, cohort_id, course_id, route, status, enrolled_at, seated_at)
     VALUES ($1, $2, $3, $4, $5::varchar, $6::timestamptz, CASE WHEN $5::varchar IN ('enrolled', 'completed', 'not_completed') THEN $6::timestamptz END)
     RETURNING id`,
    [
      studentId,
      cohort.id,
      cohort.course_id,
      over.route ?? 'graduate_certificate',
      status,
      over.enrolledAt ?? new Date('2017-12-01T00:00:00Z'),
    ],
  );
}

export async function markAttendance(
  db: Db,
  sessionId: string,
  enrolmentId: string,
  status: 'present' | 'late' | 'left_early' | 'excused' | 'absent',
  minutesAttended?: number,
) {
  await db.query(
    `INSERT INTO attendance_records (session_id, enrolment_id, status, minutes_attended)
     SELECT $1, $2, $3::varchar, COALESCE($4::int, CASE WHEN $3::varchar = 'present' THEN s.contact_minutes ELSE 0 END)
       FROM sessions s WHERE s.id = $1
     ON CONFLICT (session_id, enrolment_id) DO UPDATE SET status = EXCLUDED.status, minutes_attended = EXCLUDED.minutes_attended`,
    [sessionId, enrolmentId, status, minutesAttended ?? null],
  );
}

export async function recordAssessment(
  db: Db,
  enrolmentId: string,
  code: string,
  outcome: 'pass' | 'refer' | 'fail',
) {
  await db.query(
    `INSERT INTO assessment_results (enrolment_id, assessment_code, outcome) VALUES ($1, $2, $3)
     ON CONFLICT (enrolment_id, assessment_code) DO UPDATE SET outcome = EXCLUDED.outcome`,
    [enrolmentId, code, outcome],
  );
}

/** A course, a cohort and `n` seated students, ready for registers. */
export async function makeSeatedCohort(
  db: Db,
  n: number,
  over: Parameters<typeof makeCohort>[2] = {},
) {
  const course = await makeCourse(db);
  const cohort = await makeCohort(db, course.id, over);
  const students = [];
  const enrolments = [];
  for (let i = 0; i < n; i++) {
    const s = await makeStudent(db);
    students.push(s);
    enrolments.push(await makeEnrolment(db, s.id, cohort));
  }
  return { course, cohort, students, enrolments };
}
