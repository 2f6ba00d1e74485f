import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors';
import { Page, page } from '../common/pagination';
import type { AcademicRoute } from '../courses/course.entity';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import { BulkEnrolmentDto } from './dto/bulk-enrolment.dto';
import { CreateEnrolmentDto } from './dto/create-enrolment.dto';
import { ListEnrolmentsQuery } from './dto/list-enrolments.query';
import { TransferEnrolmentDto } from './dto/transfer-enrolment.dto';
import { SEATED_STATUSES, type EnrolmentStatus } from './enrolment.entity';
import { assertTransition, freesSeat, needsSeat, TransitionOptions } from './enrolment-transitions';

/** An enrolment row as the API and the audit trail show it. */
export interface EnrolmentRecord {
  id: string;
  studentId: string;
  cohortId: string;
  courseId: string;
  route: AcademicRoute;
  status: EnrolmentStatus;
  enrolledAt: Date;
  queuedAt: Date;
  seatedAt: Date | null;
  endedAt: Date | null;
  reason: string | null;
  transferredFromId: string | null;
  transferredToId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A student's own enrolment with its cohort and course, for their pages. */
export interface StudentEnrolmentView {
  id: string;
  status: EnrolmentStatus;
  route: AcademicRoute;
  enrolledAt: Date;
  cohortId: string;
  cohortNumber: number;
  cohortName: string;
  startDate: string;
  endDate: string;
  timezone: string;
  courseTitle: string;
  /** The course's target of contact hours (courses.targets_contact_hours). */
  targetContactHours: number;
}

export interface EnrolmentView extends EnrolmentRecord {
  studentName: string;
  student: { id: string; givenName: string; familyName: string; email: string };
  cohortNumber: number;
  cohortName: string;
  /** 1-based place on the cohort's waiting list; null unless waitlisted. */
  waitlistPosition: number | null;
}

/** Columns of `enrolments` (alias `e`) as camelCase; used in SELECT and RETURNING alike. */
const RECORD_COLUMNS = `e.id, e.student_id AS "studentId", e.cohort_id AS "cohortId",
  e.course_id AS "courseId", e.route, e.status, e.enrolled_at AS "enrolledAt",
  e.queued_at AS "queuedAt", e.seated_at AS "seatedAt", e.ended_at AS "endedAt", e.reason,
  e.transferred_from_id AS "transferredFromId", e.transferred_to_id AS "transferredToId",
  e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

const VIEW_SELECT = `SELECT ${RECORD_COLUMNS},
    s.given_name || ' ' || s.family_name AS "studentName",
    json_build_object('id', s.id, 'givenName', s.given_name, 'familyName', s.family_name,
                      'email', s.email) AS student,
    c.number AS "cohortNumber", c.name AS "cohortName",
    CASE WHEN e.status = 'waitlisted' THEN
      (SELECT count(*)::int FROM enrolments w
        WHERE w.cohort_id = e.cohort_id AND w.status = 'waitlisted'
          AND (w.queued_at, w.id) <= (e.queued_at, e.id))
    END AS "waitlistPosition"
  FROM enrolments e
  JOIN students s ON s.id = e.student_id
  JOIN cohorts c ON c.id = e.cohort_id`;

/** The order of a cohort's list: seated first, then the waiting list, then the rest. */
const STATUS_ORDER = `ARRAY['enrolled', 'waitlisted', 'deferred', 'completed', 'not_completed',
  'withdrawn', 'transferred']::text[]`;

/** How far ahead an enrolment date may be set: "starts tomorrow" is fine, next month is a typo. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

const ALREADY_ENROLLED = () =>
  new ConflictError('already_enrolled', 'The student already has an enrolment in this cohort');

interface LockedCohort {
  id: string;
  courseId: string;
  capacity: number;
}

export interface TransitionResult {
  enrolment: EnrolmentRecord;
  /** Waitlisted enrolments that took the seat this change freed. */
  seated: EnrolmentRecord[];
}

/**
 * Enrolment use cases. Capacity is exact under concurrency because every change that can take or
 * free a seat runs in one transaction that first locks the cohort row (SELECT ... FOR UPDATE), and
 * only then counts seats: under READ COMMITTED each later statement sees every transaction that
 * held the lock before. Lock order is always cohorts (by id) before enrolments, so two changes
 * never deadlock.
 */
@Injectable()
export class EnrolmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly scope: ScopeService,
  ) {}

  async create(actor: Actor, cohortId: string, dto: CreateEnrolmentDto): Promise<EnrolmentView> {
    const enrolledAt = dto.enrolledAt ? new Date(dto.enrolledAt) : new Date();
    if (enrolledAt.getTime() > Date.now() + MAX_FUTURE_MS) {
      throw new RuleViolationError(
        'enrolled_at_in_future',
        'enrolledAt may be backdated but not set more than a day ahead',
        [{ field: 'enrolledAt', message: 'enrolledAt must not be more than a day in the future' }],
      );
    }
    const id = await this.mapConflicts(() =>
      this.dataSource.transaction(async (em) => {
        // Checks that need no seat count run before the cohort lock, keeping the section that
        // serialises a cohort's enrolments short.
        const [facts]: Array<{
          courseId: string;
          routes: AcademicRoute[];
          studentFound: boolean;
          erased: boolean;
          alreadyEnrolled: boolean;
        }> = await em.query(
          `SELECT c.course_id AS "courseId", co.routes, s.id IS NOT NULL AS "studentFound",
                  s.erased_at IS NOT NULL AS erased,
                  EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = $2 AND e.cohort_id = c.id)
                    AS "alreadyEnrolled"
             FROM cohorts c
             JOIN courses co ON co.id = c.course_id
             LEFT JOIN students s ON s.id = $2
            WHERE c.id = $1`,
          [cohortId, dto.studentId],
        );
        if (!facts) throw new NotFoundError('Cohort', cohortId);
        if (!facts.routes.includes(dto.route)) {
          throw new RuleViolationError(
            'route_not_offered',
            `The course does not offer the ${dto.route} route`,
            [{ field: 'route', message: `route must be one of: ${facts.routes.join(', ')}` }],
          );
        }
        if (!facts.studentFound) throw new NotFoundError('Student', dto.studentId);
        if (facts.erased) {
          throw new RuleViolationError(
            'student_erased',
            "This student's personal data was erased; they cannot be enrolled again",
          );
        }
        // Both unique indexes would refuse a repeat; say which rule applies (the index still
        // settles a race between two requests for the same student).
        if (facts.alreadyEnrolled) throw ALREADY_ENROLLED();

        const [cohort] = await this.lockCohorts(em, [cohortId]);
        if (!cohort) throw new NotFoundError('Cohort', cohortId);
        const created = await this.insertSeatedOrWaitlisted(em, actor, cohort, {
          studentId: dto.studentId,
          route: dto.route,
          enrolledAt,
          transferredFromId: null,
        });
        return created.id;
      }),
    );
    return this.view(id);
  }

  /**
   * Enrols many students at once, all or nothing: every student is checked first (the error
   * names the first at fault by its place in the list), then, under the cohort's lock, each is
   * inserted in the order given by the same seat-deciding INSERT as a single enrolment, so the
   * first ones take the free seats and the rest join the waiting list in that order.
   */
  async createMany(
    actor: Actor,
    cohortId: string,
    dto: BulkEnrolmentDto,
  ): Promise<{ enrolled: EnrolmentRecord[]; waitlisted: EnrolmentRecord[] }> {
    return this.mapConflicts(() =>
      this.dataSource.transaction(async (em) => {
        const [cohortFacts]: Array<{ routes: AcademicRoute[] }> = await em.query(
          `SELECT co.routes FROM cohorts c JOIN courses co ON co.id = c.course_id WHERE c.id = $1`,
          [cohortId],
        );
        if (!cohortFacts) throw new NotFoundError('Cohort', cohortId);
        if (!cohortFacts.routes.includes(dto.route)) {
          throw new RuleViolationError(
            'route_not_offered',
            `The course does not offer the ${dto.route} route`,
            [{ field: 'route', message: `route must be one of: ${cohortFacts.routes.join(', ')}` }],
          );
        }
        const [cohort] = await this.lockCohorts(em, [cohortId]);
        if (!cohort) throw new NotFoundError('Cohort', cohortId);
        const facts: Array<{
          id: string;
          ord: number;
          name: string | null;
          erased: boolean | null;
          inCohort: boolean;
          activeOnCourse: boolean;
        }> = await em.query(
          `SELECT x.id, x.ord::int, s.given_name || ' ' || s.family_name AS name,
                  s.erased_at IS NOT NULL AS erased,
                  EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = x.id AND e.cohort_id = $2)
                    AS "inCohort",
                  EXISTS (SELECT 1 FROM enrolments e
                           WHERE e.student_id = x.id AND e.course_id = $3
                             AND e.status IN ('waitlisted', 'enrolled', 'deferred')) AS "activeOnCourse"
             FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, ord)
             LEFT JOIN students s ON s.id = x.id
            ORDER BY x.ord`,
          [dto.studentIds, cohortId, cohort.courseId],
        );
        for (const f of facts) {
          const field = `studentIds.${f.ord - 1}`;
          const who = f.name ?? f.id;
          if (f.name === null) {
            throw new RuleViolationError('student_not_found', `Student ${f.id} was not found`, [
              { field, message: `no student has id ${f.id}` },
            ]);
          }
          if (f.erased) {
            throw new RuleViolationError('student_erased', `${who}'s personal data was erased`, [
              { field, message: `${who} was erased and cannot be enrolled` },
            ]);
          }
          if (f.inCohort) {
            throw new ConflictError(
              'already_enrolled',
              `${who} already has an enrolment in this cohort`,
              [{ field, message: `${who} already has an enrolment in this cohort` }],
            );
          }
          if (f.activeOnCourse) {
            throw new ConflictError(
              'active_enrolment_on_course',
              `${who} already holds an active enrolment on this course`,
              [{ field, message: `${who} already holds an active enrolment on this course` }],
            );
          }
        }
        const created: EnrolmentRecord[] = [];
        for (const studentId of dto.studentIds) {
          created.push(
            await this.insertSeatedOrWaitlisted(em, actor, cohort, {
              studentId,
              route: dto.route,
              enrolledAt: new Date(),
              transferredFromId: null,
            }),
          );
        }
        return {
          enrolled: created.filter((e) => e.status === 'enrolled'),
          waitlisted: created.filter((e) => e.status === 'waitlisted'),
        };
      }),
    );
  }

  /**
   * Undoes a withdrawal made in error: back to a seat, or to the end of the waiting list when the
   * cohort is full, through the transition path (with its `reinstate` permission).
   */
  async reinstate(actor: Actor, enrolmentId: string, reason: string): Promise<EnrolmentView> {
    await this.mapConflicts(() =>
      this.dataSource.transaction((em) =>
        this.transition(em, actor, enrolmentId, 'enrolled', {
          reinstate: true,
          reason,
          action: 'enrolment.reinstate',
          onlyFrom: ['withdrawn'],
        }),
      ),
    );
    return this.view(enrolmentId);
  }

  async listForCohort(
    actor: Actor,
    cohortId: string,
    q: ListEnrolmentsQuery,
  ): Promise<Page<EnrolmentView>> {
    await this.scope.assertCohort(actor, cohortId);
    // One query: the total comes from a CTE so it is right even when the page is past the end.
    const rows: Array<EnrolmentView & { total: string; id: string | null }> =
      await this.dataSource.query(
        `WITH f AS (${VIEW_SELECT} WHERE e.cohort_id = $1 AND ($2::text IS NULL OR e.status = $2))
         SELECT t.total, p.*
           FROM (SELECT count(*) AS total FROM f) t
           LEFT JOIN LATERAL (
             SELECT * FROM f
              ORDER BY array_position(${STATUS_ORDER}, f.status), f."queuedAt", f.id
              LIMIT $3 OFFSET $4) p ON true`,
        [cohortId, q.status ?? null, q.limit, q.offset],
      );
    const total = rows[0] ? Number(rows[0].total) : 0;
    const items = rows.filter((r) => r.id !== null).map(({ total: _t, ...view }) => view);
    return page(items as EnrolmentView[], total, q);
  }

  /**
   * Every enrolment of one student, any status, oldest first (admin: all; tutor: those in the
   * cohorts they teach; a student they may not see answers 404).
   */
  async forStudent(actor: Actor, studentId: string): Promise<EnrolmentView[]> {
    await this.scope.assertStudent(actor, studentId);
    const cohortIds = await this.scope.tutorCohortIds(actor);
    return this.dataSource.query(
      `${VIEW_SELECT}
        WHERE e.student_id = $1 AND ($2::uuid[] IS NULL OR e.cohort_id = ANY($2::uuid[]))
        ORDER BY e.enrolled_at, e.id`,
      [studentId, cohortIds],
    );
  }

  /** The signed-in student's own enrolments, any status, newest cohort first. */
  async mine(actor: Actor): Promise<StudentEnrolmentView[]> {
    if (actor.role !== 'student' || !actor.studentId) return [];
    return this.dataSource.query(
      `SELECT e.id, e.status, e.route, e.enrolled_at AS "enrolledAt",
              c.id AS "cohortId", c.number AS "cohortNumber", c.name AS "cohortName",
              c.start_date::text AS "startDate", c.end_date::text AS "endDate", c.timezone,
              co.title AS "courseTitle", co.targets_contact_hours AS "targetContactHours"
         FROM enrolments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN courses co ON co.id = c.course_id
        WHERE e.student_id = $1
        ORDER BY c.start_date DESC, e.enrolled_at DESC`,
      [actor.studentId],
    );
  }

  /** Admin: any; tutor: their cohorts' enrolments; student: their own. Others answer 404. */
  async get(actor: Actor, enrolmentId: string): Promise<EnrolmentView> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    return this.view(enrolmentId);
  }

  async withdraw(actor: Actor, enrolmentId: string, reason: string): Promise<EnrolmentView> {
    await this.dataSource.transaction((em) =>
      this.transition(em, actor, enrolmentId, 'withdrawn', {
        reason,
        action: 'enrolment.withdraw',
      }),
    );
    return this.view(enrolmentId);
  }

  async defer(actor: Actor, enrolmentId: string, reason: string): Promise<EnrolmentView> {
    await this.dataSource.transaction((em) =>
      this.transition(em, actor, enrolmentId, 'deferred', { reason, action: 'enrolment.defer' }),
    );
    return this.view(enrolmentId);
  }

  /**
   * Moves a student to another cohort of the same course: the old enrolment becomes
   * `transferred` and links forward, a new one in the target links back; the new one is seated if
   * the target has a free seat, else waitlisted; the freed seat goes to the first waitlisted.
   */
  async transfer(
    actor: Actor,
    enrolmentId: string,
    dto: TransferEnrolmentDto,
  ): Promise<{ from: EnrolmentView; to: EnrolmentView }> {
    const toId = await this.mapConflicts(() =>
      this.dataSource.transaction(async (em) => {
        const current: Array<{ cohort_id: string; course_id: string }> = await em.query(
          'SELECT cohort_id, course_id FROM enrolments WHERE id = $1',
          [enrolmentId],
        );
        if (!current[0]) throw new NotFoundError('Enrolment', enrolmentId);
        const fromCohortId = current[0].cohort_id;
        if (dto.toCohortId === fromCohortId) {
          throw new RuleViolationError(
            'transfer_same_cohort',
            'A transfer must be to another cohort',
            [{ field: 'toCohortId', message: 'toCohortId must differ from the current cohort' }],
          );
        }
        const locked = await this.lockCohorts(em, [fromCohortId, dto.toCohortId]);
        const target = locked.find((c) => c.id === dto.toCohortId);
        if (!target) throw new NotFoundError('Cohort', dto.toCohortId);
        if (target.courseId !== current[0].course_id) {
          throw new RuleViolationError(
            'transfer_other_course',
            'A transfer must be to a cohort of the same course',
            [{ field: 'toCohortId', message: 'toCohortId must be a cohort of the same course' }],
          );
        }
        const newId = randomUUID();
        // The old enrolment must stop being active before the new one is inserted, or the
        // one-active-enrolment-per-course index refuses it; the forward link is known ahead.
        const { enrolment: moved } = await this.transition(em, actor, enrolmentId, 'transferred', {
          reason: dto.reason,
          action: 'enrolment.transfer',
          audit: { after: { transferredToId: newId } },
        });
        const created = await this.insertSeatedOrWaitlisted(em, actor, target, {
          id: newId,
          studentId: moved.studentId,
          route: moved.route,
          enrolledAt: new Date(),
          transferredFromId: moved.id,
        });
        await em.query(`UPDATE enrolments SET transferred_to_id = $2 WHERE id = $1`, [
          enrolmentId,
          created.id,
        ]);
        return created.id;
      }),
    );
    const [from, to] = await Promise.all([this.view(enrolmentId), this.view(toId)]);
    return { from, to };
  }

  /**
   * Lets a deferred student come back: seated if the cohort has a free seat, else at the back of
   * the waiting list (the seat check runs under the cohort lock, in the transition).
   */
  async resume(actor: Actor, enrolmentId: string, reason: string): Promise<EnrolmentView> {
    await this.dataSource.transaction((em) =>
      this.transition(em, actor, enrolmentId, 'enrolled', {
        reason,
        action: 'enrolment.resume',
        onlyFrom: ['deferred'],
      }),
    );
    return this.view(enrolmentId);
  }

  /**
   * The one path for an enrolment's status change, inside the caller's transaction: locks the
   * cohort then the enrolment, refuses illegal moves (409 illegal_transition), audits the change
   * with the row before and after, and hands a freed seat to the waiting list. A move that needs
   * a seat when the cohort has none left joins the back of the waiting list instead (the table
   * must allow that move too). Other features (completion) call this so every status change
   * follows one path; `audit` adds their own facts to the standard entry.
   */
  async transition(
    em: EntityManager,
    actor: Actor,
    enrolmentId: string,
    to: EnrolmentStatus,
    options: TransitionOptions & {
      reason?: string | null;
      action?: string;
      /** Refuse (409 illegal_transition) unless the enrolment is in one of these statuses. */
      onlyFrom?: readonly EnrolmentStatus[];
      audit?: { before?: Record<string, unknown>; after?: Record<string, unknown> };
    } = {},
  ): Promise<TransitionResult> {
    const cohortRows: Array<{ cohort_id: string }> = await em.query(
      'SELECT cohort_id FROM enrolments WHERE id = $1',
      [enrolmentId],
    );
    if (!cohortRows[0]) throw new NotFoundError('Enrolment', enrolmentId);
    const cohortId = cohortRows[0].cohort_id;
    const [cohort] = await this.lockCohorts(em, [cohortId]);
    const before = await this.lockEnrolment(em, enrolmentId);
    if (options.onlyFrom && !options.onlyFrom.includes(before.status)) {
      throw new ConflictError(
        'illegal_transition',
        `Only a ${options.onlyFrom.join(' or ')} enrolment can do this; this one is ${before.status}`,
      );
    }
    assertTransition(before.status, to, options);
    let target = to;
    if (needsSeat(before.status, to) && (await this.seatedCount(em, cohortId)) >= cohort.capacity) {
      target = 'waitlisted';
      assertTransition(before.status, target, options);
    }
    const seats = needsSeat(before.status, target);
    // A reinstated enrolment is open again.
    const reopens = before.status === 'withdrawn';
    const [[after]]: [EnrolmentRecord[], number] = await em.query(
      `UPDATE enrolments e
          SET status = $2::varchar,
              reason = COALESCE($3::varchar, e.reason),
              ended_at = CASE WHEN $2::varchar IN ('withdrawn', 'transferred') THEN now()
                              WHEN $2::varchar IN ('completed', 'not_completed') THEN COALESCE(e.ended_at, now())
                              WHEN $5::boolean THEN NULL
                              ELSE e.ended_at END,
              seated_at = CASE WHEN $4::boolean THEN now() ELSE e.seated_at END,
              enrolled_at = CASE WHEN $4::boolean THEN GREATEST(e.enrolled_at, now()) ELSE e.enrolled_at END,
              queued_at = CASE WHEN $2::varchar = 'waitlisted' THEN now() ELSE e.queued_at END,
              updated_at = now()
        WHERE e.id = $1
        RETURNING ${RECORD_COLUMNS}`,
      [enrolmentId, target, options.reason ?? null, seats, reopens],
    );
    await this.audit.record(em, actor, {
      action: options.action ?? `enrolment.${target}`,
      entityType: 'enrolment',
      entityId: enrolmentId,
      before: { ...before, ...options.audit?.before },
      after: { ...after, ...options.audit?.after },
    });
    const seated = freesSeat(before.status, target)
      ? await this.fillFreeSeats(em, actor, cohortId)
      : [];
    return { enrolment: after, seated };
  }

  /**
   * Seats the first waitlisted enrolments (by queuedAt) while the cohort has free seats, inside
   * the caller's transaction. The one place a waiting list moves: after a withdrawal, deferral or
   * transfer, and callable after a capacity increase. Locks the cohort itself (a no-op if the
   * caller already holds the lock). A promoted student's enrolledAt moves up to the seating time,
   * so sessions held while they waited never count against them.
   */
  async fillFreeSeats(
    em: EntityManager,
    actor: Actor,
    cohortId: string,
  ): Promise<EnrolmentRecord[]> {
    const [cohort] = await this.lockCohorts(em, [cohortId]);
    if (!cohort) throw new NotFoundError('Cohort', cohortId);
    const free = cohort.capacity - (await this.seatedCount(em, cohortId));
    if (free <= 0) return [];
    const waiting: EnrolmentRecord[] = await em.query(
      `SELECT ${RECORD_COLUMNS} FROM enrolments e
        WHERE e.cohort_id = $1 AND e.status = 'waitlisted'
        ORDER BY e.queued_at, e.id
        LIMIT $2
        FOR UPDATE`,
      [cohortId, free],
    );
    if (waiting.length === 0) return [];
    const [seated]: [EnrolmentRecord[], number] = await em.query(
      `UPDATE enrolments e
          SET status = 'enrolled', seated_at = now(),
              enrolled_at = GREATEST(e.enrolled_at, now()), updated_at = now()
        WHERE e.id = ANY($1::uuid[])
        RETURNING ${RECORD_COLUMNS}`,
      [waiting.map((w) => w.id)],
    );
    const byId = new Map(seated.map((s) => [s.id, s]));
    await this.audit.record(
      em,
      actor,
      waiting.map((before) => ({
        action: 'enrolment.seat_from_waitlist',
        entityType: 'enrolment',
        entityId: before.id,
        before,
        after: byId.get(before.id),
      })),
    );
    return waiting.map((w) => byId.get(w.id)!);
  }

  /** One enrolment with its student and cohort, unscoped: callers check visibility first. */
  async view(enrolmentId: string): Promise<EnrolmentView> {
    const rows: EnrolmentView[] = await this.dataSource.query(`${VIEW_SELECT} WHERE e.id = $1`, [
      enrolmentId,
    ]);
    if (!rows[0]) throw new NotFoundError('Enrolment', enrolmentId);
    return rows[0];
  }

  /** Locks the cohorts in id order (the fixed order that keeps concurrent changes deadlock-free). */
  private async lockCohorts(em: EntityManager, ids: string[]): Promise<LockedCohort[]> {
    return em.query(
      `SELECT c.id, c.course_id AS "courseId", c.capacity FROM cohorts c
        WHERE c.id = ANY($1::uuid[])
        ORDER BY c.id
        FOR UPDATE`,
      [[...new Set(ids)]],
    );
  }

  private async lockEnrolment(em: EntityManager, enrolmentId: string): Promise<EnrolmentRecord> {
    const rows: EnrolmentRecord[] = await em.query(
      `SELECT ${RECORD_COLUMNS} FROM enrolments e WHERE e.id = $1 FOR UPDATE`,
      [enrolmentId],
    );
    if (!rows[0]) throw new NotFoundError('Enrolment', enrolmentId);
    return rows[0];
  }

  private async seatedCount(em: EntityManager, cohortId: string): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await em.query(
      `SELECT count(*)::int AS n FROM enrolments WHERE cohort_id = $1 AND status = ANY($2::text[])`,
      [cohortId, SEATED_STATUSES],
    );
    return n;
  }

  /**
   * Inserts an enrolment, seated if the cohort has a free seat, else waitlisted, and audits it
   * (`enrolment.create`). The caller holds the cohort's lock.
   */
  private async insertSeatedOrWaitlisted(
    em: EntityManager,
    actor: Actor,
    cohort: LockedCohort,
    values: {
      id?: string;
      studentId: string;
      route: AcademicRoute;
      enrolledAt: Date;
      transferredFromId: string | null;
    },
  ): Promise<EnrolmentRecord> {
    // One statement after the lock: its snapshot includes every enrolment committed by
    // transactions that held the lock before this one.
    const [created]: EnrolmentRecord[] = await em.query(
      `INSERT INTO enrolments AS e (id, student_id, cohort_id, course_id, route, status, enrolled_at,
                                    seated_at, transferred_from_id)
       SELECT COALESCE($9::uuid, gen_random_uuid()), $1::uuid, $2::uuid, $3::uuid, $4::varchar, seat.status, $5::timestamptz,
              CASE WHEN seat.status = 'enrolled' THEN now() END, $6::uuid
         FROM (SELECT CASE WHEN count(*) < $7::int THEN 'enrolled' ELSE 'waitlisted' END AS status
                 FROM enrolments
                WHERE cohort_id = $2::uuid AND status = ANY($8::text[])) seat
       RETURNING ${RECORD_COLUMNS}`,
      [
        values.studentId,
        cohort.id,
        cohort.courseId,
        values.route,
        values.enrolledAt,
        values.transferredFromId,
        cohort.capacity,
        SEATED_STATUSES,
        values.id ?? null,
      ],
    );
    await this.audit.record(em, actor, {
      action: 'enrolment.create',
      entityType: 'enrolment',
      entityId: created.id,
      before: null,
      after: created,
    });
    return created;
  }

  /** Turns the enrolment unique indexes into 409s with codes a client can act on. */
  private async mapConflicts<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'uq_enrolments_student_cohort')) {
        throw ALREADY_ENROLLED();
      }
      if (isUniqueViolation(error, 'uq_enrolments_active_per_course')) {
        throw new ConflictError(
          'active_enrolment_on_course',
          'The student already holds an active (waitlisted, enrolled or deferred) enrolment on this course',
        );
      }
      throw error;
    }
  }
}
