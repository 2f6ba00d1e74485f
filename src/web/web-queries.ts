import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Reads for the first pages, each one SQL query. They stand in until the cohorts and progress
 * services offer the same lists (then the pages should call those): nothing here decides a
 * rule, they only list rows. Seated statuses match SEATED_STATUSES in enrolment.entity.ts.
 */
export interface CohortRow {
  id: string;
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
  courseTitle: string;
}

const COHORT_COLUMNS = `
  c.id, c.number, c.name, c.status, c.start_date::text AS "startDate", c.end_date::text AS "endDate",
  c.capacity, co.code AS "courseCode", co.title AS "courseTitle",
  count(e.id) FILTER (WHERE e.status IN ('enrolled', 'completed', 'not_completed'))::int AS seated,
  greatest(c.capacity - count(e.id) FILTER (WHERE e.status IN ('enrolled', 'completed', 'not_completed')), 0)::int AS "seatsLeft",
  count(e.id) FILTER (WHERE e.status = 'waitlisted')::int AS waitlisted`;

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
              c.start_date::text AS "startDate", c.end_date::text AS "endDate",
              co.title AS "courseTitle"
         FROM enrolments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN courses co ON co.id = c.course_id
        WHERE e.student_id = $1
        ORDER BY c.start_date DESC, e.enrolled_at DESC`,
      [studentId],
    );
  }
}
