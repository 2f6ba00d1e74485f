import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors';
import type { Actor } from './actor';

/**
 * SQL condition "the actor may see cohort `<cohortIdSql>`", for reads that fold the visibility
 * check into their one query: admins (and the system) see every cohort, tutors the cohorts they
 * are assigned to, anyone else none. `role` and `user` are the placeholder numbers of
 * `scopeParams(actor)`. ScopeService's own checks use it too, so the rule is written once.
 */
export function cohortVisibleSql(cohortIdSql: string, role: number, user: number): string {
  return `($${role}::text IN ('admin', 'system')
           OR ($${role}::text = 'tutor' AND EXISTS (
                 SELECT 1 FROM cohort_tutors ct WHERE ct.cohort_id = ${cohortIdSql} AND ct.user_id = $${user}::uuid)))`;
}

export function scopeParams(actor: Actor): [string, string | null] {
  return [actor.role, actor.userId];
}

/**
 * SQL condition "the actor may see enrolment `<alias>`" (a row of enrolments): whoever may see
 * its cohort, and the student it belongs to. `role`, `user` and `student` are the placeholder
 * numbers of `enrolmentScopeParams(actor)`.
 */
export function enrolmentVisibleSql(
  alias: string,
  role: number,
  user: number,
  student: number,
): string {
  return `(${cohortVisibleSql(`${alias}.cohort_id`, role, user)}
           OR ($${role}::text = 'student' AND ${alias}.student_id = $${student}::uuid))`;
}

export function enrolmentScopeParams(actor: Actor): [string, string | null, string | null] {
  return [actor.role, actor.userId, actor.studentId];
}

/**
 * Who may see what. Admins see everything; tutors see the cohorts they are assigned to (and
 * their enrolments, sessions and students' records there); students see only their own
 * enrolments. Anything else answers 404, never 403, so ids of others' records leak nothing.
 */
@Injectable()
export class ScopeService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Cohort ids a tutor teaches; null means "all" (admin). */
  async tutorCohortIds(actor: Actor): Promise<string[] | null> {
    if (actor.role === 'admin' || actor.role === 'system') return null;
    if (actor.role !== 'tutor') return [];
    const rows: Array<{ cohort_id: string }> = await this.dataSource.query(
      'SELECT cohort_id FROM cohort_tutors WHERE user_id = $1',
      [actor.userId],
    );
    return rows.map((r) => r.cohort_id);
  }

  async assertCohort(actor: Actor, cohortId: string): Promise<void> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM cohorts c WHERE c.id = $1 AND ${cohortVisibleSql('c.id', 2, 3)}`,
      [cohortId, ...scopeParams(actor)],
    );
    if (rows.length === 0) throw new NotFoundError('Cohort', cohortId);
  }

  async assertSession(actor: Actor, sessionId: string): Promise<{ cohortId: string }> {
    const rows: Array<{ cohort_id: string }> = await this.dataSource.query(
      `SELECT s.cohort_id FROM sessions s
        WHERE s.id = $1 AND ${cohortVisibleSql('s.cohort_id', 2, 3)}`,
      [sessionId, ...scopeParams(actor)],
    );
    if (rows.length === 0) throw new NotFoundError('Session', sessionId);
    return { cohortId: rows[0].cohort_id };
  }

  /** Admin: any; tutor: enrolments of their cohorts; student: their own. */
  async assertEnrolment(
    actor: Actor,
    enrolmentId: string,
  ): Promise<{ cohortId: string; studentId: string }> {
    const rows: Array<{ cohort_id: string; student_id: string }> = await this.dataSource.query(
      `SELECT e.cohort_id, e.student_id FROM enrolments e
        WHERE e.id = $1 AND ${enrolmentVisibleSql('e', 2, 3, 4)}`,
      [enrolmentId, ...enrolmentScopeParams(actor)],
    );
    if (rows.length === 0) throw new NotFoundError('Enrolment', enrolmentId);
    return { cohortId: rows[0].cohort_id, studentId: rows[0].student_id };
  }

  /** Admin: any; tutor: students enrolled in one of their cohorts; student: themself. */
  async assertStudent(actor: Actor, studentId: string): Promise<void> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM students st
        WHERE st.id = $1
          AND ($2 IN ('admin', 'system')
               OR ($2 = 'student' AND st.id = $4)
               OR ($2 = 'tutor' AND EXISTS (
                    SELECT 1 FROM enrolments e JOIN cohort_tutors t ON t.cohort_id = e.cohort_id
                     WHERE e.student_id = st.id AND t.user_id = $3)))`,
      [studentId, actor.role, actor.userId, actor.studentId],
    );
    if (rows.length === 0) throw new NotFoundError('Student', studentId);
  }
}
