import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { cohortStatusSql } from '../cohorts/cohort-status';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';

/**
 * Reads the pages need that no service offers in that shape, each one SQL query. Nothing here
 * decides a rule: they only list rows. Seated statuses match SEATED_STATUSES in
 * enrolment.entity.ts. None of these checks visibility: a page calls a scoped service for the
 * same cohort or student first (CohortsService.get, the actor's own studentId).
 */
export interface CohortRow {
  id: string;
  courseId: string;
  number: number;
  name: string;
  status: string;
  startDate: string;
  endDate: string;
  capacity: number;
  courseCode: string;
  courseTitle: string;
  seated: number;
  seatsLeft: number;
  waitlisted: number;
  completed: number;
  notCompleted: number;
}

export interface StudentEnrolmentRow {
  id: string;
  status: string;
  route: string;
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
  warnAfterConsecutiveAbsences: number;
}

export interface StudentSessionRow {
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

export interface SessionRegisterCount {
  sessionId: string;
  /** Seated students with a record for the session. */
  marked: number;
  seated: number;
}

const COHORT_COLUMNS = `
  c.id, c.course_id AS "courseId", c.number, c.name, ${cohortStatusSql('c')} AS status, c.start_date::text AS "startDate", c.end_date::text AS "endDate",
  c.capacity, co.code AS "courseCode", co.title AS "courseTitle",
  count(e.id) FILTER (WHERE e.status IN ('enrolled', 'completed', 'not_completed'))::int AS seated,
  greatest(c.capacity - count(e.id) FILTER (WHERE e.status IN ('enrolled', 'completed', 'not_completed')), 0)::int AS "seatsLeft",
  count(e.id) FILTER (WHERE e.status = 'waitlisted')::int AS waitlisted,
  count(e.id) FILTER (WHERE e.status = 'completed')::int AS completed,
  count(e.id) FILTER (WHERE e.status = 'not_completed')::int AS "notCompleted"`;

@Injectable()
export class WebQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every cohort, newest first, with its seats and waiting list (admins). */
  allCohorts(): Promise<CohortRow[]> {
    return this.db.query(
      `SELECT ${COHORT_COLUMNS}
         FROM cohorts c
         JOIN courses co ON co.id = c.course_id
         LEFT JOIN enrolments e ON e.cohort_id = c.id
        GROUP BY c.id, co.id
        ORDER BY c.start_date DESC, c.number DESC`,
    );
  }

  /** The cohorts a tutor is assigned to, newest first. */
  tutorCohorts(userId: string): Promise<CohortRow[]> {
    return this.db.query(
      `SELECT ${COHORT_COLUMNS}
         FROM cohorts c
         JOIN cohort_tutors t ON t.cohort_id = c.id AND t.user_id = $1
         JOIN courses co ON co.id = c.course_id
         LEFT JOIN enrolments e ON e.cohort_id = c.id
        GROUP BY c.id, co.id
        ORDER BY c.start_date DESC, c.number DESC`,
      [userId],
    );
  }

  /** A student's own enrolments with their cohort, newest cohort first. */
  studentEnrolments(studentId: string): Promise<StudentEnrolmentRow[]> {
    return this.db.query(
      `SELECT e.id, e.status, e.route, e.enrolled_at AS "enrolledAt",
              c.id AS "cohortId", c.number AS "cohortNumber", c.name AS "cohortName",
              c.start_date::text AS "startDate", c.end_date::text AS "endDate", c.timezone,
              co.title AS "courseTitle", co.targets_contact_hours AS "targetContactHours",
              c.warn_after_consecutive_absences AS "warnAfterConsecutiveAbsences"
         FROM enrolments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN courses co ON co.id = c.course_id
        WHERE e.student_id = $1
        ORDER BY c.start_date DESC, e.enrolled_at DESC`,
      [studentId],
    );
  }

  /**
   * The sessions of every cohort the student holds a seat in, by block then time: the same
   * selection as SessionsService.studentCalendar (the .ics), which the page offers beside it.
   */
  studentSessions(studentId: string): Promise<StudentSessionRow[]> {
    return this.db.query(
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
      [studentId, SEATED_STATUSES],
    );
  }

  /** How much of each session's register is taken, for a cohort the caller may see. */
  registerCounts(cohortId: string): Promise<SessionRegisterCount[]> {
    return this.db.query(
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
}
