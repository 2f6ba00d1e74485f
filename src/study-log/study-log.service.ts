import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors';
import { CreateStudyEntryDto } from './dto/create-study-entry.dto';
import { UpdateStudyEntryDto } from './dto/update-study-entry.dto';
import type { StudyEntryStatus, StudyKind } from './study-log-entry.entity';

export interface StudyEntryView {
  id: string;
  enrolmentId: string;
  cohortId: string;
  studentId: string;
  studentName: string;
  date: string;
  minutes: number;
  kind: StudyKind;
  reflection: string | null;
  status: StudyEntryStatus;
  reviewComment: string | null;
  reviewedById: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
}

interface EnrolmentSpan {
  id: string;
  from_day: string;
  to_day: string | null;
  today: string;
}

const VIEW_SQL = `
SELECT sl.id, sl.enrolment_id AS "enrolmentId", e.cohort_id AS "cohortId",
       e.student_id AS "studentId", concat_ws(' ', st.given_name, st.family_name) AS "studentName",
       to_char(sl.studied_on, 'YYYY-MM-DD') AS date, sl.minutes, sl.kind, sl.reflection, sl.status,
       sl.review_comment AS "reviewComment", sl.reviewed_by_id AS "reviewedById",
       sl.reviewed_at AS "reviewedAt", sl.created_at AS "createdAt"
  FROM study_log_entries sl
  JOIN enrolments e ON e.id = sl.enrolment_id
  JOIN students st ON st.id = e.student_id`;
const ORDER = `ORDER BY sl.studied_on DESC, sl.created_at DESC, sl.id`;

/** The state a review moves an entry to. */
export type StudyReview = 'approve' | 'return';
const REVIEWED: Record<StudyReview, StudyEntryStatus> = { approve: 'approved', return: 'returned' };

/**
 * The independent study log: students record study against an enrolment, tutors of the cohort
 * (and admins) approve or return it. Only approved minutes count (study-hours.query.ts).
 * Reflections are the student's own words: they stay out of the audit log, which records the
 * minutes, kind, date and status.
 */
@Injectable()
export class StudyLogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
  ) {}

  /**
   * A student's entry. The day must not be in the future (in the cohort's time zone) and must
   * fall within an enrolment of theirs: on or after the enrolment day and, once the enrolment
   * has ended (withdrawn, completed...), on or before its end. Waiting-list places never count.
   */
  async submit(actor: Actor, dto: CreateStudyEntryDto): Promise<StudyEntryView> {
    const studentId = actor.studentId as string;
    return this.dataSource.transaction(async (em) => {
      const spans: EnrolmentSpan[] = await em.query(
        `SELECT e.id,
                to_char(e.enrolled_at AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS from_day,
                to_char(e.ended_at AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS to_day,
                to_char(now() AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS today
           FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
          WHERE e.student_id = $1 AND e.status <> 'waitlisted'
            AND ($2::uuid IS NULL OR e.id = $2::uuid)
          ORDER BY e.enrolled_at DESC, e.id`,
        [studentId, dto.enrolmentId ?? null],
      );
      if (dto.enrolmentId && spans.length === 0) {
        throw new NotFoundError('Enrolment', dto.enrolmentId);
      }
      if (spans.length === 0) {
        throw new RuleViolationError(
          'study_log_no_enrolment',
          'You have no enrolment to record study against',
          [{ field: 'date', message: 'you have no enrolment to record study against' }],
        );
      }
      const span = enrolmentOn(spans, dto.date);
      const [{ id }]: Array<{ id: string }> = await em.query(
        `INSERT INTO study_log_entries (enrolment_id, studied_on, minutes, kind, reflection)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [span.id, dto.date, dto.minutes, dto.kind, dto.reflection || null],
      );
      await this.audit.record(em, actor, {
        action: 'study_log.submitted',
        entityType: 'study_log_entry',
        entityId: id,
        after: { enrolmentId: span.id, date: dto.date, minutes: dto.minutes, kind: dto.kind },
      });
      return this.one(em, id);
    });
  }

  /**
   * A student corrects their own entry that is waiting for review or was returned: it is
   * submitted again (the tutor's comment stays until the next review). An approved entry is
   * settled (409); the date rules are those of a new entry, within the same enrolment.
   */
  async resubmit(actor: Actor, entryId: string, dto: UpdateStudyEntryDto): Promise<StudyEntryView> {
    return this.dataSource.transaction(async (em) => {
      const rows: Array<
        EnrolmentSpan & {
          status: StudyEntryStatus;
          date: string;
          minutes: number;
          kind: StudyKind;
          reflection: string | null;
        }
      > = await em.query(
        `SELECT e.id, sl.status, to_char(sl.studied_on, 'YYYY-MM-DD') AS date, sl.minutes, sl.kind,
                sl.reflection,
                to_char(e.enrolled_at AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS from_day,
                to_char(e.ended_at AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS to_day,
                to_char(now() AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS today
           FROM study_log_entries sl
           JOIN enrolments e ON e.id = sl.enrolment_id
           JOIN cohorts c ON c.id = e.cohort_id
          WHERE sl.id = $1 AND e.student_id = $2
            FOR NO KEY UPDATE OF sl`,
        [entryId, actor.studentId],
      );
      const row = rows[0];
      if (!row) throw new NotFoundError('Study log entry', entryId);
      if (row.status === 'approved') {
        throw new ConflictError('study_log_approved', 'An approved entry cannot be changed');
      }
      const next = {
        date: dto.date ?? row.date,
        minutes: dto.minutes ?? row.minutes,
        kind: dto.kind ?? row.kind,
        reflection: dto.reflection === undefined ? row.reflection : dto.reflection || null,
      };
      enrolmentOn([row], next.date);
      await em.query(
        `UPDATE study_log_entries
            SET studied_on = $2, minutes = $3, kind = $4, reflection = $5, status = 'submitted',
                reviewed_by_id = NULL, reviewed_at = NULL, updated_at = now()
          WHERE id = $1`,
        [entryId, next.date, next.minutes, next.kind, next.reflection],
      );
      await this.audit.record(em, actor, {
        action: 'study_log.resubmitted',
        entityType: 'study_log_entry',
        entityId: entryId,
        before: { status: row.status, date: row.date, minutes: row.minutes, kind: row.kind },
        after: { status: 'submitted', date: next.date, minutes: next.minutes, kind: next.kind },
      });
      return this.one(em, entryId);
    });
  }

  /** The signed-in student's entries, across their enrolments, newest first. */
  async listMine(actor: Actor): Promise<StudyEntryView[]> {
    return this.dataSource.query(`${VIEW_SQL} WHERE e.student_id = $1 ${ORDER}`, [actor.studentId]);
  }

  async listForEnrolment(actor: Actor, enrolmentId: string): Promise<StudyEntryView[]> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    return this.dataSource.query(`${VIEW_SQL} WHERE sl.enrolment_id = $1 ${ORDER}`, [enrolmentId]);
  }

  /** A cohort's entries for its tutors, oldest waiting first when filtered on `submitted`. */
  async listForCohort(
    actor: Actor,
    cohortId: string,
    status?: StudyEntryStatus,
  ): Promise<StudyEntryView[]> {
    await this.scope.assertCohort(actor, cohortId);
    return this.dataSource.query(
      `${VIEW_SQL} WHERE e.cohort_id = $1 AND ($2::text IS NULL OR sl.status = $2)
        ORDER BY sl.created_at, sl.id`,
      [cohortId, status ?? null],
    );
  }

  /**
   * Approve or return an entry (admins, and tutors of its cohort; others get 404). Reviewing
   * an entry into the state it is already in changes nothing; an approved entry can still be
   * returned (a mistake corrected) and a returned one approved.
   */
  async review(
    actor: Actor,
    entryId: string,
    review: StudyReview,
    comment?: string | null,
  ): Promise<StudyEntryView> {
    return this.dataSource.transaction(async (em) => {
      const rows: Array<{
        status: StudyEntryStatus;
        cohort_id: string;
        review_comment: string | null;
      }> = await em.query(
        `SELECT sl.status, e.cohort_id, sl.review_comment FROM study_log_entries sl
             JOIN enrolments e ON e.id = sl.enrolment_id
            WHERE sl.id = $1 FOR NO KEY UPDATE OF sl`,
        [entryId],
      );
      const row = rows[0];
      if (!row) throw new NotFoundError('Study log entry', entryId);
      try {
        await this.scope.assertCohort(actor, row.cohort_id);
      } catch {
        throw new NotFoundError('Study log entry', entryId);
      }
      const status = REVIEWED[review];
      const newComment = comment || null;
      if (row.status === status && row.review_comment === newComment) return this.one(em, entryId);
      await em.query(
        `UPDATE study_log_entries
            SET status = $2, review_comment = $3, reviewed_by_id = $4, reviewed_at = now(),
                updated_at = now()
          WHERE id = $1`,
        [entryId, status, newComment, actor.userId],
      );
      await this.audit.record(em, actor, {
        action: `study_log.${status}`,
        entityType: 'study_log_entry',
        entityId: entryId,
        before: { status: row.status },
        // The comment is about the student, in free text: erasure clears it, so the audit omits it.
        after: { status, commented: newComment !== null },
      });
      return this.one(em, entryId);
    });
  }

  private async one(em: EntityManager, id: string): Promise<StudyEntryView> {
    const [row]: StudyEntryView[] = await em.query(`${VIEW_SQL} WHERE sl.id = $1`, [id]);
    return row;
  }
}

/**
 * The enrolment a day of study belongs to: not in the future (the cohort's time zone), on or
 * after the enrolment day and, once it has ended, on or before its end. 422 naming `date`.
 */
function enrolmentOn<T extends EnrolmentSpan>(spans: T[], date: string): T {
  if (spans.every((s) => date > s.today)) {
    throw new RuleViolationError('study_log_future_date', 'Study cannot be logged ahead', [
      { field: 'date', message: `date must not be in the future (today is ${spans[0].today})` },
    ]);
  }
  const span = spans.find((s) => s.from_day <= date && (s.to_day === null || date <= s.to_day));
  if (!span) {
    const s = spans[0];
    const range = s.to_day ? `from ${s.from_day} to ${s.to_day}` : `from ${s.from_day}`;
    throw new RuleViolationError(
      'study_log_outside_enrolment',
      'The date is outside the enrolment',
      [{ field: 'date', message: `date must fall within your enrolment (${range})` }],
    );
  }
  return span;
}
