import type { Role } from '../src/users/user.entity';
import { deriveKey } from '../src/auth/token-keys';
import { CSRF_COOKIE, CSRF_FIELD, csrfTokenFor } from '../src/web/csrf';
import { registerField } from '../src/web/register-form';
import { SESSION_COOKIE } from '../src/web/web-cookies';
import { BENCH_COURSE_CODE } from './bench-env';
import { signToken } from './tokens';

/** Runs SQL and returns the rows: a pg pool/client wrapper or a TypeORM DataSource alike. */
export interface SqlRunner {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed where used
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

/** What the scenarios pick their random targets from, read once from the generated data set. */
export interface BenchTargets {
  courseId: string;
  adminUserId: string;
  students: Array<{ userId: string; studentId: string }>;
  cohortIds: string[];
  registers: Array<{
    sessionId: string;
    tutorUserId: string;
    contactMinutes: number;
    enrolmentIds: string[];
  }>;
}

export async function loadTargets(
  db: SqlRunner,
  opts: { maxStudents?: number; maxRegisters?: number } = {},
): Promise<BenchTargets> {
  const [course] = await db.query(`SELECT id FROM courses WHERE code = $1`, [BENCH_COURSE_CODE]);
  if (!course) throw new Error('No benchmark data set: run `npm run bench:data` first');
  const [admin] = await db.query(
    `SELECT id FROM users WHERE role = 'admin' ORDER BY email = 'admin@bench.test' DESC, id LIMIT 1`,
  );
  const students = await db.query(
    `SELECT u.id AS "userId", u.student_id AS "studentId"
       FROM users u JOIN enrolments e ON e.student_id = u.student_id
      WHERE u.role = 'student' AND e.course_id = $1
      ORDER BY u.id LIMIT $2`,
    [course.id, opts.maxStudents ?? 1_000_000],
  );
  const cohorts = await db.query(`SELECT id FROM cohorts WHERE course_id = $1 ORDER BY number`, [
    course.id,
  ]);
  // Ended sessions (registers are taken after the session), each with its cohort's tutor and
  // seated enrolments: the body of a full register.
  const registers = await db.query(
    `SELECT s.id AS "sessionId", t.user_id AS "tutorUserId", s.contact_minutes AS "contactMinutes",
            ARRAY(SELECT e.id FROM enrolments e
                   WHERE e.cohort_id = s.cohort_id AND e.status IN ('enrolled', 'completed', 'not_completed')
                   ORDER BY e.id) AS "enrolmentIds"
       FROM sessions s
       JOIN cohorts c ON c.id = s.cohort_id AND c.course_id = $1
       CROSS JOIN LATERAL (SELECT ct.user_id FROM cohort_tutors ct
                            WHERE ct.cohort_id = s.cohort_id ORDER BY ct.user_id LIMIT 1) t
      WHERE s.ends_at <= now()
      ORDER BY s.id LIMIT $2`,
    [course.id, opts.maxRegisters ?? 100],
  );
  if (!admin || students.length === 0 || cohorts.length === 0 || registers.length === 0) {
    throw new Error('The benchmark data set is incomplete: run `npm run bench:data` again');
  }
  return {
    courseId: course.id,
    adminUserId: admin.id,
    students,
    cohortIds: cohorts.map((c: { id: string }) => c.id),
    registers,
  };
}

/** One HTTP request, as autocannon's setupRequest and supertest both take it. */
export interface BenchRequest {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export const HTTP_SCENARIOS = [
  'me',
  'me-progress',
  'cohort-progress',
  'register-read',
  'register-save',
  'register-page',
  'register-page-save',
] as const;
export type HttpScenarioId = (typeof HTTP_SCENARIOS)[number];

export interface HttpScenario {
  id: HttpScenarioId;
  title: string;
  connections: number;
  /** The next request; successive calls rotate users and targets. */
  next: () => BenchRequest;
}

/** A small seeded PRNG (mulberry32): the same seed picks the same "random" targets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tokenFor(secret: string, userId: string, role: Role, studentId: string | null = null) {
  return `Bearer ${signToken(secret, { sub: userId, role, studentId }, 24 * 3600)}`;
}

const JSON_HEADERS = { accept: 'application/json' };

/** GET /api/v1/me as a random student: the access check and one read of the user. */
export function meScenario(
  targets: BenchTargets,
  secret: string,
  connections: number,
  seed = 3,
): HttpScenario {
  const auth = targets.students.map((s) => tokenFor(secret, s.userId, 'student', s.studentId));
  const random = seededRandom(seed);
  return {
    id: 'me',
    title: 'GET /me',
    connections,
    next: () => ({
      method: 'GET',
      path: '/api/v1/me',
      headers: { ...JSON_HEADERS, authorization: auth[Math.floor(random() * auth.length)] },
    }),
  };
}

/** GET /api/v1/me/progress as a random student (a token per student, rotated per request). */
export function meProgressScenario(
  targets: BenchTargets,
  secret: string,
  connections: number,
  seed = 1,
): HttpScenario {
  const auth = targets.students.map((s) => tokenFor(secret, s.userId, 'student', s.studentId));
  const random = seededRandom(seed);
  return {
    id: 'me-progress',
    title: 'GET /me/progress',
    connections,
    next: () => ({
      method: 'GET',
      path: '/api/v1/me/progress',
      headers: { ...JSON_HEADERS, authorization: auth[Math.floor(random() * auth.length)] },
    }),
  };
}

/** GET /api/v1/cohorts/:id/progress for a random cohort, as the admin (70 rows per answer). */
export function cohortProgressScenario(
  targets: BenchTargets,
  secret: string,
  connections: number,
  seed = 2,
): HttpScenario {
  const authorization = tokenFor(secret, targets.adminUserId, 'admin');
  const random = seededRandom(seed);
  return {
    id: 'cohort-progress',
    title: 'GET /cohorts/:id/progress',
    connections,
    next: () => ({
      method: 'GET',
      path: `/api/v1/cohorts/${targets.cohortIds[Math.floor(random() * targets.cohortIds.length)]}/progress`,
      headers: { ...JSON_HEADERS, authorization },
    }),
  };
}

/**
 * PUT /api/v1/sessions/:id/attendance with a full register, as the cohort's tutor. Sessions
 * rotate; each session's body alternates between "everyone 15 minutes late" and "everyone
 * present", so every save really rewrites all its records (and writes an audit event for each):
 * the heaviest register save there is.
 */
export function registerSaveScenario(
  targets: BenchTargets,
  secret: string,
  connections: number,
): HttpScenario {
  const registers = targets.registers.map((r) => {
    const authorization = tokenFor(secret, r.tutorUserId, 'tutor');
    const present = JSON.stringify({
      records: r.enrolmentIds.map((enrolmentId) => ({ enrolmentId, status: 'present' })),
    });
    const late = JSON.stringify({
      records: r.enrolmentIds.map((enrolmentId) => ({
        enrolmentId,
        status: 'late',
        minutesAttended: r.contactMinutes - 15,
      })),
    });
    // Late first: the generated registers are mostly "present", so even the first save of a
    // session rewrites nearly every record.
    return {
      path: `/api/v1/sessions/${r.sessionId}/attendance`,
      authorization,
      bodies: [late, present],
    };
  });
  let i = 0;
  return {
    id: 'register-save',
    title: 'PUT /sessions/:id/attendance',
    connections,
    next: () => {
      const n = i++;
      const r = registers[n % registers.length];
      return {
        method: 'PUT',
        path: r.path,
        headers: {
          ...JSON_HEADERS,
          'content-type': 'application/json',
          authorization: r.authorization,
        },
        body: r.bodies[Math.floor(n / registers.length) % 2],
      };
    },
  };
}

/** The accreditation export of every cohort of the bench course, as the admin. */
export function exportRequest(
  targets: BenchTargets,
  secret: string,
  format: 'csv' | 'xlsx' = 'csv',
): BenchRequest {
  return {
    method: 'GET',
    path: `/api/v1/reports/accreditation?courseId=${targets.courseId}&format=${format}`,
    headers: { accept: '*/*', authorization: tokenFor(secret, targets.adminUserId, 'admin') },
  };
}

/** GET /api/v1/sessions/:id/attendance: a whole register (70 students) as the cohort's tutor. */
export function registerReadScenario(
  targets: BenchTargets,
  secret: string,
  connections: number,
): HttpScenario {
  const registers = targets.registers.map((r) => ({
    path: `/api/v1/sessions/${r.sessionId}/attendance`,
    authorization: tokenFor(secret, r.tutorUserId, 'tutor'),
  }));
  let i = 0;
  return {
    id: 'register-read',
    title: 'GET /sessions/:id/attendance',
    connections,
    next: () => {
      const r = registers[i++ % registers.length];
      return {
        method: 'GET',
        path: r.path,
        headers: { ...JSON_HEADERS, authorization: r.authorization },
      };
    },
  };
}

/** The cookies of a signed-in tutor's browser and the CSRF token its forms carry. */
function browser(secret: string, tutorUserId: string) {
  const csrfSecret = `bench-${tutorUserId}`;
  const session = signToken(secret, { sub: tutorUserId, role: 'tutor', studentId: null }, 86400);
  return {
    cookie: `${SESSION_COOKIE}=${session}; ${CSRF_COOKIE}=${csrfSecret}`,
    // the session the token names (sid) is the user's own, opened by loadTargets
    csrf: csrfTokenFor(deriveKey(secret, 'csrf'), csrfSecret, tutorUserId),
  };
}

/** The tutor's register page (HTML), GET, for the registers in turn. */
export function registerPageScenario(
  targets: BenchTargets,
  secret: string,
  connections: number,
): HttpScenario {
  const pages = targets.registers.map((r) => ({
    path: `/tutor/sessions/${r.sessionId}/register`,
    cookie: browser(secret, r.tutorUserId).cookie,
  }));
  let i = 0;
  return {
    id: 'register-page',
    title: 'GET register page',
    connections,
    next: () => {
      const p = pages[i++ % pages.length];
      return { method: 'GET', path: p.path, headers: { accept: 'text/html', cookie: p.cookie } };
    },
  };
}

/**
 * The register page's form sent back (POST, answered by a 303 to the page): everyone present or
 * everyone 15 minutes late, alternately per session, so every save rewrites the whole register.
 */
export function registerPageSaveScenario(
  targets: BenchTargets,
  secret: string,
  connections: number,
): HttpScenario {
  const forms = targets.registers.map((r) => {
    const { cookie, csrf } = browser(secret, r.tutorUserId);
    const body = (late: boolean) => {
      const form = new URLSearchParams({ [CSRF_FIELD]: csrf });
      for (const id of r.enrolmentIds) {
        form.append(registerField(id, 'status'), late ? 'late' : 'present');
        // The bench's sessions are 360 minutes: 15 minutes late attends 345.
        form.append(registerField(id, 'minutes'), late ? '345' : '');
        form.append(registerField(id, 'note'), '');
      }
      return form.toString();
    };
    return {
      path: `/tutor/sessions/${r.sessionId}/register`,
      cookie,
      bodies: [body(true), body(false)],
    };
  });
  let i = 0;
  return {
    id: 'register-page-save',
    title: 'POST register page',
    connections,
    next: () => {
      const n = i++;
      const f = forms[n % forms.length];
      return {
        method: 'POST',
        path: f.path,
        headers: {
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: f.cookie,
        },
        body: f.bodies[Math.floor(n / forms.length) % 2],
      };
    },
  };
}
