import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../auth/actor';
import { hashPassword } from '../auth/passwords';
import { AuditService } from '../audit/audit.service';
import { HistoryImportService } from '../history-import/history-import.service';
import { ProgressService } from '../progress/progress.service';
import { ConfigError, processEnvironment } from '../infrastructure/config/app-config';
import { buildDataSourceOptions } from '../infrastructure/database/database-options';
import {
  buildDemoData,
  DEMO_COURSE_CODE,
  DEMO_LOGINS,
  type DemoData,
  type DemoLogin,
  demoId,
} from './demo-data';
import { demoHistoryCsv } from './demo-history-csv';
import { demoStudyLog } from './demo-study-log';
import { processNodeEnv, seedConfig } from './seed-cli';

export { DEMO_LOGINS } from './demo-data';

/**
 * The POD demo seed: the course, five cohorts with timetables, about 350 fictional students,
 * registers, assessed work, completion decisions and demo logins (docs/demo-data.md says what
 * and why). It writes straight to the tables with a dozen multi-row INSERTs in ONE transaction,
 * so it takes seconds and leaves nothing half-done.
 *
 * Idempotent: every row has a name-based id and is inserted with ON CONFLICT DO NOTHING, so a
 * second run changes nothing; seedIfEmpty also skips the whole set when a POD course exists.
 * Never in production: both entry points refuse when NODE_ENV is production.
 */

export class SeedRefusedError extends Error {}

export interface SeedOptions {
  /** Defaults to the process's NODE_ENV; `production` refuses. */
  nodeEnv?: string;
  /** The instant cohort 5 (the live demo cohort) is placed around; defaults to now. */
  now?: Date;
  /** Password for admin@pod.example when the seed creates it; defaults to the demo password. */
  adminPassword?: string;
}

/** Rows each table gained. */
export type SeedCounts = Record<string, number>;

type Log = (s: string) => void;

/** The seed's own transaction-scoped lock, so two processes seeding at once queue up. */
const SEED_LOCK = `SELECT pg_advisory_xact_lock(hashtext('pod-cohorts:demo-seed'))`;

function assertSeedAllowed(nodeEnv: string | undefined): void {
  if (nodeEnv === 'production') {
    throw new SeedRefusedError(
      'Refusing to seed demo data: NODE_ENV is production. The demo seed is for local and test databases only.',
    );
  }
}

/** Applies the whole demo data set; rows already present are left as they are. */
export async function seedDemo(
  ds: DataSource,
  log: Log,
  options: SeedOptions = {},
): Promise<SeedCounts> {
  return (await seed(ds, log, options, false)).counts ?? {};
}

/** Applies the demo seed unless a course with code POD exists. Returns what it did. */
export async function seedIfEmpty(
  ds: DataSource,
  log: Log,
  options: SeedOptions = {},
): Promise<'seeded' | 'present'> {
  return (await seed(ds, log, options, true)).outcome;
}

async function seed(ds: DataSource, log: Log, options: SeedOptions, onlyIfEmpty: boolean) {
  assertSeedAllowed(options.nodeEnv ?? processNodeEnv());
  if (onlyIfEmpty && (await podExists(ds))) {
    log('Demo data: a POD course exists, nothing to seed');
    return { outcome: 'present' as const, counts: null };
  }
  const t0 = performance.now();
  // One argon2id hash per demo password (~0.1 s each on libuv's thread pool), started first so
  // they run while the data set is built on the main thread.
  const hashing = Promise.all([
    hashPassword(options.adminPassword ?? DEMO_LOGINS.admin.password),
    hashPassword(DEMO_LOGINS.tutor.password),
    hashPassword(DEMO_LOGINS.student.password),
  ]);
  const now = options.now ?? new Date();
  const data = buildDemoData(now);
  const [admin, tutor, student] = await hashing;
  const hashes: Record<DemoLogin, string> = { admin, tutor, student };
  const t1 = performance.now();
  const counts = await ds.transaction(async (em) => {
    await em.query(SEED_LOCK);
    if (onlyIfEmpty && (await podExists(em))) return null;
    return applyDemo(em, data, hashes, historyImporter(ds), now);
  });
  if (!counts) {
    log('Demo data: a POD course exists, nothing to seed');
    return { outcome: 'present' as const, counts: null };
  }
  if (Object.values(counts).every((n) => n === 0)) {
    log('Demo data: every demo row is already present, nothing added');
    return { outcome: 'present' as const, counts };
  }
  // Planner statistics now, not when autovacuum gets round to it: on a freshly seeded database
  // every table looks empty to the planner, and a cohort's progress took 148 ms instead of 41.
  await ds.query('ANALYZE');
  const s = (from: number, to = performance.now()) => ((to - from) / 1000).toFixed(1);
  log(
    `Demo data: seeded course POD with ${counts.cohorts} cohorts, ${counts.students} students, ` +
      `${counts.enrolments + (counts.history_enrolments ?? 0)} enrolments (cohorts 1 to 3 ` +
      `through the history import), ${counts.sessions} sessions, ` +
      `${counts.attendance_records + (counts.history_attendanceRecords ?? 0)} attendance records in ${s(t0)} s ` +
      `(building and hashing ${s(t0, t1)} s, database ${s(t1)} s)`,
  );
  return { outcome: 'seeded' as const, counts };
}

async function podExists(db: Pick<DataSource, 'query'>): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM courses WHERE code = $1`, [
    DEMO_COURSE_CODE,
  ]);
  return rows.length > 0;
}

/**
 * One unnest-based INSERT per table, in dependency order. Students and users are matched by
 * email afterwards: one that already existed (e.g. the admin created from ADMIN_EMAIL at boot)
 * keeps its own id, and the rows that point at it use that id.
 */
/** The history import service as the API runs it, outside Nest (the seed has no application). */
function historyImporter(ds: DataSource): HistoryImportService {
  return new HistoryImportService(ds, new AuditService(ds), new ProgressService(ds));
}

async function applyDemo(
  em: EntityManager,
  data: DemoData,
  hashes: Record<DemoLogin, string>,
  importer: HistoryImportService,
  now: Date,
): Promise<SeedCounts> {
  const counts: SeedCounts = {};
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const json = (v: unknown) => JSON.stringify(v);

  const c = data.course;
  counts.courses = await insertRows(em, 'courses', [c], {
    id: ['uuid', (r) => r.id],
    code: ['text', (r) => r.code],
    title: ['text', (r) => r.title],
    provider: ['text', (r) => r.provider],
    accreditation_body: ['text', (r) => r.accreditationBody],
    accreditation_level: ['text', (r) => r.accreditationLevel],
    routes: ['jsonb', (r) => json(r.routes)],
    assessments: ['jsonb', (r) => json(r.assessments)],
    default_completion_rules: ['jsonb', (r) => json(r.defaultCompletionRules)],
    targets_contact_hours: ['int', (r) => r.targetsContactHours],
    targets_independent_hours: ['int', (r) => r.targetsIndependentHours],
  });
  const [course] = await em.query<
    Array<{
      id: string;
    }>
  >(`SELECT id FROM courses WHERE code = $1`, [c.code]);
  if (course.id !== c.id) {
    throw new Error(
      `A course with code ${c.code} exists that the demo seed did not create; not adding demo data to it`,
    );
  }

  counts.students = await insertRows(em, 'students', data.students, {
    id: ['uuid', (r) => r.id],
    given_name: ['text', (r) => r.givenName],
    family_name: ['text', (r) => r.familyName],
    email: ['text', (r) => r.email],
    profession: ['text', (r) => r.profession],
    employer: ['text', (r) => r.employer],
    registration_number: ['text', (r) => r.registrationNumber],
  });
  const studentId = await idsByEmail(em, 'students', data.students);

  counts.users = await insertRows(em, 'users', data.users, {
    id: ['uuid', (r) => r.id],
    email: ['text', (r) => r.email],
    password_hash: ['text', (r) => hashes[r.login]],
    role: ['text', (r) => r.role],
    display_name: ['text', (r) => r.displayName],
    student_id: ['uuid', (r) => (r.studentId ? studentId(r.studentId) : null)],
  });
  const userId = await idsByEmail(em, 'users', data.users);

  counts.cohorts = await insertRows(em, 'cohorts', data.cohorts, {
    id: ['uuid', (r) => r.id],
    course_id: ['uuid', () => c.id],
    number: ['int', (r) => r.number],
    name: ['text', (r) => r.name],
    start_date: ['date', (r) => r.startDate],
    end_date: ['date', (r) => r.endDate],
    capacity: ['int', (r) => r.capacity],
    status: ['text', (r) => r.status],
    timezone: ['text', (r) => r.timezone],
    completion_rules: ['jsonb', (r) => json(r.completionRules)],
    warn_after_consecutive_absences: ['int', (r) => r.warnAfterConsecutiveAbsences],
  });
  counts.cohort_tutors = await insertRows(em, 'cohort_tutors', data.cohortTutors, {
    user_id: ['uuid', (r) => userId(r.userId)],
    cohort_id: ['uuid', (r) => r.cohortId],
  });
  counts.blocks = await insertRows(em, 'blocks', data.blocks, {
    id: ['uuid', (r) => r.id],
    cohort_id: ['uuid', (r) => r.cohortId],
    title: ['text', (r) => r.title],
    start_date: ['date', (r) => r.startDate],
    end_date: ['date', (r) => r.endDate],
  });
  counts.sessions = await insertRows(em, 'sessions', data.sessions, {
    id: ['uuid', (r) => r.id],
    cohort_id: ['uuid', (r) => r.cohortId],
    block_id: ['uuid', (r) => r.blockId],
    title: ['text', (r) => r.title],
    kind: ['text', (r) => r.kind],
    starts_at: ['timestamptz', (r) => iso(r.startsAt)],
    ends_at: ['timestamptz', (r) => iso(r.endsAt)],
    contact_minutes: ['int', (r) => r.contactMinutes],
    location: ['text', (r) => r.location],
    mandatory: ['boolean', (r) => r.mandatory],
  });
  // The finished cohorts (1 to 3) ran before the system: they come in through the history
  // import, as an installation's own past cohorts would, each once (an import fills an empty
  // cohort). The later cohorts' rows are inserted directly below.
  const past = data.cohorts.filter((ch) => ch.status === 'completed');
  const pastIds = new Set(past.map((ch) => ch.id));
  const live = <T extends { enrolmentId: string }>(rows: readonly T[]) =>
    rows.filter((r) => !pastEnrolment.has(r.enrolmentId));
  const pastEnrolment = new Set(
    data.enrolments.filter((e) => pastIds.has(e.cohortId)).map((e) => e.id),
  );
  for (const ch of past) {
    const [{ n }] = await em.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM enrolments WHERE cohort_id = $1',
      [ch.id],
    );
    if (n > 0) continue;
    const imported = await importer.importWith(
      em,
      SYSTEM_ACTOR,
      ch.id,
      demoHistoryCsv(data, ch.number),
    );
    if (imported.errors.length) {
      throw new Error(`Demo cohort ${ch.number} history: ${JSON.stringify(imported.errors)}`);
    }
    for (const [key, value] of Object.entries(imported)) {
      if (typeof value === 'number')
        counts[`history_${key}`] = (counts[`history_${key}`] ?? 0) + value;
    }
  }
  // A transfer out of a past cohort points at the enrolment the import created.
  const importedIds = new Map(
    (
      await em.query<Array<{ id: string; student_id: string; cohort_id: string }>>(
        'SELECT id, student_id, cohort_id FROM enrolments WHERE cohort_id = ANY($1::uuid[])',
        [[...pastIds]],
      )
    ).map((e) => [`${e.student_id}:${e.cohort_id}`, e.id]),
  );
  const demoEnrolments = new Map(data.enrolments.map((e) => [e.id, e]));
  const resolveEnrolment = (id: string | null) => {
    const e = id ? demoEnrolments.get(id) : undefined;
    if (!e || !pastIds.has(e.cohortId)) return id;
    return importedIds.get(`${studentId(e.studentId)}:${e.cohortId}`) ?? null;
  };
  const liveEnrolments = data.enrolments.filter((e) => !pastIds.has(e.cohortId));
  // Transfer links between live cohorts point both ways inside this one statement; the foreign
  // keys are checked at its end, when both rows exist.
  counts.enrolments = await insertRows(em, 'enrolments', liveEnrolments, {
    id: ['uuid', (r) => r.id],
    student_id: ['uuid', (r) => studentId(r.studentId)],
    cohort_id: ['uuid', (r) => r.cohortId],
    course_id: ['uuid', () => c.id],
    route: ['text', (r) => r.route],
    status: ['text', (r) => r.status],
    enrolled_at: ['timestamptz', (r) => iso(r.enrolledAt)],
    queued_at: ['timestamptz', (r) => iso(r.queuedAt)],
    seated_at: ['timestamptz', (r) => iso(r.seatedAt)],
    ended_at: ['timestamptz', (r) => iso(r.endedAt)],
    reason: ['text', (r) => r.reason],
    transferred_from_id: ['uuid', (r) => resolveEnrolment(r.transferredFromId)],
    transferred_to_id: ['uuid', (r) => r.transferredToId],
  });
  await em.query(
    `UPDATE enrolments p SET transferred_to_id = e.id
       FROM enrolments e
      WHERE e.transferred_from_id = p.id AND p.cohort_id = ANY($1::uuid[])
        AND p.transferred_to_id IS NULL`,
    [[...pastIds]],
  );
  counts.attendance_records = await insertRows(em, 'attendance_records', live(data.attendance), {
    id: ['uuid', (r) => r.id],
    session_id: ['uuid', (r) => r.sessionId],
    enrolment_id: ['uuid', (r) => r.enrolmentId],
    status: ['text', (r) => r.status],
    minutes_attended: ['int', (r) => r.minutesAttended],
    note: ['text', (r) => r.note],
    marked_by_id: ['uuid', (r) => userId(r.markedById)],
    marked_at: ['timestamptz', (r) => iso(r.markedAt)],
  });
  counts.assessment_results = await insertRows(em, 'assessment_results', live(data.assessments), {
    id: ['uuid', (r) => r.id],
    enrolment_id: ['uuid', (r) => r.enrolmentId],
    assessment_code: ['text', (r) => r.assessmentCode],
    outcome: ['text', (r) => r.outcome],
    mark: ['numeric', (r) => r.mark],
    attempt: ['int', (r) => r.attempt],
    note: ['text', (r) => r.note],
    recorded_by_id: ['uuid', (r) => userId(r.recordedById)],
    recorded_at: ['timestamptz', (r) => iso(r.recordedAt)],
  });
  counts.completion_decisions = await insertRows(em, 'completion_decisions', live(data.decisions), {
    id: ['uuid', (r) => r.id],
    enrolment_id: ['uuid', (r) => r.enrolmentId],
    outcome: ['text', (r) => r.outcome],
    rules: ['jsonb', (r) => json(r.rules)],
    facts: ['jsonb', (r) => json(r.facts)],
    results: ['jsonb', (r) => json(r.results)],
    override: ['boolean', (r) => r.override],
    reason: ['text', (r) => r.reason],
    decided_by_id: ['uuid', (r) => (r.decidedById ? userId(r.decidedById) : null)],
    decided_at: ['timestamptz', (r) => iso(r.decidedAt)],
  });
  counts.study_log_entries = await insertRows(em, 'study_log_entries', demoStudyLog(data, now), {
    id: ['uuid', (r) => r.id],
    enrolment_id: ['uuid', (r) => r.enrolmentId],
    studied_on: ['date', (r) => r.studiedOn],
    minutes: ['int', (r) => r.minutes],
    kind: ['text', (r) => r.kind],
    reflection: ['text', (r) => r.reflection],
    status: ['text', (r) => r.status],
    review_comment: ['text', (r) => r.reviewComment],
    reviewed_by_id: ['uuid', (r) => (r.reviewedById ? userId(r.reviewedById) : null)],
    reviewed_at: ['timestamptz', (r) => iso(r.reviewedAt)],
    created_at: ['timestamptz', (r) => iso(r.createdAt)],
  });
  // One audit event for the whole set (its id is fixed too, so a re-run adds none).
  const audit = { ...counts };
  counts.audit_events = await insertRows(em, 'audit_events', [audit], {
    id: ['uuid', () => demoId('audit', 'seed.apply')],
    actor_role: ['text', () => 'system'],
    action: ['text', () => 'seed.apply'],
    entity_type: ['text', () => 'course'],
    entity_id: ['uuid', () => c.id],
    after: ['jsonb', (r) => json({ demo: true, inserted: r })],
  });
  return counts;
}

type ColumnSpec<T> = Record<string, [type: string, value: (row: T) => unknown]>;

/**
 * INSERT ... SELECT FROM unnest(one array per column): a single statement and a fixed number of
 * parameters however many rows. Conflicts on any unique key leave the existing row alone.
 * Returns how many rows were inserted.
 */
async function insertRows<T>(
  em: EntityManager,
  table: string,
  rows: readonly T[],
  columns: ColumnSpec<T>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const entries = Object.entries(columns);
  const names = entries.map(([name]) => name).join(', ');
  const arrays = entries.map(([, [type]], i) => `$${i + 1}::${type}[]`).join(', ');
  const params = entries.map(([, [, value]]) => rows.map(value));
  const [{ n }] = await em.query<Array<{ n: number }>>(
    `WITH inserted AS (
       INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})
       ON CONFLICT DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM inserted`,
    params,
  );
  return n;
}

/** Maps each demo row's id to the id of the row that holds its email now. */
async function idsByEmail(
  em: EntityManager,
  table: 'students' | 'users',
  rows: ReadonlyArray<{ id: string; email: string }>,
): Promise<(demoId: string) => string> {
  const found = await em.query<Array<{ id: string; email: string }>>(
    `SELECT id, email FROM ${table} WHERE email = ANY($1::text[])`,
    [rows.map((r) => r.email)],
  );
  const byEmail = new Map(found.map((r) => [r.email, r.id]));
  const map = new Map(rows.map((r) => [r.id, byEmail.get(r.email) ?? r.id]));
  return (id) => map.get(id) ?? id;
}

/** Applied migration names against the ones this build knows; the seed never migrates. */
async function pendingMigrations(ds: DataSource): Promise<number> {
  const [{ present }] = await ds.query<Array<{ present: boolean }>>(
    `SELECT to_regclass('typeorm_migrations') IS NOT NULL AS present`,
  );
  const applied = present
    ? (await ds.query<Array<{ name: string }>>(`SELECT name FROM typeorm_migrations`)).map(
        (r) => r.name,
      )
    : [];
  return ds.migrations.filter((m) => !applied.includes(m.name ?? m.constructor.name)).length;
}

/**
 * `npm run db:seed`: seeds DATABASE_URL (default: the local development database) unless the
 * demo is already there. Refuses in production and on an unmigrated database. Returns the
 * process exit code.
 */
export async function runSeedCli(
  env: Record<string, string | undefined>,
  write: Log = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  let config: ReturnType<typeof seedConfig>;
  try {
    config = seedConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      write(error.message);
      return 78;
    }
    throw error;
  }
  if (config.NODE_ENV === 'production') {
    write('Refusing to seed demo data: NODE_ENV is production.');
    return 1;
  }
  const ds = new DataSource(buildDataSourceOptions(config));
  try {
    await ds.initialize();
    const pending = await pendingMigrations(ds);
    if (pending > 0) {
      write(
        `The database has ${pending} pending migration(s): run \`npm run migration:run\` first.`,
      );
      return 1;
    }
    const outcome = await seedIfEmpty(ds, write, { nodeEnv: config.NODE_ENV });
    write(outcome === 'seeded' ? 'Demo logins:' : 'Demo logins (if the demo seed created them):');
    write(`  admin    ${DEMO_LOGINS.admin.email} / ${DEMO_LOGINS.admin.password}`);
    write(
      `  tutor    ${DEMO_LOGINS.tutor.email} / ${DEMO_LOGINS.tutor.password} (cohorts 4 and 5)`,
    );
    write(`  student  ${DEMO_LOGINS.student.email} / ${DEMO_LOGINS.student.password}`);
    return 0;
  } catch (error) {
    write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
  }
}

if (require.main === module) {
  void runSeedCli(processEnvironment()).then((code) => {
    process.exitCode = code;
  });
}
