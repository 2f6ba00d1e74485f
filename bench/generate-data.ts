import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { hashPassword } from '../src/auth/passwords';
import { buildDataSourceOptions } from '../src/infrastructure/database/database-options';
import {
  assertBenchDatabase,
  BENCH_COURSE_CODE,
  BENCH_PASSWORD,
  cliOptions,
  createDatabaseIfMissing,
  databaseName,
  DEFAULT_BENCH_DATABASE_URL,
  positiveInt,
} from './bench-env';

/**
 * The benchmark data set, written straight into PostgreSQL: Postgres generates every row itself
 * (INSERT ... SELECT over generate_series), so 200 cohorts take seconds and 2,000 scale linearly.
 *
 * Deterministic: every id is md5(seed || what it is) and every "random" choice is a roll derived
 * from the same hash, so one seed gives the same rows (dates are relative to `today`).
 */
export interface DatasetOptions {
  cohorts: number;
  studentsPerCohort: number;
  sessionsPerCohort: number;
  seed: string;
  /** Anchor for "now": sessions before it are past and have registers. */
  today: Date;
}

export interface DatasetCounts {
  cohorts: number;
  blocks: number;
  sessions: number;
  pastSessions: number;
  students: number;
  enrolments: number;
  users: number;
  attendanceRecords: number;
  assessmentResults: number;
}

export const DEFAULT_DATASET: Omit<DatasetOptions, 'today'> = {
  cohorts: 200,
  studentsPerCohort: 70,
  sessionsPerCohort: 20,
  seed: 'pod-bench',
};

const RULES = [
  { type: 'min_attendance_percent', value: 80 },
  { type: 'min_contact_hours', value: 60 },
  { type: 'min_block_attendance_percent', value: 50 },
  { type: 'assessments_passed' },
];
const ASSESSMENTS = [
  { code: 'ESSAY', title: 'Reflective essay', required: true },
  { code: 'PRACTICE', title: 'Practice portfolio', required: true },
  { code: 'PRESENT', title: 'Group presentation', required: false },
];
const GIVEN = [
  'Amara',
  'Ben',
  'Chloe',
  'Dev',
  'Eilidh',
  'Femi',
  'Grace',
  'Hassan',
  'Isla',
  'Jack',
  'Kiran',
  'Leah',
  'Mohammed',
  'Niamh',
  'Olu',
  'Priya',
  'Rhys',
  'Sofia',
  'Tom',
  'Zara',
];
const FAMILY = [
  'Adeyemi',
  'Brown',
  'Chowdhury',
  'Davies',
  'Evans',
  'Fraser',
  'Gill',
  'Hughes',
  'Iqbal',
  'Jones',
  'Khan',
  'Lewis',
  'Mensah',
  'Nowak',
  "O'Brien",
  'Patel',
  'Quinn',
  'Roberts',
  'Smith',
  'Taylor',
  'Walker',
  'Williams',
  'Wilson',
];
/** Weighted by position: nurses are the largest group, then peer support workers. */
const PROFESSIONS = [
  'nurse',
  'nurse',
  'nurse',
  'nurse',
  'nurse',
  'nurse',
  'peer_support_worker',
  'peer_support_worker',
  'peer_support_worker',
  'psychologist',
  'psychologist',
  'social_worker',
  'social_worker',
  'psychiatrist',
  'occupational_therapist',
  'family_therapist',
  'support_worker',
  'doctor',
  'other',
  'occupational_therapist',
];
const EMPLOYERS = [
  'NELFT NHS Foundation Trust',
  'East London NHS Foundation Trust',
  'Barnet, Enfield and Haringey Mental Health NHS Trust',
  'Devon Partnership NHS Trust',
  'Nottinghamshire Healthcare NHS Foundation Trust',
  'Kent and Medway NHS and Social Care Partnership Trust',
];

/** Guards, creates and migrates the bench database (the same migrations as production). */
export async function prepareBenchDatabase(url: string): Promise<{ created: boolean }> {
  assertBenchDatabase(url);
  const created = await createDatabaseIfMissing(url);
  const ds = new DataSource(
    buildDataSourceOptions({ DATABASE_URL: url, DB_LOGGING: false, DB_POOL_SIZE: 2 }),
  );
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
  return { created };
}

/** What the data set was generated with, kept as the database's comment so a run can reuse it. */
export function datasetSignature(o: DatasetOptions): string {
  const day = o.today.toISOString().slice(0, 10);
  return `pod-bench cohorts=${o.cohorts} students=${o.studentsPerCohort} sessions=${o.sessionsPerCohort} seed=${o.seed} today=${day}`;
}

export async function currentSignature(client: Client): Promise<string | null> {
  const { rows } = await client.query<{ comment: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()`,
  );
  return rows[0]?.comment ?? null;
}

/**
 * Replaces all data of the (bench or test) database with the data set. One transaction: a
 * failed run leaves the previous data in place.
 */
export async function generateDataset(
  client: Client,
  options: DatasetOptions,
  log: (line: string) => void = () => undefined,
): Promise<DatasetCounts> {
  const { rows: db } = await client.query<{ name: string }>('SELECT current_database() AS name');
  assertBenchDatabase(`postgres://x/${db[0].name}`);
  const o = options;
  const seed = o.seed;
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  /** Runs one generating statement; `table`'s indexes are dropped for it and rebuilt after. */
  const step = async (label: string, sql: string, params: unknown[], table?: string) => {
    const started = performance.now();
    const res = table
      ? await withoutIndexes(client, table, () => client.query(sql, params))
      : await client.query(sql, params);
    log(`  ${label.padEnd(20)} ${String(res.rowCount ?? 0).padStart(9)} rows  ${ms(started)}`);
  };

  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
      WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations'`,
  );
  await client.query('BEGIN');
  try {
    await client.query(`TRUNCATE ${tables.map((t) => t.name).join(', ')} CASCADE`);
    // Every row references rows generated before it, so foreign keys hold by construction:
    // as superuser, skip their per-row triggers (as pg_restore does); this halves the load time.
    const { rows: role } = await client.query<{ superuser: boolean }>(
      'SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
    );
    if (role[0]?.superuser) await client.query('SET LOCAL session_replication_role = replica');
    // Room for the index builds and the hash joins of the large steps.
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await client.query(`SET LOCAL work_mem = '64MB'`);
    // Ids and rolls derived from md5: deterministic for a seed, and inlined by the planner. Ids
    // get the version 4 and variant bits, so the API's UUID validation accepts them.
    await client.query(
      `CREATE FUNCTION pg_temp.bench_uuid(h text) RETURNS uuid LANGUAGE sql IMMUTABLE
         AS $$ SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3)
                       || substr('89ab', ('x' || substr(h, 17, 1))::bit(4)::int % 4 + 1, 1)
                       || substr(h, 18))::uuid $$`,
    );
    await client.query(
      `CREATE FUNCTION pg_temp.bench_id(k text) RETURNS uuid LANGUAGE sql IMMUTABLE
         AS $$ SELECT pg_temp.bench_uuid(md5(k)) $$`,
    );
    await client.query(
      `CREATE FUNCTION pg_temp.bench_roll(k text) RETURNS int LANGUAGE sql IMMUTABLE
         AS $$ SELECT ('x' || substr(md5(k), 1, 7))::bit(28)::int % 1000 $$`,
    );

    await step(
      'course',
      `INSERT INTO courses (id, code, title, provider, accreditation_body, accreditation_level,
                            targets_contact_hours, targets_independent_hours, assessments, default_completion_rules)
       VALUES (pg_temp.bench_id($1 || ':course'), $2,
               'Peer-supported Open Dialogue, Social Network and Relational Skills (benchmark)',
               'NELFT NHS Foundation Trust with London South Bank University', 'AFT', 'Foundation',
               60, 120, $3::jsonb, $4::jsonb)`,
      [seed, BENCH_COURSE_CODE, JSON.stringify(ASSESSMENTS), JSON.stringify(RULES)],
    );
    // Cohorts start on Mondays 36 to 51 weeks before today; blocks are 13 weeks apart, so most
    // sessions are past and the youngest cohorts still have their last block ahead.
    await step(
      'cohorts',
      `INSERT INTO cohorts (id, course_id, number, name, start_date, end_date, capacity, status,
                            timezone, completion_rules, warn_after_consecutive_absences)
       SELECT pg_temp.bench_id($1 || ':cohort:' || c), pg_temp.bench_id($1 || ':course'), c,
              'Bench cohort ' || c, d.start, d.start + 277, $3, 'running', 'Europe/London', $5::jsonb, 3
         FROM generate_series(1, $2::int) c
        CROSS JOIN LATERAL (SELECT date_trunc('week', $4::date)::date - 7 * (36 + c % 16) AS start) d`,
      [seed, o.cohorts, o.studentsPerCohort, isoDay(o.today), JSON.stringify(RULES)],
    );
    await step(
      'blocks',
      `INSERT INTO blocks (id, cohort_id, title, start_date, end_date)
       SELECT pg_temp.bench_id($1 || ':block:' || co.number || ':' || b), co.id,
              'Residential week ' || (b + 1), co.start_date + 91 * b, co.start_date + 91 * b + 4
         FROM cohorts co CROSS JOIN generate_series(0, 3) b`,
      [seed],
    );
    // Sessions spread evenly over the four blocks, one a day, 09:30-16:30 local (6 h contact).
    await step(
      'sessions',
      `INSERT INTO sessions (id, cohort_id, block_id, title, kind, starts_at, ends_at,
                             contact_minutes, location, mandatory)
       SELECT pg_temp.bench_id($1 || ':session:' || co.number || ':' || j), co.id,
              pg_temp.bench_id($1 || ':block:' || co.number || ':' || x.b),
              'Residential week ' || (x.b + 1) || ', day ' || (x.k + 1), 'residential',
              (x.day + time '09:30') AT TIME ZONE co.timezone,
              (x.day + time '16:30') AT TIME ZONE co.timezone,
              360, 'Goodmayes Hospital, Ilford', true
         FROM cohorts co
        CROSS JOIN generate_series(0, $2::int - 1) j
        CROSS JOIN LATERAL (SELECT (j * 4) / $2::int AS b) y
        CROSS JOIN LATERAL (SELECT y.b AS b, j - (y.b * $2::int + 3) / 4 AS k,
                                   co.start_date + 91 * y.b + (j - (y.b * $2::int + 3) / 4) AS day) x`,
      [seed, o.sessionsPerCohort],
    );
    await step(
      'students',
      `INSERT INTO students (id, given_name, family_name, email, profession, employer, registration_number)
       SELECT pg_temp.bench_id($1 || ':student:' || n),
              ($3::text[])[1 + n % cardinality($3::text[])],
              ($4::text[])[1 + (n * 7 + n / 23) % cardinality($4::text[])],
              'bench.student' || n || '@bench.test',
              ($5::text[])[1 + pg_temp.bench_roll($1 || ':profession:' || n) % cardinality($5::text[])],
              ($6::text[])[1 + pg_temp.bench_roll($1 || ':employer:' || n) % cardinality($6::text[])],
              CASE WHEN pg_temp.bench_roll($1 || ':registered:' || n) < 700
                   THEN 'NMC' || lpad(n::text, 8, '0') END
         FROM generate_series(1, $2::int) n`,
      [seed, o.cohorts * o.studentsPerCohort, GIVEN, FAMILY, PROFESSIONS, EMPLOYERS],
      'students',
    );
    await step(
      'enrolments',
      `INSERT INTO enrolments (id, student_id, cohort_id, course_id, route, status, enrolled_at,
                               queued_at, seated_at)
       SELECT pg_temp.bench_id($1 || ':enrolment:' || x.n), pg_temp.bench_id($1 || ':student:' || x.n),
              co.id, co.course_id,
              CASE WHEN pg_temp.bench_roll($1 || ':route:' || x.n) < 350
                   THEN 'postgraduate_certificate' ELSE 'graduate_certificate' END,
              'enrolled', x.at, x.at, x.at
         FROM cohorts co
        CROSS JOIN generate_series(1, $2::int) i
        CROSS JOIN LATERAL (SELECT (co.number - 1) * $2::int + i AS n,
                                   ((co.start_date - 28) + time '10:00') AT TIME ZONE co.timezone
                                     + i * interval '1 minute' AS at) x`,
      [seed, o.studentsPerCohort],
      'enrolments',
    );
    await step(
      'users',
      `INSERT INTO users (id, email, password_hash, role, display_name, student_id)
       SELECT pg_temp.bench_id($1 || ':user:admin'), 'admin@bench.test', $2, 'admin', 'Bench admin', NULL::uuid
       UNION ALL
       SELECT pg_temp.bench_id($1 || ':user:tutor:' || co.number), 'bench.tutor' || co.number || '@bench.test',
              $2, 'tutor', 'Tutor of bench cohort ' || co.number, NULL
         FROM cohorts co
       UNION ALL
       SELECT pg_temp.bench_id($1 || ':user:student:' || n), 'bench.student' || n || '@bench.test',
              $2, 'student', NULL, pg_temp.bench_id($1 || ':student:' || n)
         FROM generate_series(1, $3::int) n`,
      [seed, passwordHash, o.cohorts * o.studentsPerCohort],
      'users',
    );
    // The API accepts a token only while its server-side session lives: one long API session per
    // user, whose id is the user's (bench/tokens.ts signs tokens naming it).
    await step(
      'sessions',
      `INSERT INTO auth_sessions (id, user_id, kind, expires_at)
       SELECT id, id, 'api', now() + interval '10 years' FROM users`,
      [],
    );
    await step(
      'cohort tutors',
      `INSERT INTO cohort_tutors (user_id, cohort_id)
       SELECT pg_temp.bench_id($1 || ':user:tutor:' || co.number), co.id FROM cohorts co`,
      [seed],
    );
    // Registers of every ended session: 85% present, 5% late, 3% left early, 3% excused, 4% absent.
    await step(
      'attendance',
      `INSERT INTO attendance_records (id, session_id, enrolment_id, status, minutes_attended, note,
                                       marked_by_id, marked_at)
       SELECT pg_temp.bench_uuid(h.h), s.id, e.id, st.status,
              CASE st.status WHEN 'present' THEN s.contact_minutes
                             WHEN 'late' THEN s.contact_minutes - 15 * (1 + r.r % 6)
                             WHEN 'left_early' THEN s.contact_minutes - 30 * (2 + r.r % 5)
                             ELSE 0 END,
              CASE WHEN st.status = 'excused' THEN 'Illness, reported in advance' END,
              pg_temp.bench_id($1 || ':user:tutor:' || co.number), s.ends_at
         FROM cohorts co
         JOIN sessions s ON s.cohort_id = co.id
         JOIN enrolments e ON e.cohort_id = co.id
        CROSS JOIN LATERAL (SELECT md5($1 || ':attendance:' || s.id || ':' || e.id) AS h) h
        CROSS JOIN LATERAL (SELECT ('x' || substr(h.h, 1, 7))::bit(28)::int % 1000 AS r) r
        CROSS JOIN LATERAL (SELECT CASE WHEN r.r < 850 THEN 'present' WHEN r.r < 900 THEN 'late'
                                        WHEN r.r < 930 THEN 'left_early' WHEN r.r < 960 THEN 'excused'
                                        ELSE 'absent' END AS status) st
        WHERE s.ends_at <= $2 AND s.starts_at >= e.enrolled_at`,
      [seed, o.today],
      'attendance_records',
    );
    // ESSAY is marked two weeks after block 2, PRESENT after block 3, PRACTICE after block 4:
    // only what is already due exists. 90% pass, 7% refer, 3% fail; PRESENT is optional (60% sit it).
    await step(
      'assessments',
      `INSERT INTO assessment_results (id, enrolment_id, assessment_code, outcome, mark, attempt,
                                       recorded_by_id, recorded_at)
       SELECT pg_temp.bench_id($1 || ':assessment:' || e.id || ':' || a.code), e.id, a.code, o.outcome,
              CASE o.outcome WHEN 'pass' THEN 40 + r.r % 46 ELSE 25 + r.r % 15 END,
              CASE WHEN o.outcome = 'pass' AND r.r % 10 = 0 THEN 2 ELSE 1 END,
              pg_temp.bench_id($1 || ':user:tutor:' || co.number), x.at
         FROM cohorts co
         JOIN enrolments e ON e.cohort_id = co.id
        CROSS JOIN (VALUES ('ESSAY', 1), ('PRESENT', 2), ('PRACTICE', 3)) a(code, block)
        CROSS JOIN LATERAL (SELECT pg_temp.bench_roll($1 || ':outcome:' || e.id || ':' || a.code) AS r) r
        CROSS JOIN LATERAL (SELECT CASE WHEN r.r < 900 THEN 'pass' WHEN r.r < 970 THEN 'refer'
                                        ELSE 'fail' END AS outcome) o
        CROSS JOIN LATERAL (SELECT ((co.start_date + 91 * a.block + 18) + time '12:00')
                                     AT TIME ZONE co.timezone AS at) x
        WHERE x.at <= $2
          AND (a.code <> 'PRESENT' OR pg_temp.bench_roll($1 || ':sits:' || e.id) < 600)`,
      [seed, o.today],
      'assessment_results',
    );
    const name = db[0].name.replace(/"/g, '""');
    await client.query(`COMMENT ON DATABASE "${name}" IS '${datasetSignature(o)}'`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  // Fresh statistics and visibility map, so the plans and index-only scans the bench measures
  // are the ones a settled production database gets.
  const started = performance.now();
  await client.query(`VACUUM ANALYZE ${tables.map((t) => t.name).join(', ')}`);
  log(`  ${'vacuum analyze'.padEnd(20)} ${''.padStart(9)}       ${ms(started)}`);
  return countDataset(client);
}

/**
 * Runs `work` with `table`'s indexes (and the primary key or unique constraints no foreign key
 * depends on) dropped, then rebuilds them from their own definitions, read from the catalogue
 * first: the schema ends exactly as the migrations made it. Building an index from sorted data
 * beats millions of random insertions into one larger than shared_buffers (10x would otherwise
 * take minutes, not seconds).
 */
async function withoutIndexes<T>(
  client: Client,
  table: string,
  work: () => Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{
    index: string;
    indexdef: string;
    conname: string | null;
    condef: string | null;
  }>(
    `SELECT i.indexrelid::regclass::text AS index, pg_get_indexdef(i.indexrelid) AS indexdef,
            c.conname, pg_get_constraintdef(c.oid) AS condef
       FROM pg_index i
       LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
      WHERE i.indrelid = $1::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)`,
    [table],
  );
  const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
  for (const r of rows) {
    await client.query(
      r.conname
        ? `ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(r.conname)}`
        : `DROP INDEX ${r.index}`,
    );
  }
  const result = await work();
  for (const r of rows) {
    await client.query(
      r.conname
        ? `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(r.conname)} ${r.condef}`
        : r.indexdef,
    );
  }
  return result;
}

export async function countDataset(client: Client): Promise<DatasetCounts> {
  const { rows } = await client.query<Record<keyof DatasetCounts, string>>(
    `SELECT (SELECT count(*) FROM cohorts) AS cohorts,
            (SELECT count(*) FROM blocks) AS blocks,
            (SELECT count(*) FROM sessions) AS sessions,
            (SELECT count(*) FROM sessions WHERE ends_at <= now()) AS "pastSessions",
            (SELECT count(*) FROM students) AS students,
            (SELECT count(*) FROM enrolments) AS enrolments,
            (SELECT count(*) FROM users) AS users,
            (SELECT count(*) FROM attendance_records) AS "attendanceRecords",
            (SELECT count(*) FROM assessment_results) AS "assessmentResults"`,
  );
  return Object.fromEntries(
    Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]),
  ) as unknown as DatasetCounts;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function ms(started: number): string {
  return `${(performance.now() - started).toFixed(0).padStart(6)} ms`;
}

/** Generates into `url` unless it already holds exactly this data set and `reuse` is set. */
export async function ensureDataset(
  url: string,
  options: DatasetOptions,
  opts: { reuse?: boolean; log?: (line: string) => void } = {},
): Promise<{ counts: DatasetCounts; reused: boolean; ms: number }> {
  const log = opts.log ?? (() => undefined);
  const started = performance.now();
  await prepareBenchDatabase(url);
  const client = new Client({ connectionString: url, application_name: 'pod-bench-generator' });
  await client.connect();
  try {
    if (opts.reuse && (await currentSignature(client)) === datasetSignature(options)) {
      return { counts: await countDataset(client), reused: true, ms: performance.now() - started };
    }
    const counts = await generateDataset(client, options, log);
    return { counts, reused: false, ms: performance.now() - started };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const args = cliOptions({
    cohorts: { type: 'string', default: String(DEFAULT_DATASET.cohorts) },
    students: { type: 'string', default: String(DEFAULT_DATASET.studentsPerCohort) },
    sessions: { type: 'string', default: String(DEFAULT_DATASET.sessionsPerCohort) },
    seed: { type: 'string', default: DEFAULT_DATASET.seed },
    today: { type: 'string' },
    'database-url': { type: 'string' },
    reuse: { type: 'boolean', default: false },
  });
  // The one place the bench reads the environment for the database, as the API does.
  const url = args['database-url'] ?? process.env.DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL;
  const options: DatasetOptions = {
    cohorts: positiveInt(args.cohorts, 'cohorts'),
    studentsPerCohort: positiveInt(args.students, 'students'),
    sessionsPerCohort: positiveInt(args.sessions, 'sessions'),
    seed: String(args.seed),
    today: args.today ? new Date(`${args.today}T12:00:00Z`) : new Date(),
  };
  if (Number.isNaN(options.today.getTime())) throw new Error('--today must be YYYY-MM-DD');
  console.log(`Generating into ${databaseName(url)}: ${datasetSignature(options)}`);
  const result = await ensureDataset(url, options, { reuse: args.reuse, log: console.log });
  const c = result.counts;
  console.log(
    [
      result.reused ? 'Data set already present (--reuse): nothing written.' : 'Done.',
      `  cohorts ${c.cohorts}, blocks ${c.blocks}, sessions ${c.sessions} (${c.pastSessions} past)`,
      `  students ${c.students}, enrolments ${c.enrolments}, users ${c.users}`,
      `  attendance records ${c.attendanceRecords}, assessment results ${c.assessmentResults}`,
      `  in ${(result.ms / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
