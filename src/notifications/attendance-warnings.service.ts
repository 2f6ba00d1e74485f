import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { attendanceThreshold } from '../completion/completion-rules';
import { ProgressRecord, ProgressService } from '../progress/progress.service';
import { NotificationsQueue, RiskCheckRef } from './notifications.queue';
import { NewNotification, NotificationsService } from './notifications.service';
import {
  AttendanceWarningFacts,
  studentAttendanceWarningEmail,
  tutorAttendanceWarningEmail,
} from './attendance-warning-email';

/** Advisory-lock namespace: one risk check per cohort at a time. */
const RISK_LOCK_NAMESPACE = 50_003;

export interface RiskCheckResult {
  checked: number;
  crossings: number;
  notifications: number;
}

/**
 * Attendance warnings after a register save. At-risk is the progress service's own flag (max
 * reachable % below the cohort's attendance threshold, or consecutive unexcused absences at the
 * cohort's warning level), so a warning always agrees with what the progress page shows.
 *
 * risk_states holds the last seen state per enrolment. Going from not at risk to at risk is a
 * crossing: it increments `crossings` and writes one warning to the student and one to each of
 * the cohort's tutors, keyed `attendance_warning:<enrolment>:<crossing>:<recipient id>`. Saving
 * the register again while still at risk changes nothing; recovering only records the new state,
 * so a later relapse is a new crossing with new keys. Checks of one cohort take turns (advisory
 * lock), so two saves at once cannot both count the same crossing.
 *
 * A save asks for its check as the outbox asks for an email: `request()` writes the request in
 * the save's transaction (risk_check_requests), `dispatch()` queues it after commit and only logs
 * a Redis failure, and `sweep()` (the worker's notifications sweep) queues again any request no
 * check has answered. So a register saved while Redis is down still gets its warnings.
 */
@Injectable()
export class AttendanceWarningsService {
  private readonly logger = new Logger(AttendanceWarningsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly progress: ProgressService,
    private readonly notifications: NotificationsService,
    private readonly queue: NotificationsQueue,
  ) {}

  /**
   * Records, in the caller's transaction, that the cohort's registers changed and its at-risk
   * states need a check. Each call gets a new version; queue it with dispatch() after commit.
   */
  async request(em: EntityManager, cohortId: string): Promise<RiskCheckRef> {
    const [row]: Array<{ version: number }> = await em.query(
      `INSERT INTO risk_check_requests (cohort_id) VALUES ($1)
       ON CONFLICT (cohort_id) DO UPDATE
          SET requested_version = risk_check_requests.requested_version + 1, requested_at = now()
       RETURNING requested_version AS version`,
      [cohortId],
    );
    return { cohortId, version: row.version };
  }

  /** After commit. A Redis failure loses nothing (the request is in PostgreSQL): logged only. */
  async dispatch(request: RiskCheckRef): Promise<void> {
    try {
      await this.queue.riskCheck([request]);
    } catch (error) {
      this.logger.warn(
        `Could not queue the at-risk check of cohort ${request.cohortId}; the notifications sweep will: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Scheduled with the outbox sweep: queue again every request that no check has answered for
   * `minAgeSeconds` (its job was lost with Redis, or never queued).
   */
  async sweep(minAgeSeconds: number): Promise<number> {
    const rows: Array<{ cohort_id: string; version: number }> = await this.dataSource.query(
      `SELECT cohort_id, requested_version AS version FROM risk_check_requests
        WHERE requested_version > checked_version
          AND requested_at < now() - make_interval(secs => $1)
        ORDER BY requested_at LIMIT 500`,
      [minAgeSeconds],
    );
    if (rows.length) {
      await this.queue.recheck(rows.map((r) => ({ cohortId: r.cohort_id, version: r.version })));
      this.logger.log(`Risk check sweep queued ${rows.length} cohort(s)`);
    }
    return rows.length;
  }

  async check(cohortId: string): Promise<RiskCheckResult> {
    const result = await this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        RISK_LOCK_NAMESPACE,
        cohortId,
      ]);
      // Read before measuring (without a lock, so saves are not held up): every save up to this
      // version has committed and is measured below; a later one has a higher version, so its
      // request stays pending for the next check.
      const [request]: Array<{ version: number }> = await em.query(
        'SELECT requested_version AS version FROM risk_check_requests WHERE cohort_id = $1',
        [cohortId],
      );
      const answer = async () => {
        if (!request) return;
        await em.query(
          `UPDATE risk_check_requests SET checked_version = greatest(checked_version, $2)
            WHERE cohort_id = $1`,
          [cohortId, request.version],
        );
      };
      const records = await this.progress.load(
        { cohortIds: [cohortId], statuses: ['enrolled'] },
        em,
      );
      if (records.length === 0) {
        await answer();
        return { checked: 0, crossed: [], ids: [] };
      }
      const enrolmentIds = records.map((r) => r.view.enrolmentId);
      const prior: Array<{ enrolment_id: string; at_risk: boolean; crossings: number }> =
        await em.query(
          `SELECT enrolment_id, at_risk, crossings FROM risk_states
            WHERE enrolment_id = ANY($1::uuid[]) FOR UPDATE`,
          [enrolmentIds],
        );
      const before = new Map(prior.map((p) => [p.enrolment_id, p]));
      const changed: Array<{ id: string; atRisk: boolean; crossings: number }> = [];
      const crossed: Array<{ record: ProgressRecord; crossing: number }> = [];
      for (const record of records) {
        const was = before.get(record.view.enrolmentId);
        const atRisk = record.view.atRisk;
        if (was && was.at_risk === atRisk) continue;
        const crossing = (was?.crossings ?? 0) + (atRisk ? 1 : 0);
        changed.push({ id: record.view.enrolmentId, atRisk, crossings: crossing });
        if (atRisk) crossed.push({ record, crossing });
      }
      if (changed.length) {
        await em.query(
          `INSERT INTO risk_states (enrolment_id, at_risk, crossings, updated_at)
           SELECT id, at_risk, crossings, now()
             FROM unnest($1::uuid[], $2::boolean[], $3::int[]) AS x(id, at_risk, crossings)
           ON CONFLICT (enrolment_id) DO UPDATE
              SET at_risk = EXCLUDED.at_risk, crossings = EXCLUDED.crossings, updated_at = now()`,
          [changed.map((c) => c.id), changed.map((c) => c.atRisk), changed.map((c) => c.crossings)],
        );
      }
      const ids = crossed.length
        ? await this.notifications.enqueue(em, await this.warnings(em, cohortId, crossed))
        : [];
      await answer();
      return { checked: records.length, crossed, ids };
    });
    if (result.crossed.length) {
      this.logger.log(
        `Risk check of cohort ${cohortId}: ${result.crossed.length} enrolment(s) newly at risk`,
      );
    }
    await this.notifications.dispatch(result.ids);
    return {
      checked: result.checked,
      crossings: result.crossed.length,
      notifications: result.ids.length,
    };
  }

  private async warnings(
    em: Pick<DataSource, 'query'>,
    cohortId: string,
    crossed: Array<{ record: ProgressRecord; crossing: number }>,
  ): Promise<NewNotification[]> {
    const [context]: Array<{
      cohort_name: string;
      course_title: string;
      tutors: Array<{ id: string; email: string; name: string | null }>;
    }> = await em.query(
      `SELECT c.name AS cohort_name, co.title AS course_title,
              COALESCE((SELECT json_agg(json_build_object('id', u.id, 'email', u.email, 'name', u.display_name)
                                        ORDER BY u.email)
                          FROM cohort_tutors ct JOIN users u ON u.id = ct.user_id
                         WHERE ct.cohort_id = c.id AND u.role = 'tutor'), '[]'::json) AS tutors
         FROM cohorts c JOIN courses co ON co.id = c.course_id WHERE c.id = $1`,
      [cohortId],
    );
    const students: Array<{
      enrolment_id: string;
      student_id: string;
      email: string;
      given_name: string;
    }> = await em.query(
      `SELECT e.id AS enrolment_id, st.id AS student_id, st.email, st.given_name
           FROM enrolments e JOIN students st ON st.id = e.student_id
          WHERE e.id = ANY($1::uuid[]) AND st.erased_at IS NULL`,
      [crossed.map((c) => c.record.view.enrolmentId)],
    );
    const byEnrolment = new Map(students.map((s) => [s.enrolment_id, s]));
    const list: NewNotification[] = [];
    for (const { record, crossing } of crossed) {
      const v = record.view;
      const facts: AttendanceWarningFacts = {
        courseTitle: context.course_title,
        cohortName: context.cohort_name,
        studentName: v.studentName,
        attendancePercent: v.attendance.percent,
        maxReachablePercent: v.attendance.maxReachablePercent,
        consecutiveAbsences: v.attendance.consecutiveAbsences,
        requiredPercent: attendanceThreshold(record.rules),
        reasons: v.atRiskReasons,
      };
      const key = `attendance_warning:${v.enrolmentId}:${crossing}`;
      const student = byEnrolment.get(v.enrolmentId);
      if (student) {
        list.push({
          dedupeKey: `${key}:${student.student_id}`,
          kind: 'attendance_warning',
          recipient: student.email,
          ...studentAttendanceWarningEmail({ ...facts, givenName: student.given_name }),
        });
      }
      for (const tutor of context.tutors) {
        list.push({
          dedupeKey: `${key}:${tutor.id}`,
          kind: 'attendance_warning',
          recipient: tutor.email,
          ...tutorAttendanceWarningEmail({ ...facts, tutorName: tutor.name }),
        });
      }
    }
    return list;
  }
}
