import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import {
  FieldProblem,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '../common/errors';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import { preparedQuery } from '../infrastructure/database/prepared-query';
import { AttendanceWarningsService } from '../notifications/attendance-warnings.service';
import type { AttendanceStatus } from './attendance-record.entity';
import { RegisterRecordDto, SaveRegisterDto } from './dto/save-register.dto';
import { registerCsv, signInSheetPdf } from './register-exports';
import { checkMinutes } from './register-rules';
import { staffAttribution } from '../common/staff-attribution';

export interface AttendanceRecordView {
  id: string;
  status: AttendanceStatus;
  minutesAttended: number;
  note: string | null;
  markedById: string | null;
  markedByName: string | null;
  markedAt: Date;
  /** When the student checked themselves in (null: marked by a tutor). */
  checkedInAt: Date | null;
}

export interface RegisterEntry {
  enrolmentId: string;
  studentId: string;
  studentName: string;
  givenName: string;
  familyName: string;
  enrolmentStatus: EnrolmentStatus;
  /** False when the session started before the enrolment date: its record never counts. */
  counts: boolean;
  record: AttendanceRecordView | null;
}

export interface RegisterView {
  session: {
    id: string;
    cohortId: string;
    title: string;
    startsAt: Date;
    endsAt: Date;
    contactMinutes: number;
    mandatory: boolean;
  };
  items: RegisterEntry[];
  total: number;
}

export interface EnrolmentAttendanceEntry {
  sessionId: string;
  title: string;
  kind: string;
  blockId: string | null;
  startsAt: Date;
  endsAt: Date;
  contactMinutes: number;
  mandatory: boolean;
  ended: boolean;
  /** Whether the session counts in this enrolment's measures once ended. */
  counts: boolean;
  record: AttendanceRecordView | null;
}

export interface SaveRegisterResult {
  sessionId: string;
  /** Records written or changed; records equal to what was stored are left untouched. */
  saved: number;
  unchanged: number;
}

interface WrittenRow {
  id: string;
  enrolment_id: string;
  status: AttendanceStatus;
  minutes_attended: number;
  note: string | null;
  marked_by_id: string | null;
  marked_at: Date;
  before_status: AttendanceStatus | null;
  before_minutes: number | null;
  before_note: string | null;
  before_marked_by_id: string | null;
  before_marked_at: Date | null;
}

/** Columns of a record plus who marked it, as `recordView` reads them. */
const RECORD_COLUMNS = `ar.id AS record_id, ar.status AS record_status,
       ar.minutes_attended, ar.note, ar.marked_by_id, ar.marked_at, ar.checked_in_at,
       u.display_name AS marked_by_display_name, u.email AS marked_by_email`;

interface RecordColumns {
  record_id: string | null;
  record_status: AttendanceStatus | null;
  minutes_attended: number | null;
  note: string | null;
  marked_by_id: string | null;
  marked_at: Date | null;
  checked_in_at: Date | null;
  marked_by_display_name: string | null;
  marked_by_email: string | null;
}

/** The record as `viewer` may see it: students never get the marker's email or id. */
function recordView(r: RecordColumns, viewer: Pick<Actor, 'role'>): AttendanceRecordView | null {
  if (!r.record_id) return null;
  const markedBy = staffAttribution(viewer, {
    id: r.marked_by_id,
    displayName: r.marked_by_display_name,
    email: r.marked_by_email,
  });
  return {
    id: r.record_id,
    status: r.record_status as AttendanceStatus,
    minutesAttended: r.minutes_attended as number,
    note: r.note,
    markedById: markedBy.id,
    markedByName: markedBy.name,
    markedAt: r.marked_at as Date,
    checkedInAt: r.checked_in_at,
  };
}

/** Local midnight of the enrolment day in the cohort's zone: sessions from then on count. */
const COUNTS_FROM = `((e.enrolled_at AT TIME ZONE c.timezone)::date::timestamp AT TIME ZONE c.timezone)`;

/** How much of a session's register is taken. */
export interface RegisterCount {
  sessionId: string;
  /** Seated students with a record for the session. */
  marked: number;
  seated: number;
}

@Injectable()
export class AttendanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly warnings: AttendanceWarningsService,
  ) {}

  /**
   * Saves a register (whole or part) as ONE multi-row upsert. Idempotent: a record equal to the
   * stored one is not touched (marked_at, marked_by and the audit log stay as they were).
   * Saves of one session are serialised by a lock on the session row, so the audit's "before"
   * is exactly the row each save replaced, and two tutors saving at once leave one record per
   * enrolment, equal to the body of whichever saved last.
   */
  async save(actor: Actor, sessionId: string, dto: SaveRegisterDto): Promise<SaveRegisterResult> {
    await this.scope.assertSession(actor, sessionId);
    // UUIDs compare lower-cased: the database returns them so.
    const records = dto.records.map((r) => ({ ...r, enrolmentId: r.enrolmentId.toLowerCase() }));
    const duplicates = duplicateProblems(records);
    if (duplicates.length > 0) {
      throw new InvalidInputError(
        'duplicate_enrolment',
        'Each enrolment may appear once in a register',
        duplicates,
      );
    }

    const written = await this.dataSource.transaction(async (em) => {
      // FOR NO KEY UPDATE serialises register saves of this session without blocking the
      // foreign-key checks (KEY SHARE) of anything else that references the session.
      const [session] = await preparedQuery<{
        cohort_id: string;
        contact_minutes: number;
        seated: string[];
      }>(
        em,
        `SELECT s.cohort_id, s.contact_minutes,
                  ARRAY(SELECT e.id FROM enrolments e
                         WHERE e.cohort_id = s.cohort_id AND e.id = ANY($2::uuid[])
                           AND e.status = ANY($3::text[])) AS seated
             FROM sessions s WHERE s.id = $1
              FOR NO KEY UPDATE OF s`,
        [sessionId, records.map((r) => r.enrolmentId), SEATED_STATUSES],
      );
      if (!session) throw new NotFoundError('Session', sessionId);

      const seated = new Set(session.seated);
      const problems: FieldProblem[] = [];
      const minutes: number[] = [];
      records.forEach((r, i) => {
        if (!seated.has(r.enrolmentId)) {
          problems.push({
            field: `records[${i}].enrolmentId`,
            message: `enrolment ${r.enrolmentId} is not seated in this session's cohort`,
          });
        }
        const checked = checkMinutes(r.status, r.minutesAttended, session.contact_minutes);
        if (typeof checked === 'string') {
          problems.push({ field: `records[${i}].minutesAttended`, message: checked });
        } else {
          minutes.push(checked);
        }
      });
      if (problems.length > 0) {
        const enrolmentProblem = problems.some((p) => p.field.endsWith('enrolmentId'));
        throw new RuleViolationError(
          enrolmentProblem ? 'enrolment_not_in_cohort' : 'minutes_out_of_range',
          problems.map((p) => `${p.field}: ${p.message}`).join('; '),
          problems,
        );
      }
      if (records.length === 0) return { rows: [], riskCheck: null };

      const rows = await preparedQuery<WrittenRow>(
        em,
        `WITH input AS (
           SELECT * FROM unnest($2::uuid[], $3::text[], $4::int[], $5::bool[], $6::text[])
                      AS i(enrolment_id, status, minutes_attended, note_given, note)
         ),
         cur AS (
           SELECT ar.* FROM attendance_records ar
            WHERE ar.session_id = $1 AND ar.enrolment_id = ANY($2::uuid[])
         ),
         written AS (
           INSERT INTO attendance_records AS ar
                  (session_id, enrolment_id, status, minutes_attended, note, marked_by_id, marked_at)
           SELECT $1, i.enrolment_id, i.status, i.minutes_attended,
                  CASE WHEN i.note_given THEN i.note ELSE cur.note END, $7, now()
             FROM input i LEFT JOIN cur ON cur.enrolment_id = i.enrolment_id
           ON CONFLICT (session_id, enrolment_id) DO UPDATE
              SET status = EXCLUDED.status, minutes_attended = EXCLUDED.minutes_attended,
                  note = EXCLUDED.note, marked_by_id = EXCLUDED.marked_by_id,
                  marked_at = EXCLUDED.marked_at
            WHERE (ar.status, ar.minutes_attended, ar.note)
                  IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.minutes_attended, EXCLUDED.note)
           RETURNING ar.id, ar.enrolment_id, ar.status, ar.minutes_attended, ar.note,
                     ar.marked_by_id, ar.marked_at
         )
         SELECT w.*, cur.status AS before_status, cur.minutes_attended AS before_minutes,
                cur.note AS before_note, cur.marked_by_id AS before_marked_by_id,
                cur.marked_at AS before_marked_at
           FROM written w LEFT JOIN cur ON cur.enrolment_id = w.enrolment_id`,
        [
          sessionId,
          records.map((r) => r.enrolmentId),
          records.map((r) => r.status),
          minutes,
          records.map((r) => r.note !== undefined),
          records.map((r) => (r.note === undefined || r.note === '' ? null : r.note)),
          actor.userId,
        ],
      );

      await this.audit.record(
        em,
        actor,
        rows.map((w) => ({
          action: 'attendance.marked',
          entityType: 'attendance_record',
          entityId: w.id,
          before: w.before_status
            ? {
                sessionId,
                enrolmentId: w.enrolment_id,
                status: w.before_status,
                minutesAttended: w.before_minutes,
                note: w.before_note,
                markedById: w.before_marked_by_id,
                markedAt: w.before_marked_at,
              }
            : null,
          after: {
            sessionId,
            enrolmentId: w.enrolment_id,
            status: w.status,
            minutesAttended: w.minutes_attended,
            note: w.note,
            markedById: w.marked_by_id,
            markedAt: w.marked_at,
          },
        })),
      );
      // The at-risk check is a job request like an email: recorded with the change, last (it
      // locks the cohort's one request row only until commit), queued after commit.
      const riskCheck = rows.length > 0 ? await this.warnings.request(em, session.cohort_id) : null;
      return { rows, riskCheck };
    });

    // The register is saved whatever Redis does; the notifications sweep catches a missed check.
    if (written.riskCheck) await this.warnings.dispatch(written.riskCheck);
    const saved = written.rows.length;
    return { sessionId, saved, unchanged: records.length - saved };
  }

  /** How much of each session's register is taken, for a cohort the actor may see. */
  async registerCounts(actor: Actor, cohortId: string): Promise<RegisterCount[]> {
    await this.scope.assertCohort(actor, cohortId);
    return this.dataSource.query(
      `WITH seated AS (
         SELECT id FROM enrolments WHERE cohort_id = $1 AND status = ANY($2::text[])
       )
       SELECT s.id AS "sessionId",
              count(ar.id)::int AS marked,
              (SELECT count(*) FROM seated)::int AS seated
         FROM sessions s
         LEFT JOIN attendance_records ar
                ON ar.session_id = s.id AND ar.enrolment_id IN (SELECT id FROM seated)
        WHERE s.cohort_id = $1
        GROUP BY s.id`,
      [cohortId, SEATED_STATUSES],
    );
  }

  /**
   * Every seated enrolment of the session's cohort with its record or null, by name. One
   * prepared statement: the session's columns ride on every row (and on one row of nulls when
   * nobody is seated), so the session and its register come in one round trip.
   */
  async register(actor: Actor, sessionId: string): Promise<RegisterView> {
    await this.scope.assertSession(actor, sessionId);
    const rows = await preparedQuery<
      RecordColumns & {
        id: string;
        cohort_id: string;
        title: string;
        starts_at: Date;
        ends_at: Date;
        contact_minutes: number;
        mandatory: boolean;
        enrolment_id: string | null;
        student_id: string;
        given_name: string;
        family_name: string;
        enrolment_status: EnrolmentStatus;
        counts: boolean;
      }
    >(
      this.dataSource,
      `SELECT s.id, s.cohort_id, s.title, s.starts_at, s.ends_at, s.contact_minutes, s.mandatory,
              e.id AS enrolment_id, e.student_id, st.given_name, st.family_name,
              e.status AS enrolment_status, s.starts_at >= ${COUNTS_FROM} AS counts,
              ${RECORD_COLUMNS}
         FROM sessions s
         JOIN cohorts c ON c.id = s.cohort_id
         LEFT JOIN enrolments e ON e.cohort_id = s.cohort_id AND e.status = ANY($2::text[])
         LEFT JOIN students st ON st.id = e.student_id
         LEFT JOIN attendance_records ar ON ar.session_id = s.id AND ar.enrolment_id = e.id
         LEFT JOIN users u ON u.id = ar.marked_by_id
        WHERE s.id = $1
        ORDER BY st.family_name, st.given_name, e.id`,
      [sessionId, SEATED_STATUSES],
    );
    if (rows.length === 0) throw new NotFoundError('Session', sessionId);
    const s = rows[0];
    const session: RegisterView['session'] = {
      id: s.id,
      cohortId: s.cohort_id,
      title: s.title,
      startsAt: s.starts_at,
      endsAt: s.ends_at,
      contactMinutes: s.contact_minutes,
      mandatory: s.mandatory,
    };
    const items = rows.flatMap((r) =>
      r.enrolment_id === null
        ? []
        : [
            {
              enrolmentId: r.enrolment_id,
              studentId: r.student_id,
              studentName: `${r.given_name} ${r.family_name}`,
              givenName: r.given_name,
              familyName: r.family_name,
              enrolmentStatus: r.enrolment_status,
              counts: r.counts,
              record: recordView(r, actor),
            },
          ],
    );
    return { session, items, total: items.length };
  }

  /** The register as a CSV file (register-exports.ts). */
  async registerCsvFile(
    actor: Actor,
    sessionId: string,
  ): Promise<{ filename: string; body: string }> {
    const register = await this.register(actor, sessionId);
    return { filename: `register-${sessionId}.csv`, body: registerCsv(register) };
  }

  /** The printable sign-in sheet of a session (register-exports.ts). */
  async signInSheet(actor: Actor, sessionId: string): Promise<{ filename: string; body: Buffer }> {
    const register = await this.register(actor, sessionId);
    const [facts]: Array<{ cohortName: string; timezone: string; location: string | null }> =
      await this.dataSource.query(
        `SELECT c.name AS "cohortName", c.timezone, s.location
           FROM sessions s JOIN cohorts c ON c.id = s.cohort_id WHERE s.id = $1`,
        [sessionId],
      );
    return {
      filename: `sign-in-sheet-${sessionId}.pdf`,
      body: await signInSheetPdf(register, facts),
    };
  }

  /** Every session of the enrolment's cohort, in time order, with its record or null. */
  async forEnrolment(
    actor: Actor,
    enrolmentId: string,
  ): Promise<{ enrolmentId: string; items: EnrolmentAttendanceEntry[]; total: number }> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    const items = (await this.entries(actor, 'e.id = $1', [enrolmentId])).get(enrolmentId) ?? [];
    return { enrolmentId, items, total: items.length };
  }

  /**
   * forEnrolment for several enrolments of one cohort in one query (the tutor's at-risk list),
   * by enrolment id; an id not in the cohort is left out.
   */
  async forCohortEnrolments(
    actor: Actor,
    cohortId: string,
    enrolmentIds: readonly string[],
  ): Promise<Map<string, EnrolmentAttendanceEntry[]>> {
    await this.scope.assertCohort(actor, cohortId);
    if (enrolmentIds.length === 0) return new Map();
    return this.entries(actor, 'e.cohort_id = $1 AND e.id = ANY($2::uuid[])', [
      cohortId,
      enrolmentIds,
    ]);
  }

  /** The sessions and records of the enrolments `where` (a fixed condition on `e`) selects. */
  private async entries(
    actor: Actor,
    where: string,
    params: unknown[],
  ): Promise<Map<string, EnrolmentAttendanceEntry[]>> {
    const rows = await preparedQuery<
      RecordColumns & {
        enrolment_id: string;
        session_id: string;
        title: string;
        kind: string;
        block_id: string | null;
        starts_at: Date;
        ends_at: Date;
        contact_minutes: number;
        mandatory: boolean;
        ended: boolean;
        counts: boolean;
      }
    >(
      this.dataSource,
      `SELECT e.id AS enrolment_id, s.id AS session_id, s.title, s.kind, s.block_id, s.starts_at,
              s.ends_at, s.contact_minutes, s.mandatory, s.ends_at <= now() AS ended,
              (s.mandatory AND s.cancelled_at IS NULL AND s.starts_at >= ${COUNTS_FROM}) AS counts,
              ${RECORD_COLUMNS}
         FROM enrolments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN sessions s ON s.cohort_id = e.cohort_id
         LEFT JOIN attendance_records ar ON ar.session_id = s.id AND ar.enrolment_id = e.id
         LEFT JOIN users u ON u.id = ar.marked_by_id
        WHERE ${where}
        ORDER BY e.id, s.starts_at, s.id`,
      params,
    );
    const byEnrolment = new Map<string, EnrolmentAttendanceEntry[]>();
    for (const r of rows) {
      let items = byEnrolment.get(r.enrolment_id);
      if (!items) byEnrolment.set(r.enrolment_id, (items = []));
      items.push({
        sessionId: r.session_id,
        title: r.title,
        kind: r.kind,
        blockId: r.block_id,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        contactMinutes: r.contact_minutes,
        mandatory: r.mandatory,
        ended: r.ended,
        counts: r.counts,
        record: recordView(r, actor),
      });
    }
    return byEnrolment;
  }
}

function duplicateProblems(records: RegisterRecordDto[]): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  records.forEach((r, i) => {
    if (seen.has(r.enrolmentId)) {
      problems.push({
        field: `records[${i}].enrolmentId`,
        message: `enrolment ${r.enrolmentId} appears more than once`,
      });
    }
    seen.add(r.enrolmentId);
  });
  return problems;
}
