/**
 * Approved and pending (submitted, not yet reviewed) minutes of the independent study log of
 * one enrolment, as a LATERAL join fragment: the one definition of "study hours" that progress,
 * completion, the accreditation export and the annual return all read. Returned entries count
 * for neither.
 *
 *   FROM enrolments e ${studyMinutesJoin('e.id', 'study')}  ->  study.approved_minutes, study.pending_minutes
 */
export function studyMinutesJoin(enrolmentIdExpr: string, alias = 'study'): string {
  return `LEFT JOIN LATERAL (
    SELECT COALESCE(sum(sl.minutes) FILTER (WHERE sl.status = 'approved'), 0)::int AS approved_minutes,
           COALESCE(sum(sl.minutes) FILTER (WHERE sl.status = 'submitted'), 0)::int AS pending_minutes
      FROM study_log_entries sl WHERE sl.enrolment_id = ${enrolmentIdExpr}) ${alias} ON true`;
}
