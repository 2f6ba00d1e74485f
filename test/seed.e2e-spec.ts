import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { hashPassword } from '../src/auth/passwords';
import { buildDataSourceOptions } from '../src/infrastructure/database/database-options';
import { DEMO_LOGINS, runSeedCli, SeedRefusedError, seedDemo, seedIfEmpty } from '../src/seed/seed';
import { makeCohort, makeCourse, makeStudent } from './helpers/factories';
import { bearer, createTestApp, TestApp } from './helpers/test-app';
import { assertTestDatabase, withDatabase } from './setup/test-database';

// Seeding ~13,000 rows and hashing three passwords takes seconds on a busy CI machine.
jest.setTimeout(120_000);

/**
 * The demo seed against a real database. It gets a database of its own (created next to the
 * run's, dropped after): the seed adds ~270 completed enrolments without certificates, and in
 * the shared database the certificates worker of a later spec would sweep them all up and
 * delay that spec's own jobs. The database is not left empty either: rows the seed did not
 * create (another course, a tutor account that already exists) are there first, and must be
 * kept and reused.
 */
describe('demo seed', () => {
  let t: TestApp;
  let url: string;
  const name = `${process.env.TEST_DATABASE_NAME}_seed`;
  const admin = () => new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  const logs: string[] = [];
  const log = (s: string) => logs.push(s);
  const EXISTING_TUTOR = { email: 'tutor2@pod.example', password: 'an-existing-tutor-password' };
  const cohortId = async (n: number): Promise<string> => {
    const [row] = await t.db.query(
      `SELECT ch.id FROM cohorts ch JOIN courses c ON c.id = ch.course_id
        WHERE c.code = 'POD' AND ch.number = $1`,
      [n],
    );
    return row.id;
  };
  const TABLES = [
    'courses',
    'cohorts',
    'blocks',
    'sessions',
    'students',
    'users',
    'cohort_tutors',
    'enrolments',
    'attendance_records',
    'assessment_results',
    'completion_decisions',
    'audit_events',
  ];
  const countRows = async () => {
    const [row] = await t.db.query(
      `SELECT ${TABLES.map((x) => `(SELECT count(*)::int FROM ${x}) AS ${x}`).join(', ')}`,
    );
    return row as Record<string, number>;
  };

  beforeAll(async () => {
    assertTestDatabase(name);
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    url = withDatabase(process.env.TEST_ADMIN_DATABASE_URL as string, name);
    const ds = new DataSource(
      buildDataSourceOptions({ DATABASE_URL: url, DB_LOGGING: false, DB_POOL_SIZE: 2 }),
    );
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();

    t = await createTestApp({ DATABASE_URL: url });
    const other = await makeCourse(t.db);
    await makeCohort(t.db, other.id, { number: 1 });
    await makeStudent(t.db);
    await t.db.query(`INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'tutor')`, [
      EXISTING_TUTOR.email,
      await hashPassword(EXISTING_TUTOR.password),
    ]);
    await seedDemo(t.db, log);
  });
  afterAll(async () => {
    await t?.close();
    if (process.env.KEEP_TEST_DATABASE) return;
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  it('reports what it seeded and how long it took', () => {
    expect(logs.join('\n')).toMatch(
      /seeded course POD with 5 cohorts, 354 students, 355 enrolments \(cohorts 1 to 3 through the history import\), 200 sessions, \d+ attendance records in [\d.]+ s/,
    );
  });

  it('changes nothing when applied a second time', async () => {
    const before = await countRows();
    const inserted = await seedDemo(t.db, log);
    expect(Object.values(inserted).every((n) => n === 0)).toBe(true);
    expect(logs.at(-1)).toMatch(/already present, nothing added/);
    expect(await countRows()).toEqual(before);
    expect(await seedIfEmpty(t.db, log)).toBe('present');
    expect(await countRows()).toEqual(before);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'seed.apply'`,
    );
    expect(n).toBe(1);
  });

  it('records cohort 3 with 70 students who were decided in October 2017', async () => {
    const [row] = await t.db.query(
      `SELECT ch.status, ch.start_date::text AS start, ch.end_date::text AS end,
              count(*) FILTER (WHERE e.status IN ('completed', 'not_completed'))::int AS decided,
              count(*) FILTER (WHERE e.status = 'completed')::int AS completed,
              (SELECT array_agg(DISTINCT to_char(d.decided_at AT TIME ZONE 'Europe/London', 'YYYY-MM'))
                 FROM completion_decisions d JOIN enrolments x ON x.id = d.enrolment_id
                WHERE x.cohort_id = ch.id) AS months
         FROM cohorts ch JOIN enrolments e ON e.cohort_id = ch.id
        WHERE ch.id = $1
        GROUP BY ch.id`,
      [await cohortId(3)],
    );
    expect(row).toMatchObject({ status: 'completed', decided: 70, months: ['2017-10'] });
    expect(row.start).toMatch(/^2016-10/);
    expect(row.end).toMatch(/^2017-10/);
    expect(row.completed).toBeGreaterThanOrEqual(60);
    expect(row.completed).toBeLessThan(70);
  });

  it('loads cohorts 1 to 3 through the history import: imported decisions, paper certificates', async () => {
    const rows = await t.db.query(
      `SELECT ch.number,
              (SELECT count(*)::int FROM completion_decisions d JOIN enrolments e ON e.id = d.enrolment_id
                WHERE e.cohort_id = ch.id AND NOT d.imported) AS not_imported,
              (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = ch.id AND e.status = 'completed') AS completed,
              (SELECT count(*)::int FROM certificates c WHERE c.cohort_id = ch.id AND c.on_paper AND length(c.pdf) = 0) AS paper,
              (SELECT count(*)::int FROM audit_events a WHERE a.entity_id = ch.id AND a.action = 'history.imported') AS imports
         FROM cohorts ch JOIN courses c ON c.id = ch.course_id
        WHERE c.code = 'POD' ORDER BY ch.number`,
    );
    for (const row of rows.slice(0, 3)) {
      expect(row).toEqual({ ...row, not_imported: 0, paper: row.completed, imports: 1 });
      expect(row.completed).toBeGreaterThan(60);
    }
    expect(rows.slice(3).map((r: { imports: number }) => r.imports)).toEqual([0, 0]);
    const [link] = await t.db.query(
      `SELECT f.transferred_to_id = t.id AS linked FROM enrolments t
         JOIN enrolments f ON f.id = t.transferred_from_id
        WHERE t.cohort_id = $1`,
      [await cohortId(4)],
    );
    expect(link).toEqual({ linked: true });
  });

  it('gives the live cohorts study logs: cohort 4 near the target, cohort 5 under way with entries to review', async () => {
    const rows = await t.db.query(
      `SELECT ch.number,
              round(avg(x.approved) / 60)::int AS mean_approved_hours,
              sum(x.pending)::int AS pending_minutes
         FROM (SELECT e.cohort_id,
                      COALESCE(sum(sl.minutes) FILTER (WHERE sl.status = 'approved'), 0) AS approved,
                      COALESCE(sum(sl.minutes) FILTER (WHERE sl.status = 'submitted'), 0) AS pending
                 FROM enrolments e LEFT JOIN study_log_entries sl ON sl.enrolment_id = e.id
                WHERE e.status = 'enrolled' GROUP BY e.id) x
         JOIN cohorts ch ON ch.id = x.cohort_id
        GROUP BY ch.number ORDER BY ch.number`,
    );
    expect(rows.map((r: { number: number }) => r.number)).toEqual([4, 5]);
    expect(rows[0].mean_approved_hours).toBeGreaterThan(90);
    expect(rows[0].mean_approved_hours).toBeLessThan(160);
    expect(rows[1].mean_approved_hours).toBeGreaterThan(3);
    expect(rows[1].mean_approved_hours).toBeLessThan(40);
    expect(rows[1].pending_minutes).toBeGreaterThan(0);
  });

  it('stores decision facts that match the registers they were taken on', async () => {
    const [{ mismatches, decisions }] = await t.db.query(
      `SELECT count(*) FILTER (WHERE (d.facts->>'attendedMinutes')::int <> r.attended
                                  OR (d.facts->>'excusedMinutes')::int <> r.excused)::int AS mismatches,
              count(*)::int AS decisions
         FROM completion_decisions d
         JOIN enrolments e ON e.id = d.enrolment_id
         JOIN LATERAL (
           SELECT COALESCE(sum(ar.minutes_attended) FILTER (WHERE ar.status IN ('present', 'late', 'left_early')), 0) AS attended,
                  COALESCE(sum(s.contact_minutes) FILTER (WHERE ar.status = 'excused'), 0) AS excused
             FROM attendance_records ar JOIN sessions s ON s.id = ar.session_id
            WHERE ar.enrolment_id = e.id) r ON true
        WHERE e.cohort_id = ANY($1::uuid[])`,
      [[await cohortId(1), await cohortId(2), await cohortId(3)]],
    );
    expect(decisions).toBeGreaterThan(200);
    expect(mismatches).toBe(0);
  });

  it('stores residential times as UTC instants that are right across British Summer Time', async () => {
    const c3 = await cohortId(3);
    const at = async (date: string, prefix: string) => {
      const [row] = await t.db.query(
        `SELECT starts_at, ends_at FROM sessions
          WHERE cohort_id = $1 AND (starts_at AT TIME ZONE 'Europe/London')::date = $2::date
            AND title LIKE $3`,
        [c3, date, `${prefix}:%`],
      );
      return [row.starts_at.toISOString(), row.ends_at.toISOString()];
    };
    expect(await at('2017-05-15', 'Morning')).toEqual([
      '2017-05-15T08:30:00.000Z',
      '2017-05-15T11:30:00.000Z',
    ]);
    expect(await at('2017-01-30', 'Afternoon')).toEqual([
      '2017-01-30T13:30:00.000Z',
      '2017-01-30T16:30:00.000Z',
    ]);
    const [{ off, total }] = await t.db.query(
      `SELECT count(*) FILTER (WHERE to_char(s.starts_at AT TIME ZONE 'Europe/London', 'HH24:MI')
                                     NOT IN ('09:30', '13:30'))::int AS off,
              count(*)::int AS total
         FROM sessions s JOIN cohorts ch ON ch.id = s.cohort_id JOIN courses c ON c.id = ch.course_id
        WHERE c.code = 'POD'`,
    );
    expect(total).toBe(200);
    expect(off).toBe(0);
  });

  it('shows cohort 5 part-way through its year with some students at risk', async () => {
    const c5 = await cohortId(5);
    const [sessions] = await t.db.query(
      `SELECT count(*) FILTER (WHERE ends_at <= now())::int AS past,
              count(*) FILTER (WHERE starts_at > now())::int AS future
         FROM sessions WHERE cohort_id = $1`,
      [c5],
    );
    // Residential weeks 1 and 2 are over, weeks 3 and 4 are still to come.
    expect(sessions).toEqual({ past: 20, future: 20 });
    // Consecutive absences at the latest ended sessions, per seated student.
    const [{ at_risk, seated, unmarked }] = await t.db.query(
      `WITH ended AS (
         SELECT e.id AS enrolment_id, ar.status,
                row_number() OVER (PARTITION BY e.id ORDER BY s.starts_at DESC) AS k
           FROM enrolments e
           JOIN sessions s ON s.cohort_id = e.cohort_id AND s.ends_at <= now()
           LEFT JOIN attendance_records ar ON ar.session_id = s.id AND ar.enrolment_id = e.id
          WHERE e.cohort_id = $1 AND e.status = 'enrolled'),
       runs AS (
         SELECT enrolment_id,
                COALESCE(min(k) FILTER (WHERE status IS DISTINCT FROM 'absent') - 1, count(*)) AS run
           FROM ended GROUP BY enrolment_id)
       SELECT count(*) FILTER (WHERE run >= 3)::int AS at_risk, count(*)::int AS seated,
              (SELECT count(*)::int FROM ended WHERE status IS NULL) AS unmarked
         FROM runs`,
      [c5],
    );
    expect(seated).toBe(70);
    expect(at_risk).toBeGreaterThanOrEqual(3);
    expect(at_risk).toBeLessThanOrEqual(15);
    expect(unmarked).toBe(0);
    const [{ waitlisted }] = await t.db.query(
      `SELECT count(*)::int AS waitlisted FROM enrolments WHERE cohort_id = $1 AND status = 'waitlisted'`,
      [c5],
    );
    expect(waitlisted).toBe(3);
  });

  it('leaves cohort 4 fully marked but not yet evaluated', async () => {
    const c4 = await cohortId(4);
    const [row] = await t.db.query(
      `SELECT ch.status,
              (SELECT count(*)::int FROM completion_decisions d JOIN enrolments e ON e.id = d.enrolment_id
                WHERE e.cohort_id = ch.id) AS decisions,
              (SELECT count(*)::int FROM enrolments e JOIN sessions s ON s.cohort_id = e.cohort_id
                 LEFT JOIN attendance_records ar ON ar.session_id = s.id AND ar.enrolment_id = e.id
                WHERE e.cohort_id = ch.id AND e.status = 'enrolled' AND ar.id IS NULL) AS unmarked,
              (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = ch.id
                  AND e.transferred_from_id IS NOT NULL) AS transferred_in
         FROM cohorts ch WHERE ch.id = $1`,
      [c4],
    );
    expect(row).toEqual({ status: 'running', decisions: 0, unmarked: 0, transferred_in: 1 });
  });

  it('lets the demo admin, tutor and student log in', async () => {
    for (const [role, login] of Object.entries(DEMO_LOGINS)) {
      const res = await t.http().post('/api/v1/auth/login').send(login);
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ email: login.email, role });
      const me = await t
        .http()
        .get('/api/v1/me')
        .set(bearer({ token: res.body.accessToken }));
      expect(me.status).toBe(200);
    }
    const [student] = await t.db.query(
      `SELECT e.status, ch.number FROM users u
         JOIN enrolments e ON e.student_id = u.student_id
         JOIN cohorts ch ON ch.id = e.cohort_id
        WHERE u.email = $1`,
      [DEMO_LOGINS.student.email],
    );
    expect(student).toEqual({ status: 'enrolled', number: 5 });
    const [tutor] = await t.db.query(
      `SELECT array_agg(ch.number ORDER BY ch.number) AS cohorts FROM users u
         JOIN cohort_tutors ct ON ct.user_id = u.id JOIN cohorts ch ON ch.id = ct.cohort_id
        WHERE u.email = $1`,
      [DEMO_LOGINS.tutor.email],
    );
    expect(tutor.cohorts).toEqual([4, 5]);
  });

  it('keeps rows it did not create and points its own rows at an account that already existed', async () => {
    const [{ courses }] = await t.db.query(`SELECT count(*)::int AS courses FROM courses`);
    expect(courses).toBe(2);
    const login = await t.http().post('/api/v1/auth/login').send(EXISTING_TUTOR);
    expect(login.status).toBe(200);
    const [row] = await t.db.query(
      `SELECT array_agg(DISTINCT ch.number) AS cohorts,
              (SELECT count(*)::int FROM attendance_records ar JOIN sessions s ON s.id = ar.session_id
                WHERE s.cohort_id = ANY(array_agg(ch.id)) AND ar.marked_by_id <> u.id) AS marked_by_others
         FROM users u JOIN cohort_tutors ct ON ct.user_id = u.id JOIN cohorts ch ON ch.id = ct.cohort_id
        WHERE u.email = $1 GROUP BY u.id`,
      [EXISTING_TUTOR.email],
    );
    expect(row).toEqual({ cohorts: [2], marked_by_others: 0 });
  });

  it('refuses to run under NODE_ENV=production', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(seedIfEmpty(t.db, log)).rejects.toThrow(SeedRefusedError);
      await expect(seedDemo(t.db, log)).rejects.toThrow(/production/);
    } finally {
      process.env.NODE_ENV = saved;
    }
    const out: string[] = [];
    const code = await runSeedCli({ NODE_ENV: 'production', DATABASE_URL: url }, (s) =>
      out.push(s),
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/Refusing to seed demo data: NODE_ENV is production/);
  });

  it('runs as the db:seed command and reports the demo already present', async () => {
    const out: string[] = [];
    const code = await runSeedCli({ NODE_ENV: 'test', DATABASE_URL: url }, (s) => out.push(s));
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/a POD course exists, nothing to seed/);
    expect(out.join('\n')).toContain(DEMO_LOGINS.tutor.email);
  });
});
