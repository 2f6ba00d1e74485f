import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { NotFoundError, RuleViolationError } from '../common/errors';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import { AppConfig } from '../infrastructure/config/app-config';
import type { AttendanceStatus } from './attendance-record.entity';
import {
  checkInCode,
  checkInExpiry,
  checkInOutcome,
  checkInStep,
  matchCode,
} from './check-in-rules';

export interface CheckInCodeView {
  sessionId: string;
  code: string;
  expiresAt: Date;
  /** What the QR code holds: the student's check-in page with the session and code filled in. */
  url: string;
}

export interface CheckInResult {
  sessionId: string;
  sessionTitle: string;
  enrolmentId: string;
  status: AttendanceStatus;
  minutesAttended: number;
  checkedInAt: Date;
  /** False when a tutor had already marked the student: their mark stands. */
  recorded: boolean;
}

function refused(code: string, message: string): RuleViolationError {
  return new RuleViolationError(code, message, [{ field: 'code', message }]);
}

/**
 * Self check-in (check-in-rules.ts). A tutor shows the session's rotating code; a signed-in
 * student sends it during the session's window and is marked present, or late with the minutes
 * from their arrival. A mark a tutor already made is never overwritten.
 */
@Injectable()
export class CheckInService {
  private readonly key: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    // A key of its own, derived from the app secret, so codes reveal nothing about sign-in tokens.
    this.key = createHmac('sha256', config.JWT_SECRET).update('pod-check-in-codes').digest('hex');
  }

  async code(actor: Actor, sessionId: string, at = this.clock.now()): Promise<CheckInCodeView> {
    await this.scope.assertSession(actor, sessionId);
    const step = checkInStep(at);
    const code = checkInCode(this.key, sessionId, step);
    const url = new URL('/check-in', this.config.PUBLIC_BASE_URL);
    url.searchParams.set('session', sessionId);
    url.searchParams.set('code', code);
    return { sessionId, code, expiresAt: checkInExpiry(step), url: url.toString() };
  }

  async checkIn(
    actor: Actor,
    input: { code: string; sessionId?: string },
    at = this.clock.now(),
  ): Promise<CheckInResult> {
    // The student's sessions whose window is open around now (or the one named by the QR code).
    const sessions: Array<{
      id: string;
      title: string;
      startsAt: Date;
      endsAt: Date;
      contactMinutes: number;
      enrolmentId: string | null;
    }> = await this.dataSource.query(
      `SELECT s.id, s.title, s.starts_at AS "startsAt", s.ends_at AS "endsAt",
              s.contact_minutes AS "contactMinutes",
              (SELECT e.id FROM enrolments e WHERE e.cohort_id = s.cohort_id AND e.student_id = $1
                  AND e.status = ANY($2::text[]) LIMIT 1) AS "enrolmentId"
         FROM sessions s
        WHERE s.cancelled_at IS NULL
          AND (s.id = $3::uuid
               OR ($3::uuid IS NULL AND s.starts_at <= to_timestamp($4 / 1000.0) + interval '30 minutes'
                   AND s.ends_at > to_timestamp($4 / 1000.0) - interval '10 minutes'
                   AND EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = s.cohort_id
                                 AND e.student_id = $1 AND e.status = ANY($2::text[]))))`,
      [actor.studentId, SEATED_STATUSES, input.sessionId ?? null, at],
    );
    const named = input.sessionId ? sessions[0] : undefined;
    if (input.sessionId && (!named || !named.enrolmentId)) {
      throw refused(
        'check_in_wrong_session',
        'This code is for a session you are not taking part in.',
      );
    }
    const candidates = named ? [named] : sessions;
    const matches = candidates.map((s) => ({
      s,
      match: matchCode(this.key, s.id, input.code, at),
    }));
    const hit = matches.find((m) => m.match === 'current');
    if (!hit) {
      if (matches.some((m) => m.match === 'stale')) {
        throw refused(
          'check_in_code_stale',
          'This code has expired: it changes every 30 seconds. Scan or type the code on the screen now.',
        );
      }
      if (candidates.length === 0) {
        throw refused('check_in_closed', 'None of your sessions is open for check-in now.');
      }
      throw refused(
        'check_in_wrong_code',
        'This code is not the one for your session now. Check the code on the screen and try again.',
      );
    }
    const session = hit.s;
    const outcome = checkInOutcome(session, at);
    if (!outcome.ok) {
      throw refused(
        'check_in_closed',
        outcome.reason === 'not_open_yet'
          ? 'Check-in for this session opens 30 minutes before it starts.'
          : 'Check-in for this session has closed: ask your tutor to mark you.',
      );
    }
    const enrolmentId = session.enrolmentId as string;
    return this.dataSource.transaction(async (em) => {
      const [inserted]: Array<{
        id: string;
        status: AttendanceStatus;
        minutes_attended: number;
        checked_in_at: Date;
      }> = await em.query(
        `INSERT INTO attendance_records
                  (session_id, enrolment_id, status, minutes_attended, marked_by_id, marked_at, checked_in_at)
           VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), to_timestamp($6 / 1000.0))
           ON CONFLICT (session_id, enrolment_id) DO NOTHING
           RETURNING id, status, minutes_attended, checked_in_at`,
        [session.id, enrolmentId, outcome.status, outcome.minutes, actor.userId, at],
      );
      if (inserted) {
        await this.audit.record(em, actor, {
          action: 'attendance.checked_in',
          entityType: 'attendance_record',
          entityId: inserted.id,
          after: {
            sessionId: session.id,
            enrolmentId,
            status: inserted.status,
            minutesAttended: inserted.minutes_attended,
          },
        });
      }
      const [record]: Array<{
        status: AttendanceStatus;
        minutes_attended: number;
        checked_in_at: Date | null;
        marked_at: Date;
      }> = await em.query(
        `SELECT status, minutes_attended, checked_in_at, marked_at FROM attendance_records
            WHERE session_id = $1 AND enrolment_id = $2`,
        [session.id, enrolmentId],
      );
      if (!record) throw new NotFoundError('Attendance record');
      return {
        sessionId: session.id,
        sessionTitle: session.title,
        enrolmentId,
        status: record.status,
        minutesAttended: record.minutes_attended,
        checkedInAt: record.checked_in_at ?? record.marked_at,
        recorded: Boolean(inserted),
      };
    });
  }
}
