/**
 * The status a cohort shows. An administrator may set it by hand (it then stays as set);
 * otherwise it follows the calendar in the cohort's time zone: `enrolling` before the start
 * date, `running` from it, and `completed` once its completion has been evaluated (the
 * evaluation stores `completed`). `archived` is only ever set by hand. Every read of a cohort's
 * status uses this expression, so the rule has one home.
 */
export function cohortStatusSql(alias = 'c'): string {
  const c = alias;
  return `(CASE WHEN ${c}.status_set_by_hand OR ${c}.status IN ('completed', 'archived') THEN ${c}.status
             WHEN (now() AT TIME ZONE ${c}.timezone)::date < ${c}.start_date THEN 'enrolling'
             ELSE 'running' END)`;
}
