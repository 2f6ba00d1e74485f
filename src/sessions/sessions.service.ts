import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { cohortVisibleSql, scopeParams } from '../auth/scope.service';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '../common/errors';
import type { FieldProblem } from '../common/errors';
import { Page, page } from '../common/pagination';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '../infrastructure/database/pg-errors';
import { CreateSessionDto } from './dto/create-session.dto';
import { ListSessionsQuery } from './dto/list-sessions.query';
import { UpdateSessionDto } from './dto/update-session.dto';
import { NotificationsService } from '../notifications/notifications.service';
import { CancelSessionDto } from './dto/cancel-session.dto';
import { CancelledSessionFacts, sessionCancelledEmail } from './session-cancelled-email';
import { CalendarSession, sessionsToIcs } from './session-calendar';
import type { SessionKind } from './session.entity';
import {
  minutesBetween,
  parseRangeBound,
  parseSessionTime,
  ParsedTime,
  toLocalIso,
} from './session-time';

export interface SessionView {
  id: string;
  cohortId: string;
  blockId: string | null;
  blockTitle: string | null;
  title: string;
  kind: SessionKind;
  /** UTC instants. */
  startsAt: Date;
  endsAt: Date;
  contactMinutes: number;
  location: string | null;
  mandatory: boolean;
  /** The cohort's time zone, and the wall-clock times there (ISO 8601 without offset). */
  timezone: string;
  localStartsAt: string;
  localEndsAt: string;
  /** `cancelled` sessions stay in the record but no longer count. */
  status: 'scheduled' | 'cancelled';
  cancelledAt: Date | null;
  cancelReason: string | null;
  /** Raised on every change a calendar app must pick up (iCalendar SEQUENCE). */
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
}

type SessionRow = Omit<SessionView, 'localStartsAt' | 'localEndsAt' | 'status'>;

const SESSION_COLUMNS = `
         s.id, s.cohort_id AS "cohortId", s.block_id AS "blockId", b.title AS "blockTitle",
         s.title, s.kind, s.starts_at AS "startsAt", s.ends_at AS "endsAt",
         s.contact_minutes AS "contactMinutes", s.location, s.mandatory, c.timezone,
         s.cancelled_at AS "cancelledAt", s.cancel_reason AS "cancelReason", s.sequence,
         s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;
const SESSION_FROM = `
    FROM sessions s
    JOIN cohorts c ON c.id = s.cohort_id
    LEFT JOIN blocks b ON b.id = s.block_id`;

/** Seated statuses: the student's timetable is the sessions of the cohorts they hold a seat in. */
const TIMETABLE_STATUSES = SEATED_STATUSES;

/** A session of a cohort the student holds a seat in, for their timetable page. */
export interface StudentSessionView {
  id: string;
  cohortId: string;
  cohortName: string;
  timezone: string;
  blockId: string | null;
  blockTitle: string | null;
  blockStartDate: string | null;
  title: string;
  kind: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  mandatory: boolean;
}

interface SessionWrite {
  title: string;
  kind: SessionKind;
  startsAt: Date;
  endsAt: Date;
  blockId: string | null;
  location: string | null;
  mandatory: boolean;
  contactMinutes: number;
}

@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  async create(actor: Actor, cohortId: string, dto: CreateSessionDto): Promise<SessionView> {
    const [id] = await this.insert(actor, cohortId, [dto]);
    return this.get(actor, id);
  }

  /**
   * Several sessions at once, all or nothing (e.g. the five days of a residential week entered
   * as local times: each day is converted on its own date, so a week across a clock change
   * keeps its wall-clock times). A refusal's message names the time it refused.
   */
  async createMany(
    actor: Actor,
    cohortId: string,
    dtos: CreateSessionDto[],
  ): Promise<SessionView[]> {
    const ids = await this.insert(actor, cohortId, dtos);
    return Promise.all(ids.map((id) => this.get(actor, id)));
  }

  private async insert(
    actor: Actor,
    cohortId: string,
    dtos: CreateSessionDto[],
  ): Promise<string[]> {
    return this.dataSource.transaction(async (em) => {
      const timezone = await lockCohort(em, cohortId);
      const ids: string[] = [];
      for (const dto of dtos) ids.push(await this.insertOne(em, actor, cohortId, dto, timezone));
      return ids;
    });
  }

  private async insertOne(
    em: EntityManager,
    actor: Actor,
    cohortId: string,
    dto: CreateSessionDto,
    timezone: string,
  ): Promise<string> {
    const times = parseTimes({ startsAt: dto.startsAt, endsAt: dto.endsAt }, timezone);
    const startsAt = times.startsAt as Date;
    const endsAt = times.endsAt as Date;
    assertOrdered(startsAt, endsAt);
    const write: SessionWrite = {
      title: dto.title,
      kind: dto.kind,
      startsAt,
      endsAt,
      blockId: dto.blockId ?? null,
      location: dto.location ?? null,
      mandatory: dto.mandatory ?? true,
      contactMinutes: dto.contactMinutes ?? minutesBetween(startsAt, endsAt),
    };
    assertContactMinutesFit(write);
    if (write.blockId) await assertBlockFits(em, cohortId, write, timezone);

    const [row]: Array<{ id: string }> = await em.query(
      `INSERT INTO sessions (cohort_id, block_id, title, kind, starts_at, ends_at, contact_minutes, location, mandatory)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        cohortId,
        write.blockId,
        write.title,
        write.kind,
        write.startsAt,
        write.endsAt,
        write.contactMinutes,
        write.location,
        write.mandatory,
      ],
    );
    await this.audit.record(em, actor, {
      action: 'session.create',
      entityType: 'session',
      entityId: row.id,
      after: auditView(write),
    });
    return row.id;
  }

  async list(actor: Actor, cohortId: string, q: ListSessionsQuery): Promise<Page<SessionView>> {
    const cohorts: Array<{ timezone: string }> = await this.dataSource.query(
      `SELECT c.timezone FROM cohorts c WHERE c.id = $1 AND ${cohortVisibleSql('c.id', 2, 3)}`,
      [cohortId, ...scopeParams(actor)],
    );
    if (!cohorts[0]) throw new NotFoundError('Cohort', cohortId);
    const { timezone } = cohorts[0];
    const bounds = parseBounds(q, timezone);

    const rows: Array<SessionRow & { total: string }> = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS}, count(*) OVER () AS total ${SESSION_FROM}
        WHERE s.cohort_id = $1
          AND ($2::timestamptz IS NULL OR s.starts_at >= $2)
          AND ($3::timestamptz IS NULL OR s.starts_at < $3)
          AND ($4::uuid IS NULL OR s.block_id = $4)
        ORDER BY s.starts_at, s.ends_at, s.id
        LIMIT $5 OFFSET $6`,
      [cohortId, bounds.from, bounds.to, q.blockId ?? null, q.limit, q.offset],
    );
    const total = rows[0] ? Number(rows[0].total) : 0;
    return page(
      rows.map(({ total: _t, ...s }) => withLocalTimes(s)),
      total,
      q,
    );
  }

  async get(actor: Actor, id: string): Promise<SessionView> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} ${SESSION_FROM} WHERE s.id = $1 AND ${cohortVisibleSql('s.cohort_id', 2, 3)}`,
      [id, ...scopeParams(actor)],
    );
    if (!rows[0]) throw new NotFoundError('Session', id);
    return withLocalTimes(rows[0]);
  }

  async update(actor: Actor, id: string, dto: UpdateSessionDto): Promise<SessionView> {
    await this.dataSource.transaction(async (em) => {
      const rows: Array<SessionWrite & { cohortId: string; timezone: string }> = await em.query(
        `SELECT s.cohort_id AS "cohortId", s.block_id AS "blockId", s.title, s.kind,
                s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.contact_minutes AS "contactMinutes",
                s.location, s.mandatory, c.timezone
           FROM sessions s JOIN cohorts c ON c.id = s.cohort_id
          WHERE s.id = $1
            FOR UPDATE OF s`,
        [id],
      );
      const current = rows[0];
      if (!current) throw new NotFoundError('Session', id);
      const { cohortId, timezone } = current;
      const times = parseTimes({ startsAt: dto.startsAt, endsAt: dto.endsAt }, timezone);
      const next: SessionWrite = {
        title: dto.title ?? current.title,
        kind: dto.kind ?? current.kind,
        startsAt: times.startsAt ?? current.startsAt,
        endsAt: times.endsAt ?? current.endsAt,
        blockId: dto.blockId === undefined ? current.blockId : dto.blockId,
        location: dto.location === undefined ? current.location : dto.location,
        mandatory: dto.mandatory ?? current.mandatory,
        contactMinutes: current.contactMinutes,
      };
      assertOrdered(next.startsAt, next.endsAt);
      const timesChanged =
        next.startsAt.getTime() !== current.startsAt.getTime() ||
        next.endsAt.getTime() !== current.endsAt.getTime();
      // Contact minutes that were derived from the times follow them; set ones stay as set.
      const derived = current.contactMinutes === minutesBetween(current.startsAt, current.endsAt);
      if (dto.contactMinutes !== undefined) next.contactMinutes = dto.contactMinutes;
      else if (timesChanged && derived) {
        next.contactMinutes = minutesBetween(next.startsAt, next.endsAt);
      }
      assertContactMinutesFit(next);
      if (next.blockId && (next.blockId !== current.blockId || timesChanged)) {
        await assertBlockFits(em, cohortId, next, timezone);
      }
      if (next.contactMinutes !== current.contactMinutes) await assertNoAttendance(em, id);

      // A calendar app replaces its copy of an event only when SEQUENCE goes up.
      const calendarChanged =
        timesChanged || next.title !== current.title || next.location !== current.location;
      await em.query(
        `UPDATE sessions SET block_id = $2, title = $3, kind = $4, starts_at = $5, ends_at = $6,
                contact_minutes = $7, location = $8, mandatory = $9, updated_at = now(),
                sequence = sequence + $10
          WHERE id = $1`,
        [
          id,
          next.blockId,
          next.title,
          next.kind,
          next.startsAt,
          next.endsAt,
          next.contactMinutes,
          next.location,
          next.mandatory,
          calendarChanged ? 1 : 0,
        ],
      );
      await this.audit.record(em, actor, {
        action: 'session.update',
        entityType: 'session',
        entityId: id,
        before: auditView(current),
        after: auditView(next),
      });
    });
    return this.get(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    try {
      await this.dataSource.transaction(async (em) => {
        await assertNoAttendance(em, id);
        const [deleted]: [Array<SessionWrite & { cohortId: string }>, number] = await em.query(
          `DELETE FROM sessions WHERE id = $1
           RETURNING cohort_id AS "cohortId", block_id AS "blockId", title, kind,
                     starts_at AS "startsAt", ends_at AS "endsAt", contact_minutes AS "contactMinutes",
                     location, mandatory`,
          [id],
        );
        if (!deleted[0]) throw new NotFoundError('Session', id);
        await this.audit.record(em, actor, {
          action: 'session.delete',
          entityType: 'session',
          entityId: id,
          before: { cohortId: deleted[0].cohortId, ...auditView(deleted[0]) },
        });
      });
    } catch (error) {
      // A register saved between the check and the delete: the foreign key refuses it.
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw hasAttendance();
      throw error;
    }
  }

  /**
   * Deletes every session of a block inside the caller's transaction (the block's deletion),
   * each audited as a session deletion. The caller checks first that none has a register; one
   * saved meanwhile makes the foreign key refuse the lot (PG_FOREIGN_KEY_VIOLATION).
   */
  async removeAllInBlock(em: EntityManager, actor: Actor, blockId: string): Promise<number> {
    // A DELETE … RETURNING answers [rows, count] through TypeORM's Postgres driver.
    const [deleted]: [Array<SessionWrite & { id: string; cohortId: string }>, number] =
      await em.query(
        `DELETE FROM sessions s WHERE s.block_id = $1
       RETURNING s.id, s.cohort_id AS "cohortId", s.block_id AS "blockId", s.title, s.kind,
                 s.starts_at AS "startsAt", s.ends_at AS "endsAt",
                 s.contact_minutes AS "contactMinutes", s.location, s.mandatory`,
        [blockId],
      );
    await this.audit.record(
      em,
      actor,
      deleted.map((d) => ({
        action: 'session.delete',
        entityType: 'session',
        entityId: d.id,
        before: { cohortId: d.cohortId, ...auditView(d) },
      })),
    );
    return deleted.length;
  }

  /**
   * Calls a session off. It stays in the record (registers already taken are kept) and in
   * calendars as cancelled, stops counting in every measure, and each student holding a seat is
   * told by email through the outbox (one email per student, however often this is called).
   */
  async cancel(actor: Actor, id: string, dto: CancelSessionDto): Promise<SessionView> {
    const ids = await this.dataSource.transaction(async (em) => {
      const [row]: Array<CancelledSessionFacts & { cohortId: string; cancelledAt: Date | null }> =
        await em.query(
          `SELECT s.cohort_id AS "cohortId", s.title, s.starts_at AS "startsAt", s.ends_at AS "endsAt",
                s.location, s.cancelled_at AS "cancelledAt", c.timezone, c.name AS "cohortName",
                co.title AS "courseTitle"
           FROM sessions s JOIN cohorts c ON c.id = s.cohort_id JOIN courses co ON co.id = c.course_id
          WHERE s.id = $1
            FOR NO KEY UPDATE OF s`,
          [id],
        );
      if (!row) throw new NotFoundError('Session', id);
      if (row.cancelledAt) {
        throw new ConflictError('session_cancelled', 'The session is already cancelled');
      }
      await em.query(
        `UPDATE sessions SET cancelled_at = now(), cancel_reason = $2, sequence = sequence + 1,
                updated_at = now()
          WHERE id = $1`,
        [id, dto.reason],
      );
      await this.audit.record(em, actor, {
        action: 'session.cancel',
        entityType: 'session',
        entityId: id,
        after: { reason: dto.reason },
      });
      const attendees: Array<{ enrolmentId: string; email: string; givenName: string }> =
        await em.query(
          `SELECT e.id AS "enrolmentId", st.email, st.given_name AS "givenName"
             FROM enrolments e JOIN students st ON st.id = e.student_id AND st.erased_at IS NULL
            WHERE e.cohort_id = $1 AND e.status = 'enrolled'
            ORDER BY e.id`,
          [row.cohortId],
        );
      return this.notifications.enqueue(
        em,
        attendees.map((a) => ({
          dedupeKey: `session_cancelled:${id}:${a.enrolmentId}`,
          kind: 'session_cancelled',
          recipient: a.email,
          ...sessionCancelledEmail({ ...row, givenName: a.givenName, reason: dto.reason }),
        })),
      );
    });
    await this.notifications.dispatch(ids);
    return this.get(actor, id);
  }

  /** The cohort's timetable as iCalendar: one query, scoped like every cohort read. */
  async cohortCalendar(actor: Actor, cohortId: string): Promise<{ filename: string; ics: string }> {
    const rows: Array<
      Omit<CalendarSession, 'id'> & { id: string | null; courseCode: string; number: number }
    > = await this.dataSource.query(
      `SELECT co.code AS "courseCode", c.number, c.name AS "cohortName",
              s.id, s.title, s.kind, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.location,
              b.title AS "blockTitle", s.mandatory, s.updated_at AS "updatedAt"
         FROM cohorts c
         JOIN courses co ON co.id = c.course_id
         LEFT JOIN sessions s ON s.cohort_id = c.id
         LEFT JOIN blocks b ON b.id = s.block_id
        WHERE c.id = $1 AND ${cohortVisibleSql('c.id', 2, 3)}
        ORDER BY s.starts_at, s.id`,
      [cohortId, ...scopeParams(actor)],
    );
    const first = rows[0];
    if (!first) throw new NotFoundError('Cohort', cohortId);
    const sessions = rows.filter((r): r is CalendarSession & typeof r => r.id !== null);
    return {
      filename: `${first.courseCode}-cohort-${first.number}.ics`.toLowerCase(),
      ics: sessionsToIcs(
        `${first.courseCode} ${first.cohortName ?? ''} timetable`.trim(),
        sessions,
      ),
    };
  }

  /** A student's sessions still to come (not cancelled), soonest first: what an apology can cover. */
  async upcomingForStudent(actor: Actor): Promise<SessionView[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} ${SESSION_FROM}
         JOIN enrolments e ON e.cohort_id = s.cohort_id AND e.student_id = $1
                          AND e.status = ANY($2::text[])
        WHERE s.starts_at > now() AND s.cancelled_at IS NULL
        ORDER BY s.starts_at, s.id
        LIMIT 100`,
      [actor.studentId, TIMETABLE_STATUSES],
    );
    return rows.map(withLocalTimes);
  }

  /** A student's own timetable: the sessions of every cohort they hold a seat in. */
  /**
   * The signed-in student's sessions, by cohort, block then time: the same selection as
   * `studentCalendar` (the .ics the page offers beside it).
   */
  async studentTimetable(actor: Actor): Promise<StudentSessionView[]> {
    if (actor.role !== 'student' || !actor.studentId) return [];
    return this.dataSource.query(
      `SELECT s.id, c.id AS "cohortId", c.name AS "cohortName", c.timezone,
              b.id AS "blockId", b.title AS "blockTitle", b.start_date::text AS "blockStartDate",
              s.title, s.kind, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.location,
              s.mandatory
         FROM enrolments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN sessions s ON s.cohort_id = c.id
         LEFT JOIN blocks b ON b.id = s.block_id
        WHERE e.student_id = $1 AND e.status = ANY($2::text[])
        ORDER BY c.start_date, c.id, b.start_date NULLS LAST, b.id, s.starts_at, s.id`,
      [actor.studentId, TIMETABLE_STATUSES],
    );
  }

  async studentCalendar(actor: Actor): Promise<string> {
    const sessions: CalendarSession[] = await this.dataSource.query(
      `SELECT s.id, s.title, s.kind, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.location,
              b.title AS "blockTitle", co.code || ' ' || c.name AS "cohortName", s.mandatory,
              s.updated_at AS "updatedAt"
         FROM enrolments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN courses co ON co.id = c.course_id
         JOIN sessions s ON s.cohort_id = c.id
         LEFT JOIN blocks b ON b.id = s.block_id
        WHERE e.student_id = $1 AND e.status = ANY($2::text[])
        ORDER BY s.starts_at, s.id`,
      [actor.studentId, TIMETABLE_STATUSES],
    );
    return sessionsToIcs('My POD Cohorts timetable', sessions);
  }
}

/** Locks the cohort against a concurrent change of its time zone; returns the zone. */
async function lockCohort(em: EntityManager, cohortId: string): Promise<string> {
  const rows: Array<{ timezone: string }> = await em.query(
    `SELECT timezone FROM cohorts WHERE id = $1 FOR SHARE`,
    [cohortId],
  );
  if (!rows[0]) throw new NotFoundError('Cohort', cohortId);
  return rows[0].timezone;
}

/**
 * Converts the times sent (either may be absent on PATCH). A malformed or impossible date is a
 * 400; a local time the zone skips or repeats is well-formed but breaks the time rule: 422.
 */
function parseTimes(
  input: { startsAt?: string; endsAt?: string },
  zone: string,
): { startsAt?: Date; endsAt?: Date } {
  const out: { startsAt?: Date; endsAt?: Date } = {};
  const bad: FieldProblem[] = [];
  const rule: FieldProblem[] = [];
  for (const field of ['startsAt', 'endsAt'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    const parsed: ParsedTime = parseSessionTime(value, zone);
    if (parsed.ok) out[field] = parsed.instant;
    else {
      const problem = { field, message: `${field} ${value} ${parsed.message}` };
      (parsed.problem === 'malformed' || parsed.problem === 'invalid' ? bad : rule).push(problem);
    }
  }
  if (bad.length) {
    throw new InvalidInputError('validation_failed', bad.map((p) => p.message).join('; '), bad);
  }
  if (rule.length) {
    throw new RuleViolationError(
      'local_time_skipped_or_repeated',
      rule.map((p) => p.message).join('; '),
      rule,
    );
  }
  return out;
}

function parseBounds(q: ListSessionsQuery, zone: string): { from: Date | null; to: Date | null } {
  const out: { from: Date | null; to: Date | null } = { from: null, to: null };
  const bad: FieldProblem[] = [];
  for (const bound of ['from', 'to'] as const) {
    const value = q[bound];
    if (value === undefined) continue;
    const parsed = parseRangeBound(value, zone, bound);
    if (parsed.ok) out[bound] = parsed.instant;
    else bad.push({ field: bound, message: `${bound} ${value} ${parsed.message}` });
  }
  if (bad.length) {
    throw new InvalidInputError('validation_failed', bad.map((p) => p.message).join('; '), bad);
  }
  return out;
}

function assertOrdered(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw new RuleViolationError('ends_before_start', 'endsAt must be after startsAt', [
      { field: 'endsAt', message: 'endsAt must be after startsAt' },
    ]);
  }
}

function assertContactMinutesFit(s: SessionWrite): void {
  const length = minutesBetween(s.startsAt, s.endsAt);
  if (s.contactMinutes > length) {
    throw new RuleViolationError(
      'contact_minutes_exceed_session',
      `contactMinutes ${s.contactMinutes} is more than the session's ${length} minutes`,
      [{ field: 'contactMinutes', message: `contactMinutes must be at most ${length}` }],
    );
  }
}

/** The block must be one of the cohort's, and the session must start on one of its days. */
async function assertBlockFits(
  em: EntityManager,
  cohortId: string,
  s: SessionWrite,
  timezone: string,
): Promise<void> {
  const blocks: Array<{ start_date: string; end_date: string }> = await em.query(
    `SELECT start_date::text AS start_date, end_date::text AS end_date
       FROM blocks WHERE id = $1 AND cohort_id = $2`,
    [s.blockId, cohortId],
  );
  const block = blocks[0];
  if (!block) {
    throw new RuleViolationError('block_not_in_cohort', 'blockId names no block of this cohort', [
      { field: 'blockId', message: 'blockId must name a block of the same cohort' },
    ]);
  }
  const day = toLocalIso(s.startsAt, timezone).slice(0, 10);
  if (day < block.start_date || day > block.end_date) {
    throw new RuleViolationError(
      'session_outside_block',
      `The session starts on ${day}, outside its block (${block.start_date} to ${block.end_date})`,
      [{ field: 'startsAt', message: 'a session in a block must start on one of its days' }],
    );
  }
}

async function assertNoAttendance(em: EntityManager, sessionId: string): Promise<void> {
  const rows: unknown[] = await em.query(
    `SELECT 1 FROM attendance_records WHERE session_id = $1 LIMIT 1`,
    [sessionId],
  );
  if (rows.length) throw hasAttendance();
}

function hasAttendance(): ConflictError {
  return new ConflictError(
    'session_has_attendance',
    'The session has attendance records: it cannot be deleted, nor its contact minutes changed',
  );
}

function withLocalTimes(s: SessionRow): SessionView {
  return {
    ...s,
    status: s.cancelledAt ? 'cancelled' : 'scheduled',
    localStartsAt: toLocalIso(s.startsAt, s.timezone),
    localEndsAt: toLocalIso(s.endsAt, s.timezone),
  };
}

function auditView(s: SessionWrite): Record<string, unknown> {
  return {
    title: s.title,
    kind: s.kind,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    blockId: s.blockId,
    location: s.location,
    mandatory: s.mandatory,
    contactMinutes: s.contactMinutes,
  };
}
