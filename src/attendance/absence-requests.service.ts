import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { cohortVisibleSql, scopeParams } from '../auth/scope.service';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors';
import { Page, page } from '../common/pagination';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import type { AbsenceRequestStatus } from './absence-request.entity';
import {
  CreateAbsenceRequestDto,
  DecideAbsenceRequestDto,
  ListAbsenceRequestsQuery,
} from './dto/absence-request.dto';

export interface AbsenceRequestView {
  id: string;
  enrolmentId: string;
  cohortId: string;
  studentName: string;
  reason: string;
  status: AbsenceRequestStatus;
  decisionComment: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  sessionIds: string[];
  sessions: Array<{ id: string; title: string; startsAt: Date; endsAt: Date; timezone: string }>;
}

const VIEW_SQL = `
  SELECT r.id, r.enrolment_id AS "enrolmentId", e.cohort_id AS "cohortId",
         st.given_name || ' ' || st.family_name AS "studentName", r.reason, r.status,
         r.decision_comment AS "decisionComment", r.decided_at AS "decidedAt",
         r.created_at AS "createdAt",
         COALESCE((SELECT json_agg(json_build_object('id', s.id, 'title', s.title,
                     'startsAt', s.starts_at, 'endsAt', s.ends_at, 'timezone', c.timezone)
                     ORDER BY s.starts_at)
                     FROM absence_request_sessions rs JOIN sessions s ON s.id = rs.session_id
                    WHERE rs.request_id = r.id), '[]'::json) AS sessions,
         count(*) OVER () AS total
    FROM absence_requests r
    JOIN enrolments e ON e.id = r.enrolment_id
    JOIN cohorts c ON c.id = e.cohort_id
    JOIN students st ON st.id = e.student_id`;

type Row = Omit<AbsenceRequestView, 'sessionIds'> & { total: string };

function toView({ total: _t, ...r }: Row): AbsenceRequestView {
  const sessions = r.sessions.map((s) => ({
    ...s,
    startsAt: new Date(s.startsAt),
    endsAt: new Date(s.endsAt),
  }));
  return { ...r, sessions, sessionIds: sessions.map((s) => s.id) };
}

/**
 * Apologies: a student asks to be excused from future sessions of their cohort, with a reason;
 * a tutor of the cohort or an administrator approves or declines. Approval writes `excused`
 * records for those sessions where none exists yet, so the register opens with them excused
 * (a tutor can still change one) and commitment % counts them once the sessions have ended.
 */
@Injectable()
export class AbsenceRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, dto: CreateAbsenceRequestDto): Promise<AbsenceRequestView> {
    const id = await this.dataSource.transaction(async (em) => {
      const found: Array<{
        id: string;
        enrolment_id: string | null;
        future: boolean;
        cancelled: boolean;
      }> = await em.query(
        `SELECT s.id, s.starts_at > now() AS future, s.cancelled_at IS NOT NULL AS cancelled,
                  (SELECT e.id FROM enrolments e WHERE e.cohort_id = s.cohort_id AND e.student_id = $2
                      AND e.status = ANY($3::text[]) LIMIT 1) AS enrolment_id
             FROM sessions s WHERE s.id = ANY($1::uuid[])`,
        [dto.sessionIds.map((s) => s.toLowerCase()), actor.studentId, SEATED_STATUSES],
      );
      const ok = found.filter((s) => s.enrolment_id && s.future && !s.cancelled);
      const enrolments = new Set(ok.map((s) => s.enrolment_id));
      if (ok.length !== dto.sessionIds.length || enrolments.size !== 1) {
        throw new RuleViolationError(
          'absence_sessions_invalid',
          'An apology is for future sessions of one cohort you are taking part in',
          [{ field: 'sessionIds', message: 'Select future sessions of your cohort' }],
        );
      }
      const [row]: Array<{ id: string }> = await em.query(
        `INSERT INTO absence_requests (enrolment_id, reason) VALUES ($1, $2) RETURNING id`,
        [ok[0].enrolment_id, dto.reason],
      );
      await em.query(
        `INSERT INTO absence_request_sessions (request_id, session_id) SELECT $1, unnest($2::uuid[])`,
        [row.id, ok.map((s) => s.id)],
      );
      await this.audit.record(em, actor, {
        action: 'absence_request.create',
        entityType: 'absence_request',
        entityId: row.id,
        after: { sessionIds: ok.map((s) => s.id), reason: dto.reason },
      });
      return row.id;
    });
    return this.get(id);
  }

  /** The student's own apologies, newest first. */
  async mine(actor: Actor): Promise<AbsenceRequestView[]> {
    const rows: Row[] = await this.dataSource.query(
      `${VIEW_SQL} WHERE e.student_id = $1 ORDER BY r.created_at DESC, r.id`,
      [actor.studentId],
    );
    return rows.map(toView);
  }

  /** Apologies of the cohorts the actor may see (tutors: theirs), oldest pending first. */
  async list(actor: Actor, q: ListAbsenceRequestsQuery): Promise<Page<AbsenceRequestView>> {
    const rows: Row[] = await this.dataSource.query(
      `${VIEW_SQL}
        WHERE ($1::uuid IS NULL OR e.cohort_id = $1) AND ($2::text IS NULL OR r.status = $2)
          AND ${cohortVisibleSql('e.cohort_id', 3, 4)}
        ORDER BY r.status = 'pending' DESC, r.created_at, r.id
        LIMIT $5 OFFSET $6`,
      [q.cohortId ?? null, q.status ?? null, ...scopeParams(actor), q.limit, q.offset],
    );
    return page(rows.map(toView), rows[0] ? Number(rows[0].total) : 0, q);
  }

  async decide(
    actor: Actor,
    id: string,
    decision: 'approved' | 'declined',
    dto: DecideAbsenceRequestDto,
  ): Promise<AbsenceRequestView> {
    await this.dataSource.transaction(async (em) => {
      const [request]: Array<{ status: AbsenceRequestStatus; enrolment_id: string }> =
        await em.query(
          `SELECT r.status, r.enrolment_id FROM absence_requests r JOIN enrolments e ON e.id = r.enrolment_id
          WHERE r.id = $1 AND ${cohortVisibleSql('e.cohort_id', 2, 3)}
            FOR UPDATE OF r`,
          [id, ...scopeParams(actor)],
        );
      if (!request) throw new NotFoundError('Absence request', id);
      if (request.status !== 'pending') {
        throw new ConflictError(
          'absence_request_decided',
          `The apology is already ${request.status}`,
        );
      }
      await em.query(
        `UPDATE absence_requests SET status = $2, decision_comment = $3, decided_by_id = $4,
                decided_at = now() WHERE id = $1`,
        [id, decision, dto.comment || null, actor.userId],
      );
      if (decision === 'approved') {
        await em.query(
          `INSERT INTO attendance_records (session_id, enrolment_id, status, minutes_attended, note, marked_by_id)
           SELECT rs.session_id, $2, 'excused', 0, 'Apology approved', $3
             FROM absence_request_sessions rs WHERE rs.request_id = $1
           ON CONFLICT (session_id, enrolment_id) DO NOTHING`,
          [id, request.enrolment_id, actor.userId],
        );
      }
      await this.audit.record(em, actor, {
        action: `absence_request.${decision === 'approved' ? 'approve' : 'decline'}`,
        entityType: 'absence_request',
        entityId: id,
        before: { status: request.status },
        after: { status: decision, comment: dto.comment || null },
      });
    });
    return this.get(id);
  }

  private async get(id: string): Promise<AbsenceRequestView> {
    const rows: Row[] = await this.dataSource.query(`${VIEW_SQL} WHERE r.id = $1`, [id]);
    if (!rows[0]) throw new NotFoundError('Absence request', id);
    return toView(rows[0]);
  }
}
