import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors';
import type { FieldProblem } from '../common/errors';
import { Page, page, PageQuery } from '../common/pagination';
import type { CompletionRule } from '../completion/completion-rules';
import type { AssessmentDefinition } from '../courses/course.entity';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import { EnrolmentsService } from '../enrolments/enrolments.service';
import { ProgressService } from '../progress/progress.service';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import type { CohortStatus, ReminderSettings } from './cohort.entity';
import { cohortVisibleSql, scopeParams } from '../auth/scope.service';
import { ruleReferenceProblems, toCompletionRules } from './dto/completion-rule.dto';
import { CreateCohortDto } from './dto/create-cohort.dto';
import { ListCohortsQuery } from './dto/list-cohorts.query';
import { ReminderSettingsDto } from './dto/reminder-settings.dto';
import { UpdateCohortDto } from './dto/update-cohort.dto';

export const DEFAULT_TIMEZONE = 'Europe/London';
export const DEFAULT_WARN_AFTER_CONSECUTIVE_ABSENCES = 3;

export interface CohortView {
  id: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  number: number;
  name: string;
  startDate: string;
  endDate: string;
  capacity: number;
  status: CohortStatus;
  timezone: string;
  completionRules: CompletionRule[];
  warnAfterConsecutiveAbsences: number;
  reminderSettings: ReminderSettings;
  createdAt: Date;
  updatedAt: Date;
}

export interface CohortSummary {
  capacity: number;
  seatsLeft: number;
  enrolled: number;
  waitlisted: number;
  deferred: number;
  withdrawn: number;
  transferred: number;
  completed: number;
  notCompleted: number;
  /** Null until the attendance measures are wired in. */
  /** Mean over seated enrolments with anything measured yet; null before any session ends. */
  meanAttendancePercent: number | null;
  /** Null until the attendance measures are wired in. */
  /** Seated enrolments at risk (see docs/rules.md). */
  atRisk: number;
  certificatesIssued: number;
}

/** A cohort in a list of cohorts, with its seats and outcomes (the dashboards' rows). */
export interface CohortOverview {
  id: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  number: number;
  name: string;
  status: CohortStatus;
  startDate: string;
  endDate: string;
  capacity: number;
  seated: number;
  seatsLeft: number;
  waitlisted: number;
  completed: number;
  notCompleted: number;
  /** Seated enrolments at risk, for cohorts still running (null once finished or cancelled, or not asked for). */
  atRisk: number | null;
}

/** Cohorts whose students can still be at risk; finished ones show their outcomes instead. */
const LIVE_STATUSES: readonly CohortStatus[] = ['planned', 'enrolling', 'running'];

export interface TutorView {
  userId: string;
  email: string;
  displayName: string | null;
}

/** The editable columns of a cohort, as locked and changed by `update`. */
interface CohortRow {
  id: string;
  course_id: string;
  number: number;
  name: string;
  start_date: string;
  end_date: string;
  capacity: number;
  status: CohortStatus;
  timezone: string;
  completion_rules: CompletionRule[];
  warn_after_consecutive_absences: number;
  reminder_settings: ReminderSettings;
  assessments: AssessmentDefinition[];
}

const COHORT_COLUMNS = `
  c.id, c.course_id AS "courseId", co.code AS "courseCode", co.title AS "courseTitle",
  c.number, c.name, c.start_date::text AS "startDate", c.end_date::text AS "endDate",
  c.capacity, c.status, c.timezone, c.completion_rules AS "completionRules",
  c.warn_after_consecutive_absences AS "warnAfterConsecutiveAbsences",
  c.reminder_settings AS "reminderSettings", c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

@Injectable()
export class CohortsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly enrolments: EnrolmentsService,
    private readonly progress: ProgressService,
  ) {}

  async list(actor: Actor, q: ListCohortsQuery): Promise<Page<CohortView>> {
    return this.query(actor, q);
  }

  /** A cohort the actor may see; others' (and unknown) ids are 404. */
  async get(actor: Actor, id: string): Promise<CohortView> {
    const { items } = await this.query(actor, { limit: 1, offset: 0 }, id);
    if (!items[0]) throw new NotFoundError('Cohort', id);
    return items[0];
  }

  private async query(
    actor: Actor,
    q: ListCohortsQuery,
    id?: string,
    db: Pick<DataSource, 'query'> = this.dataSource,
  ): Promise<Page<CohortView>> {
    const rows: Array<CohortView & { total: string }> = await db.query(
      `SELECT ${COHORT_COLUMNS}, count(*) OVER () AS total
         FROM cohorts c JOIN courses co ON co.id = c.course_id
        WHERE ($1::uuid IS NULL OR c.id = $1)
          AND ($2::uuid IS NULL OR c.course_id = $2)
          AND ($3::text IS NULL OR c.status = $3)
          AND ${cohortVisibleSql('c.id', 4, 5)}
        ORDER BY co.code, c.number, c.id
        LIMIT $6 OFFSET $7`,
      [id ?? null, q.courseId ?? null, q.status ?? null, ...scopeParams(actor), q.limit, q.offset],
    );
    const total = rows[0] ? Number(rows[0].total) : 0;
    return page(
      rows.map(({ total: _t, ...c }) => c),
      total,
      q,
    );
  }

  async create(actor: Actor, dto: CreateCohortDto): Promise<CohortView> {
    if (dto.endDate < dto.startDate) throw endBeforeStart();
    try {
      const id = await this.dataSource.transaction(async (em) => {
        const courses: Array<{
          assessments: AssessmentDefinition[];
          default_completion_rules: CompletionRule[];
        }> = await em.query(
          `SELECT assessments, default_completion_rules FROM courses WHERE id = $1 FOR SHARE`,
          [dto.courseId],
        );
        const course = courses[0];
        if (!course) {
          throw new RuleViolationError('course_not_found', `Course ${dto.courseId} was not found`, [
            { field: 'courseId', message: 'courseId names no course' },
          ]);
        }
        const rules = dto.completionRules
          ? toCompletionRules(dto.completionRules)
          : course.default_completion_rules;
        assertRulesResolve(rules, course.assessments);
        const [row]: Array<{ id: string }> = await em.query(
          `INSERT INTO cohorts (course_id, number, name, start_date, end_date, capacity, status, timezone,
                                completion_rules, warn_after_consecutive_absences, reminder_settings)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          [
            dto.courseId,
            dto.number,
            dto.name ?? `Cohort ${dto.number}`,
            dto.startDate,
            dto.endDate,
            dto.capacity,
            dto.status ?? 'planned',
            dto.timezone ?? DEFAULT_TIMEZONE,
            JSON.stringify(rules),
            dto.warnAfterConsecutiveAbsences ?? DEFAULT_WARN_AFTER_CONSECUTIVE_ABSENCES,
            JSON.stringify(toReminderSettings(dto.reminderSettings ?? {})),
          ],
        );
        const created = await this.query(actor, { limit: 1, offset: 0 }, row.id, em);
        await this.audit.record(em, actor, {
          action: 'cohort.create',
          entityType: 'cohort',
          entityId: row.id,
          after: auditView(created.items[0]),
        });
        return row.id;
      });
      return this.get(actor, id);
    } catch (error) {
      throw duplicateNumber(error, dto.number);
    }
  }

  async update(actor: Actor, id: string, dto: UpdateCohortDto): Promise<CohortView> {
    try {
      await this.dataSource.transaction(async (em) => {
        // The row lock serialises this with enrolments, which lock the cohort to count seats.
        const rows: CohortRow[] = await em.query(
          `SELECT c.id, c.course_id, c.number, c.name, c.start_date::text AS start_date,
                  c.end_date::text AS end_date, c.capacity, c.status, c.timezone, c.completion_rules,
                  c.warn_after_consecutive_absences, c.reminder_settings, co.assessments
             FROM cohorts c JOIN courses co ON co.id = c.course_id
            WHERE c.id = $1
              FOR UPDATE OF c`,
          [id],
        );
        const current = rows[0];
        if (!current) throw new NotFoundError('Cohort', id);
        const before = await this.query(actor, { limit: 1, offset: 0 }, id, em);

        const next: CohortRow = {
          ...current,
          number: dto.number ?? current.number,
          name: dto.name ?? current.name,
          start_date: dto.startDate ?? current.start_date,
          end_date: dto.endDate ?? current.end_date,
          capacity: dto.capacity ?? current.capacity,
          status: dto.status ?? current.status,
          timezone: dto.timezone ?? current.timezone,
          completion_rules: dto.completionRules
            ? toCompletionRules(dto.completionRules)
            : current.completion_rules,
          warn_after_consecutive_absences:
            dto.warnAfterConsecutiveAbsences ?? current.warn_after_consecutive_absences,
          reminder_settings: dto.reminderSettings
            ? toReminderSettings(dto.reminderSettings)
            : current.reminder_settings,
        };
        if (next.end_date < next.start_date) throw endBeforeStart();
        if (dto.completionRules) assertRulesResolve(next.completion_rules, current.assessments);
        if (dto.startDate || dto.endDate) await assertBlocksWithin(em, next);
        const freeSeats = await this.seatsAfterCapacityChange(em, next);

        await em.query(
          `UPDATE cohorts SET number = $2, name = $3, start_date = $4, end_date = $5, capacity = $6,
                  status = $7, timezone = $8, completion_rules = $9,
                  warn_after_consecutive_absences = $10, reminder_settings = $11, updated_at = now()
            WHERE id = $1`,
          [
            id,
            next.number,
            next.name,
            next.start_date,
            next.end_date,
            next.capacity,
            next.status,
            next.timezone,
            JSON.stringify(next.completion_rules),
            next.warn_after_consecutive_absences,
            JSON.stringify(next.reminder_settings),
          ],
        );
        const after = await this.query(actor, { limit: 1, offset: 0 }, id, em);
        await this.audit.record(em, actor, {
          action: 'cohort.update',
          entityType: 'cohort',
          entityId: id,
          before: auditView(before.items[0]),
          after: auditView(after.items[0]),
        });
        // A rise in capacity frees seats: the waiting list moves through the enrolments' one path.
        if (freeSeats > 0) await this.enrolments.fillFreeSeats(em, actor, id);
      });
      return this.get(actor, id);
    } catch (error) {
      throw duplicateNumber(error, dto.number);
    }
  }

  /**
   * Seats free after the change. Capacity below the seats already taken is a 409: nobody loses
   * a seat because the number was lowered.
   */
  private async seatsAfterCapacityChange(em: EntityManager, next: CohortRow): Promise<number> {
    const [{ seated }]: Array<{ seated: number }> = await em.query(
      `SELECT count(*)::int AS seated FROM enrolments WHERE cohort_id = $1 AND status = ANY($2::text[])`,
      [next.id, SEATED_STATUSES],
    );
    if (next.capacity < seated) {
      throw new ConflictError(
        'capacity_below_seated',
        `Capacity ${next.capacity} is below the ${seated} seats already taken`,
        [{ field: 'capacity', message: `capacity must be at least ${seated}` }],
      );
    }
    return next.capacity - seated;
  }

  /**
   * Every cohort the actor may see, newest first, with its seats and outcomes and (for live
   * cohorts) how many are at risk: the same counts as `summary`, from the same progress read.
   * `atRisk: false` skips the progress read where only the list is wanted.
   */
  async overview(actor: Actor, options: { atRisk?: boolean } = {}): Promise<CohortOverview[]> {
    const rows: Array<Omit<CohortOverview, 'atRisk'>> = await this.dataSource.query(
      `SELECT c.id, c.course_id AS "courseId", co.code AS "courseCode", co.title AS "courseTitle",
              c.number, c.name, c.status, c.start_date::text AS "startDate",
              c.end_date::text AS "endDate", c.capacity,
              count(e.id) FILTER (WHERE e.status = ANY($3::text[]))::int AS seated,
              greatest(c.capacity - count(e.id) FILTER (WHERE e.status = ANY($3::text[])), 0)::int
                AS "seatsLeft",
              count(e.id) FILTER (WHERE e.status = 'waitlisted')::int AS waitlisted,
              count(e.id) FILTER (WHERE e.status = 'completed')::int AS completed,
              count(e.id) FILTER (WHERE e.status = 'not_completed')::int AS "notCompleted"
         FROM cohorts c
         JOIN courses co ON co.id = c.course_id
         LEFT JOIN enrolments e ON e.cohort_id = c.id
        WHERE ${cohortVisibleSql('c.id', 1, 2)}
        GROUP BY c.id, co.id
        ORDER BY c.start_date DESC, c.number DESC`,
      [...scopeParams(actor), SEATED_STATUSES],
    );
    const withRisk = options.atRisk !== false;
    const live = rows.filter((c) => withRisk && LIVE_STATUSES.includes(c.status));
    const aggregates = await this.progress.cohortAggregates(live.map((c) => c.id));
    return rows.map((c) => ({
      ...c,
      atRisk:
        withRisk && LIVE_STATUSES.includes(c.status) ? (aggregates.get(c.id)?.atRisk ?? 0) : null,
    }));
  }

  /** Seats and outcomes of a cohort, counted in one query. */
  async summary(actor: Actor, id: string): Promise<CohortSummary> {
    const rows: Array<Record<string, number>> = await this.dataSource.query(
      `SELECT c.capacity,
              count(e.id) FILTER (WHERE e.status = ANY($4::text[]))::int AS seated,
              count(e.id) FILTER (WHERE e.status = 'enrolled')::int AS enrolled,
              count(e.id) FILTER (WHERE e.status = 'waitlisted')::int AS waitlisted,
              count(e.id) FILTER (WHERE e.status = 'deferred')::int AS deferred,
              count(e.id) FILTER (WHERE e.status = 'withdrawn')::int AS withdrawn,
              count(e.id) FILTER (WHERE e.status = 'transferred')::int AS transferred,
              count(e.id) FILTER (WHERE e.status = 'completed')::int AS completed,
              count(e.id) FILTER (WHERE e.status = 'not_completed')::int AS not_completed,
              (SELECT count(*) FROM certificates ce
                WHERE ce.cohort_id = c.id AND ce.status = 'issued')::int AS certificates_issued
         FROM cohorts c
         LEFT JOIN enrolments e ON e.cohort_id = c.id
        WHERE c.id = $1 AND ${cohortVisibleSql('c.id', 2, 3)}
        GROUP BY c.id`,
      [id, ...scopeParams(actor), SEATED_STATUSES],
    );
    const r = rows[0];
    if (!r) throw new NotFoundError('Cohort', id);
    // Attendance figures come from the same measures as progress, so the two never disagree.
    const attendance = await this.progress.cohortAggregate(id);
    return {
      capacity: r.capacity,
      seatsLeft: Math.max(0, r.capacity - r.seated),
      enrolled: r.enrolled,
      waitlisted: r.waitlisted,
      deferred: r.deferred,
      withdrawn: r.withdrawn,
      transferred: r.transferred,
      completed: r.completed,
      notCompleted: r.not_completed,
      meanAttendancePercent: attendance.meanAttendancePercent,
      atRisk: attendance.atRisk,
      certificatesIssued: r.certificates_issued,
    };
  }

  /** The tutors of a cohort (a short list: paged in memory after one query). */
  async tutors(actor: Actor, cohortId: string, q: PageQuery): Promise<Page<TutorView>> {
    const rows: TutorView[] = await this.dataSource.query(
      `SELECT u.id AS "userId", u.email, u.display_name AS "displayName"
         FROM cohorts c
         LEFT JOIN cohort_tutors t ON t.cohort_id = c.id
         LEFT JOIN users u ON u.id = t.user_id
        WHERE c.id = $1 AND ${cohortVisibleSql('c.id', 2, 3)}
        ORDER BY u.email`,
      [cohortId, ...scopeParams(actor)],
    );
    if (rows.length === 0) throw new NotFoundError('Cohort', cohortId);
    const tutors = rows.filter((r) => r.userId !== null);
    return page(tutors.slice(q.offset, q.offset + q.limit), tutors.length, q);
  }

  async assignTutor(actor: Actor, cohortId: string, userId: string): Promise<TutorView> {
    return this.dataSource.transaction(async (em) => {
      await lockCohort(em, cohortId);
      const users: Array<TutorView & { role: string }> = await em.query(
        `SELECT id AS "userId", email, display_name AS "displayName", role FROM users WHERE id = $1`,
        [userId],
      );
      const user = users[0];
      if (!user || user.role !== 'tutor') {
        throw new RuleViolationError(
          'user_not_tutor',
          user ? `User ${userId} is not a tutor` : `User ${userId} was not found`,
          [{ field: 'userId', message: 'userId must name a user with role tutor' }],
        );
      }
      const inserted: unknown[] = await em.query(
        `INSERT INTO cohort_tutors (user_id, cohort_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id`,
        [userId, cohortId],
      );
      if (inserted.length) {
        await this.audit.record(em, actor, {
          action: 'cohort.tutor_assign',
          entityType: 'cohort',
          entityId: cohortId,
          after: { tutorUserId: userId },
        });
      }
      const { role: _role, ...view } = user;
      return view;
    });
  }

  async unassignTutor(actor: Actor, cohortId: string, userId: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await lockCohort(em, cohortId);
      const [rows]: [unknown[], number] = await em.query(
        `DELETE FROM cohort_tutors WHERE cohort_id = $1 AND user_id = $2 RETURNING user_id`,
        [cohortId, userId],
      );
      if (rows.length === 0) throw new NotFoundError('Tutor assignment', userId);
      await this.audit.record(em, actor, {
        action: 'cohort.tutor_unassign',
        entityType: 'cohort',
        entityId: cohortId,
        before: { tutorUserId: userId },
      });
    });
  }
}

async function lockCohort(em: EntityManager, cohortId: string): Promise<void> {
  const rows: unknown[] = await em.query(`SELECT 1 FROM cohorts WHERE id = $1 FOR SHARE`, [
    cohortId,
  ]);
  if (rows.length === 0) throw new NotFoundError('Cohort', cohortId);
}

function assertRulesResolve(rules: CompletionRule[], assessments: AssessmentDefinition[]): void {
  const problems: FieldProblem[] = ruleReferenceProblems(rules, assessments, 'completionRules');
  if (problems.length) {
    throw new RuleViolationError(
      'unknown_assessment_code',
      'completionRules name assessments the course does not define',
      problems,
    );
  }
}

/** Blocks must stay inside the cohort's dates. */
async function assertBlocksWithin(em: EntityManager, next: CohortRow): Promise<void> {
  const [{ outside }]: Array<{ outside: number }> = await em.query(
    `SELECT count(*)::int AS outside FROM blocks
      WHERE cohort_id = $1 AND (start_date < $2::date OR end_date > $3::date)`,
    [next.id, next.start_date, next.end_date],
  );
  if (outside > 0) {
    throw new RuleViolationError(
      'blocks_outside_cohort',
      `${outside} block(s) would fall outside the cohort's new dates`,
      [
        { field: 'startDate', message: 'the cohort dates must contain every block' },
        { field: 'endDate', message: 'the cohort dates must contain every block' },
      ],
    );
  }
}

function endBeforeStart(): RuleViolationError {
  return new RuleViolationError('end_before_start', 'endDate is before startDate', [
    { field: 'endDate', message: 'endDate must be on or after startDate' },
  ]);
}

function duplicateNumber(error: unknown, number: number | undefined): unknown {
  if (isUniqueViolation(error, 'uq_cohorts_course_number')) {
    return new ConflictError(
      'cohort_number_taken',
      `The course already has a cohort number ${number}`,
      [{ field: 'number', message: 'number is already used by another cohort of the course' }],
    );
  }
  return error;
}

function toReminderSettings(dto: ReminderSettingsDto): ReminderSettings {
  return {
    ...(dto.blockOffsets !== undefined ? { blockOffsets: [...dto.blockOffsets] } : {}),
    ...(dto.sessionOffsets !== undefined ? { sessionOffsets: [...dto.sessionOffsets] } : {}),
    ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
  };
}

function auditView(c: CohortView | undefined): Record<string, unknown> | null {
  if (!c) return null;
  const { createdAt: _c, updatedAt: _u, courseCode: _cc, courseTitle: _ct, ...rest } = c;
  return rest;
}
