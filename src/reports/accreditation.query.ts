import { SEATED_SQL_LIST, SEATED_STATUSES } from '../enrolments/enrolment.entity';
import { measuresQuery } from '../progress/measures.query';
import {
  sqlAttendancePercent,
  sqlAttendanceRatio,
  sqlCommitmentPercent,
  sqlHours,
  sqlRound1,
} from './percent-sql';

/**
 * The reports' SQL. Attendance minutes come from the shared measures query (progress), so the
 * export and the summary count exactly what the progress API counts; only the percentages are
 * computed here, with the SQL twins of the completion-rules functions.
 */

/**
 * One row per enrolment of the given cohorts (every status, waiting list included), in cohort
 * number then family name order. Aliases are the AccreditationRow keys. Dates are rendered as
 * YYYY-MM-DD text in the cohort's time zone (the pg driver would turn a `date` into a local
 * midnight Date). Percentages are float8, so the driver hands them over as numbers.
 *
 * Per-block percentages follow the measures' block order (start date, title, id).
 * Assessment outcomes, the latest completion decision and the latest certificate are
 * correlated lookups on their (enrolment_id, ...) indexes, cheap per streamed row.
 */
export function accreditationExportQuery(cohortIds: readonly string[], asOf?: Date) {
  const m = measuresQuery({ cohortIds }, { firstParam: 1, asOf });
  const blockPercent = sqlAttendancePercent(
    `(x.block->>'attendedMinutes')::int`,
    `(x.block->>'eligibleMinutes')::int`,
    `(x.block->>'excusedMinutes')::int`,
  );
  const sql = `
SELECT c.number AS "cohortNumber",
       c.name AS "cohortName",
       st.given_name AS "givenName",
       st.family_name AS "familyName",
       st.email,
       st.profession,
       st.employer,
       e.route,
       e.status AS "enrolmentStatus",
       to_char(e.enrolled_at AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS "enrolledOn",
       to_char(e.ended_at AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS "endedOn",
       m.sessions_eligible AS "sessionsEligible",
       m.sessions_attended AS "sessionsAttended",
       ${sqlAttendancePercent('m.attended_minutes', 'm.eligible_minutes', 'm.excused_minutes')} AS "attendancePercent",
       ${sqlCommitmentPercent('m.attended_minutes', 'm.eligible_minutes', 'm.excused_minutes')} AS "commitmentPercent",
       ${sqlHours('m.attended_minutes')} AS "attendedHours",
       (SELECT COALESCE(json_agg(${blockPercent} ORDER BY x.ord), '[]'::json)
          FROM json_array_elements(m.blocks) WITH ORDINALITY AS x(block, ord)) AS "blockPercents",
       (SELECT COALESCE(json_object_agg(ar.assessment_code, ar.outcome), '{}'::json)
          FROM assessment_results ar WHERE ar.enrolment_id = e.id) AS assessments,
       d.outcome AS "completionDecision",
       to_char(d.decided_at AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS "decidedOn",
       d.override AS overridden,
       cert.serial AS "certificateSerial",
       cert.status AS "certificateStatus"
  FROM (${m.sql}) m
  JOIN enrolments e ON e.id = m.enrolment_id
  JOIN cohorts c ON c.id = e.cohort_id
  JOIN students st ON st.id = e.student_id
  LEFT JOIN LATERAL (
    SELECT cd.outcome, cd.decided_at, cd.override FROM completion_decisions cd
     WHERE cd.enrolment_id = e.id ORDER BY cd.decided_at DESC, cd.id DESC LIMIT 1) d ON true
  LEFT JOIN LATERAL (
    SELECT ce.serial, ce.status FROM certificates ce
     WHERE ce.enrolment_id = e.id ORDER BY ce.issued_at DESC, ce.created_at DESC, ce.id DESC LIMIT 1) cert ON true
 ORDER BY c.number, st.family_name, st.given_name, e.id`;
  return { sql, params: m.params };
}

/** The raw shape of one summary row (cohort rows, then the course total with total = true). */
export interface SummarySqlRow {
  total: boolean;
  cohortId: string | null;
  number: number | null;
  name: string | null;
  status: string | null;
  startDate: string | null;
  endDate: string | null;
  intake: number;
  seated: number;
  withdrawn: number;
  deferred: number;
  transferred: number;
  completed: number;
  notCompleted: number;
  completionRate: number | null;
  meanAttendancePercent: number | null;
  contactHoursScheduled: number;
  certificatesIssued: number;
}

/**
 * The annual summary of a course's cohorts in one query: one row per cohort, then one course
 * total (total = true). Definitions (docs/reports.md):
 * - intake: enrolments that were ever seated (seated_at set), whatever their status now; a
 *   student transferred from cohort A to B counts in the intake of both;
 * - seated: enrolled + completed + not_completed now; withdrawn/deferred/transferred/completed/
 *   notCompleted: enrolments with that status now;
 * - completionRate: completed / (completed + notCompleted), % with one decimal, null when none;
 * - meanAttendancePercent: mean of the seated enrolments' unrounded attendance % (those with
 *   something measurable), then rounded to one decimal; the total is the mean over every such
 *   enrolment of the course, not a mean of the cohort means;
 * - contactHoursScheduled: contact minutes of all mandatory sessions (ended or not) / 60;
 * - certificatesIssued: certificates with status issued (revoked and superseded ones excluded).
 */
export function accreditationSummaryQuery(cohortIds: readonly string[], asOf?: Date) {
  const m = measuresQuery({ cohortIds, statuses: SEATED_STATUSES }, { firstParam: 2, asOf });
  const sql = `
WITH enrolment_counts AS (
  SELECT e.cohort_id,
         count(*) FILTER (WHERE e.seated_at IS NOT NULL)::int AS intake,
         count(*) FILTER (WHERE e.status IN ${SEATED_SQL_LIST})::int AS seated,
         count(*) FILTER (WHERE e.status = 'withdrawn')::int AS withdrawn,
         count(*) FILTER (WHERE e.status = 'deferred')::int AS deferred,
         count(*) FILTER (WHERE e.status = 'transferred')::int AS transferred,
         count(*) FILTER (WHERE e.status = 'completed')::int AS completed,
         count(*) FILTER (WHERE e.status = 'not_completed')::int AS not_completed
    FROM enrolments e
   WHERE e.cohort_id = ANY($1::uuid[])
   GROUP BY e.cohort_id
),
attendance AS (
  SELECT m.cohort_id,
         sum(${sqlAttendanceRatio('m.attended_minutes', 'm.eligible_minutes', 'm.excused_minutes')}) AS ratio_sum,
         count(${sqlAttendanceRatio('m.attended_minutes', 'm.eligible_minutes', 'm.excused_minutes')})::int AS ratio_n
    FROM (${m.sql}) m
   GROUP BY m.cohort_id
),
scheduled AS (
  SELECT s.cohort_id, sum(s.contact_minutes)::bigint AS minutes
    FROM sessions s
   WHERE s.cohort_id = ANY($1::uuid[]) AND s.mandatory
   GROUP BY s.cohort_id
),
issued AS (
  SELECT ce.cohort_id, count(*)::int AS certificates
    FROM certificates ce
   WHERE ce.cohort_id = ANY($1::uuid[]) AND ce.status = 'issued'
   GROUP BY ce.cohort_id
),
per_cohort AS (
  SELECT c.id, c.number, c.name, c.status, c.start_date, c.end_date,
         COALESCE(ec.intake, 0) AS intake, COALESCE(ec.seated, 0) AS seated,
         COALESCE(ec.withdrawn, 0) AS withdrawn, COALESCE(ec.deferred, 0) AS deferred,
         COALESCE(ec.transferred, 0) AS transferred, COALESCE(ec.completed, 0) AS completed,
         COALESCE(ec.not_completed, 0) AS not_completed,
         COALESCE(a.ratio_sum, 0) AS ratio_sum, COALESCE(a.ratio_n, 0) AS ratio_n,
         COALESCE(sc.minutes, 0) AS minutes, COALESCE(i.certificates, 0) AS certificates
    FROM cohorts c
    LEFT JOIN enrolment_counts ec ON ec.cohort_id = c.id
    LEFT JOIN attendance a ON a.cohort_id = c.id
    LEFT JOIN scheduled sc ON sc.cohort_id = c.id
    LEFT JOIN issued i ON i.cohort_id = c.id
   WHERE c.id = ANY($1::uuid[])
)
SELECT false AS total, id AS "cohortId", number, name, status,
       to_char(start_date, 'YYYY-MM-DD') AS "startDate", to_char(end_date, 'YYYY-MM-DD') AS "endDate",
       intake, seated, withdrawn, deferred, transferred, completed, not_completed AS "notCompleted",
       ${sqlRound1(`100 * completed::float8 / NULLIF(completed + not_completed, 0)`)} AS "completionRate",
       ${sqlRound1(`ratio_sum / NULLIF(ratio_n, 0)`)} AS "meanAttendancePercent",
       ${sqlHours('minutes')} AS "contactHoursScheduled",
       certificates AS "certificatesIssued"
  FROM per_cohort
UNION ALL
SELECT true, NULL, NULL, NULL, NULL, NULL, NULL,
       COALESCE(sum(intake), 0)::int, COALESCE(sum(seated), 0)::int, COALESCE(sum(withdrawn), 0)::int,
       COALESCE(sum(deferred), 0)::int, COALESCE(sum(transferred), 0)::int,
       COALESCE(sum(completed), 0)::int, COALESCE(sum(not_completed), 0)::int,
       ${sqlRound1(`100 * sum(completed)::float8 / NULLIF(sum(completed + not_completed), 0)`)},
       ${sqlRound1(`sum(ratio_sum) / NULLIF(sum(ratio_n), 0)`)},
       ${sqlHours('COALESCE(sum(minutes), 0)')},
       COALESCE(sum(certificates), 0)::int
  FROM per_cohort
 ORDER BY total, number`;
  return { sql, params: [[...cohortIds], ...m.params] };
}
