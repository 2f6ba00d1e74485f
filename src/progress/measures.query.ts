import type { BlockFacts, MinuteFacts, OutlookFacts } from '../completion/completion-rules';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';

/**
 * Attendance measures for a set of enrolments, in ONE query (never a query per student or per
 * session). Reusable as a subquery or CTE by other features (reports, notifications):
 *
 *   const m = measuresQuery({ cohortIds }, { firstParam: 3 });
 *   db.query(`SELECT ... FROM (${m.sql}) m JOIN enrolments e ON e.id = m.enrolment_id ...`,
 *            [a, b, ...m.params]);
 *
 * Columns, one row per selected enrolment (even with no sessions at all), all minutes integers:
 *   enrolment_id uuid, cohort_id uuid,
 *   eligible_minutes      contact minutes of the eligible sessions
 *   attended_minutes      minutes_attended of present, late and left_early records
 *   excused_minutes       contact minutes of the eligible sessions marked excused
 *   sessions_eligible, sessions_attended (present, late or left early), sessions_excused
 *   consecutive_absences  unexcused absences (absent, or no record) in the run ending at the
 *                         most recent eligible session; attended or excused breaks the run
 *   remaining_minutes     contact minutes of counting sessions that have not ended yet
 *   blocks json           every block of the cohort, ordered by start date:
 *                         [{ blockId, title, eligibleMinutes, attendedMinutes, excusedMinutes }]
 *
 * Which sessions count for an enrolment: its cohort's mandatory sessions that started on or
 * after the enrolment's date, both read in the cohort's time zone (the session's local start
 * is at or after local midnight of the enrolment day). Of those, the ones that have ENDED
 * (ends_at <= the as-of instant) are eligible; the others are remaining. A record in a session
 * that does not count is ignored. An absence starting at the same instant as the latest
 * attended or excused session is not part of the run.
 *
 * Indexes used: sessions (cohort_id, starts_at), attendance_records (session_id, enrolment_id),
 * blocks (cohort_id, start_date), enrolments (cohort_id, status, ...) or their primary key.
 * Over thousands of enrolments (an export of every cohort) the grouping of the big join spills
 * to disk at the default work_mem of 4 MB; `SET LOCAL work_mem = '64MB'` in the exporting
 * transaction keeps it in memory.
 */
export type MeasuresSelector =
  /** Enrolments of these cohorts; `statuses` narrows them (e.g. the seated ones). */
  | { cohortIds: readonly string[]; statuses?: readonly EnrolmentStatus[] }
  | { enrolmentIds: readonly string[] }
  | { studentId: string };

export interface MeasuresOptions {
  /** Number of the first placeholder ($n) the fragment uses; default 1. */
  firstParam?: number;
  /** Measure as at this instant instead of now() (reports "as at", tests). */
  asOf?: Date;
}

export interface MeasuresRow {
  enrolment_id: string;
  cohort_id: string;
  eligible_minutes: number;
  attended_minutes: number;
  excused_minutes: number;
  sessions_eligible: number;
  sessions_attended: number;
  sessions_excused: number;
  consecutive_absences: number;
  remaining_minutes: number;
  blocks: BlockFacts[];
}

const ATTENDED = `('present', 'late', 'left_early')`;
/** Statuses that end a run of absences. */
const BREAKS_RUN = `('present', 'late', 'left_early', 'excused')`;

export function measuresQuery(
  selector: MeasuresSelector,
  options: MeasuresOptions = {},
): { sql: string; params: unknown[] } {
  let n = options.firstParam ?? 1;
  const params: unknown[] = [];
  const param = (value: unknown, cast: string) => {
    params.push(value);
    return `$${n++}::${cast}`;
  };

  const now = `COALESCE(${param(options.asOf?.toISOString() ?? null, 'timestamptz')}, now())`;
  let where: string;
  if ('cohortIds' in selector) {
    where = `e.cohort_id = ANY(${param([...selector.cohortIds], 'uuid[]')})`;
    if (selector.statuses)
      where += ` AND e.status = ANY(${param([...selector.statuses], 'text[]')})`;
  } else if ('enrolmentIds' in selector) {
    where = `e.id = ANY(${param([...selector.enrolmentIds], 'uuid[]')})`;
  } else {
    where = `e.student_id = ${param(selector.studentId, 'uuid')}`;
  }

  const ended = `s.ends_at <= ${now}`;
  // One pass over enrolment x counting session (x record), hash-aggregated per enrolment and
  // block (block_id null: sessions outside any block); per-enrolment totals roll those groups
  // up. No sort and no window over the big join. The absence run is counted against the
  // cohort's timeline of ended sessions: those after the latest attended or excused one.
  const sql = `
WITH m_enrolments AS (
  SELECT e.id AS enrolment_id, e.cohort_id,
         -- local midnight of the enrolment day, as an instant: sessions starting from it count
         ((e.enrolled_at AT TIME ZONE c.timezone)::date::timestamp AT TIME ZONE c.timezone) AS counts_from
    FROM enrolments e
    JOIN cohorts c ON c.id = e.cohort_id
   WHERE ${where}
),
m_groups AS (
  SELECT x.enrolment_id, x.block_id,
         COALESCE(sum(x.contact_minutes) FILTER (WHERE x.ended), 0) AS eligible_minutes,
         COALESCE(sum(x.minutes_attended) FILTER (WHERE x.ended AND x.status IN ${ATTENDED}), 0)
           AS attended_minutes,
         COALESCE(sum(x.contact_minutes) FILTER (WHERE x.ended AND x.status = 'excused'), 0)
           AS excused_minutes,
         count(*) FILTER (WHERE x.ended) AS sessions_eligible,
         count(*) FILTER (WHERE x.ended AND x.status IN ${ATTENDED}) AS sessions_attended,
         count(*) FILTER (WHERE x.ended AND x.status = 'excused') AS sessions_excused,
         max(x.starts_at) FILTER (WHERE x.ended AND x.status IN ${BREAKS_RUN}) AS last_run_break,
         COALESCE(sum(x.contact_minutes) FILTER (WHERE NOT x.ended), 0) AS remaining_minutes
    FROM (
      SELECT me.enrolment_id, s.block_id, s.starts_at, s.contact_minutes, ${ended} AS ended,
             ar.status, ar.minutes_attended
        FROM m_enrolments me
        JOIN sessions s ON s.cohort_id = me.cohort_id AND s.mandatory AND s.starts_at >= me.counts_from
        LEFT JOIN attendance_records ar ON ar.session_id = s.id AND ar.enrolment_id = me.enrolment_id
    ) x
   GROUP BY x.enrolment_id, x.block_id
),
m_totals AS (
  SELECT enrolment_id,
         sum(eligible_minutes)::int AS eligible_minutes,
         sum(attended_minutes)::int AS attended_minutes,
         sum(excused_minutes)::int AS excused_minutes,
         sum(sessions_eligible)::int AS sessions_eligible,
         sum(sessions_attended)::int AS sessions_attended,
         sum(sessions_excused)::int AS sessions_excused,
         max(last_run_break) AS last_run_break,
         sum(remaining_minutes)::int AS remaining_minutes
    FROM m_groups
   GROUP BY enrolment_id
),
m_blocks AS (
  SELECT me.enrolment_id,
         json_agg(json_build_object(
           'blockId', b.id, 'title', b.title,
           'eligibleMinutes', COALESCE(g.eligible_minutes, 0),
           'attendedMinutes', COALESCE(g.attended_minutes, 0),
           'excusedMinutes', COALESCE(g.excused_minutes, 0)
         ) ORDER BY b.start_date, b.title, b.id) AS blocks
    FROM m_enrolments me
    JOIN blocks b ON b.cohort_id = me.cohort_id
    LEFT JOIN m_groups g ON g.enrolment_id = me.enrolment_id AND g.block_id = b.id
   GROUP BY me.enrolment_id
),
m_timelines AS (
  SELECT s.cohort_id, array_agg(s.starts_at) AS ended_starts
    FROM sessions s
   WHERE s.cohort_id IN (SELECT cohort_id FROM m_enrolments) AND s.mandatory AND ${ended}
   GROUP BY s.cohort_id
)
SELECT me.enrolment_id, me.cohort_id,
       COALESCE(t.eligible_minutes, 0) AS eligible_minutes,
       COALESCE(t.attended_minutes, 0) AS attended_minutes,
       COALESCE(t.excused_minutes, 0) AS excused_minutes,
       COALESCE(t.sessions_eligible, 0) AS sessions_eligible,
       COALESCE(t.sessions_attended, 0) AS sessions_attended,
       COALESCE(t.sessions_excused, 0) AS sessions_excused,
       CASE WHEN t.sessions_eligible > t.sessions_attended + t.sessions_excused THEN (
         SELECT count(*)::int FROM unnest(tl.ended_starts) AS u(starts_at)
          WHERE u.starts_at >= me.counts_from
            AND (t.last_run_break IS NULL OR u.starts_at > t.last_run_break)
       ) ELSE 0 END AS consecutive_absences,
       COALESCE(t.remaining_minutes, 0) AS remaining_minutes,
       COALESCE(mb.blocks, '[]'::json) AS blocks
  FROM m_enrolments me
  LEFT JOIN m_totals t ON t.enrolment_id = me.enrolment_id
  LEFT JOIN m_blocks mb ON mb.enrolment_id = me.enrolment_id
  LEFT JOIN m_timelines tl ON tl.cohort_id = me.cohort_id`;
  return { sql, params };
}

/** The minute facts of a measures row, as the pure rules take them. */
export function outlookFacts(row: MeasuresRow): OutlookFacts {
  return {
    attendedMinutes: row.attended_minutes,
    eligibleMinutes: row.eligible_minutes,
    excusedMinutes: row.excused_minutes,
    remainingMinutes: row.remaining_minutes,
  };
}

export function minuteFacts(row: MeasuresRow): MinuteFacts {
  return {
    attendedMinutes: row.attended_minutes,
    eligibleMinutes: row.eligible_minutes,
    excusedMinutes: row.excused_minutes,
  };
}
