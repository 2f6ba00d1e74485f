import type { Actor } from '../auth/actor';

/**
 * SQL condition "the actor may see cohort `<alias>.id`", for reads that fold the visibility check
 * into their one query: admins (and the system) see every cohort, tutors the cohorts they are
 * assigned to, anyone else none. `$role` and `$user` are the positions of `scopeParams(actor)`.
 */
export function cohortVisibleSql(cohortIdSql: string, role: number, user: number): string {
  return `($${role}::text IN ('admin', 'system')
           OR ($${role}::text = 'tutor' AND EXISTS (
                 SELECT 1 FROM cohort_tutors ct WHERE ct.cohort_id = ${cohortIdSql} AND ct.user_id = $${user}::uuid)))`;
}

export function scopeParams(actor: Actor): [string, string | null] {
  return [actor.role, actor.userId];
}
