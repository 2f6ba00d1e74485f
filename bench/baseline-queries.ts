import {
  attendancePercent,
  attendanceThreshold,
  commitmentPercent,
  CompletionFacts,
  CompletionRule,
  evaluateCompletion,
  isAtRisk,
  maxReachablePercent,
  round1,
} from '../src/completion/completion-rules';

/**
 * The raw baseline's own SQL: the least a bare server must ask PostgreSQL to give the same
 * answers as the API, each a named prepared statement. Written here, not built by the
 * services' code, so the baseline is the limit of node:http + pg on this data, not a copy of
 * whatever the service does. The arithmetic (minutes, runs of absences) is done in JavaScript
 * over the enrolment's counting sessions; the completion rules are the product's pure
 * functions, which define the answer.
 */

/** The signed-in user by primary key, as GET /me answers it. */
export const ME_SQL = `
SELECT u.id, u.email, u.role, u.display_name AS "displayName", u.student_id AS "studentId",
       u.created_at AS "createdAt", u.password_set AS "passwordSet",
       u.disabled_at IS NOT NULL AS disabled,
       COALESCE((SELECT array_agg(ct.cohort_id ORDER BY ct.cohort_id) FROM cohort_tutors ct
                  WHERE ct.user_id = u.id), '{}') AS "cohortIds"
  FROM users u WHERE u.id = $1`;

const PROGRESS_COLUMNS = `
SELECT e.id AS enrolment_id, e.cohort_id, e.status, e.student_id,
       concat_ws(' ', st.given_name, st.family_name) AS student_name,
       c.name AS cohort_name, c.completion_rules, c.warn_after_consecutive_absences AS warn_after,
       co.assessments AS definitions,
       (SELECT json_agg(json_build_array(r.assessment_code, r.outcome, r.attempt))
          FROM assessment_results r WHERE r.enrolment_id = e.id) AS results,
       (SELECT json_build_object('id', ce.id, 'serial', ce.serial, 'status', ce.status,
                                 'onPaper', ce.on_paper)
          FROM certificates ce WHERE ce.enrolment_id = e.id
         ORDER BY (ce.status = 'issued') DESC, ce.issued_at DESC LIMIT 1) AS certificate,
       (SELECT json_build_array(COALESCE(sum(sl.minutes) FILTER (WHERE sl.status = 'approved'), 0),
                                COALESCE(sum(sl.minutes) FILTER (WHERE sl.status = 'submitted'), 0))
          FROM study_log_entries sl WHERE sl.enrolment_id = e.id) AS study,
       co.targets_independent_hours AS independent_target,
       (SELECT json_agg(json_build_array(b.id, b.title) ORDER BY b.start_date, b.title, b.id)
          FROM blocks b WHERE b.cohort_id = e.cohort_id) AS blocks,
       (SELECT json_agg(json_build_array(s.block_id, extract(epoch FROM s.starts_at), s.contact_minutes,
                                         s.ends_at <= now(), ar.status, ar.minutes_attended))
          FROM sessions s
          LEFT JOIN attendance_records ar ON ar.session_id = s.id AND ar.enrolment_id = e.id
         WHERE s.cohort_id = e.cohort_id AND s.mandatory AND s.cancelled_at IS NULL
           AND s.starts_at >= ((e.enrolled_at AT TIME ZONE c.timezone)::date::timestamp
                               AT TIME ZONE c.timezone)) AS sessions
  FROM enrolments e
  JOIN cohorts c ON c.id = e.cohort_id
  JOIN students st ON st.id = e.student_id
  JOIN courses co ON co.id = c.course_id`;
const PROGRESS_ORDER = `ORDER BY c.start_date, st.family_name, st.given_name, e.id`;

export const STUDENT_PROGRESS_SQL = `${PROGRESS_COLUMNS} WHERE e.student_id = $1 ${PROGRESS_ORDER}`;
export const COHORT_PROGRESS_SQL = `${PROGRESS_COLUMNS}
 WHERE e.cohort_id = $1 AND e.status IN ('enrolled', 'completed', 'not_completed') ${PROGRESS_ORDER}`;
export const COHORT_EXISTS_SQL = `SELECT 1 FROM cohorts WHERE id = $1`;

/** Every seated enrolment of the session's cohort with its record, if the actor may see it. */
export const REGISTER_SQL = `
SELECT s.id, s.cohort_id, s.title, s.starts_at, s.ends_at, s.contact_minutes, s.mandatory,
       e.id AS enrolment_id, e.student_id, st.given_name, st.family_name, e.status AS enrolment_status,
       s.starts_at >= ((e.enrolled_at AT TIME ZONE c.timezone)::date::timestamp AT TIME ZONE c.timezone) AS counts,
       ar.id AS record_id, ar.status AS record_status, ar.minutes_attended, ar.note,
       ar.marked_by_id, ar.marked_at, COALESCE(u.display_name, u.email) AS marked_by_name,
       ar.checked_in_at
  FROM sessions s
  JOIN cohorts c ON c.id = s.cohort_id
  LEFT JOIN enrolments e ON e.cohort_id = s.cohort_id AND e.status IN ('enrolled', 'completed', 'not_completed')
  LEFT JOIN students st ON st.id = e.student_id
  LEFT JOIN attendance_records ar ON ar.session_id = s.id AND ar.enrolment_id = e.id
  LEFT JOIN users u ON u.id = ar.marked_by_id
 WHERE s.id = $1
   AND ($2 = 'admin' OR EXISTS (SELECT 1 FROM cohort_tutors t WHERE t.cohort_id = s.cohort_id AND t.user_id = $3))
 ORDER BY st.family_name, st.given_name, e.id`;

/** Locks the session (serialising saves) and answers which of the given enrolments are seated. */
export const REGISTER_LOCK_SQL = `
SELECT s.contact_minutes,
       ARRAY(SELECT e.id FROM enrolments e
              WHERE e.cohort_id = s.cohort_id AND e.id = ANY($2::uuid[])
                AND e.status IN ('enrolled', 'completed', 'not_completed')) AS seated
  FROM sessions s
 WHERE s.id = $1
   AND ($3 = 'admin' OR EXISTS (SELECT 1 FROM cohort_tutors t WHERE t.cohort_id = s.cohort_id AND t.user_id = $4))
   FOR NO KEY UPDATE OF s`;

/** The upsert of the changed records, answering each written record and the one it replaced. */
export const REGISTER_UPSERT_SQL = `
WITH cur AS (
  SELECT ar.* FROM attendance_records ar WHERE ar.session_id = $1 AND ar.enrolment_id = ANY($2::uuid[])
), written AS (
  INSERT INTO attendance_records AS ar
         (session_id, enrolment_id, status, minutes_attended, note, marked_by_id, marked_at)
  SELECT $1, i.enrolment_id, i.status, i.minutes_attended, cur.note, $5, now()
    FROM unnest($2::uuid[], $3::text[], $4::int[]) AS i(enrolment_id, status, minutes_attended)
    LEFT JOIN cur ON cur.enrolment_id = i.enrolment_id
  ON CONFLICT (session_id, enrolment_id) DO UPDATE
     SET status = EXCLUDED.status, minutes_attended = EXCLUDED.minutes_attended,
         marked_by_id = EXCLUDED.marked_by_id, marked_at = EXCLUDED.marked_at
   WHERE (ar.status, ar.minutes_attended) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.minutes_attended)
  RETURNING ar.id, ar.enrolment_id, ar.status, ar.minutes_attended, ar.note, ar.marked_by_id, ar.marked_at
)
SELECT w.*, cur.status AS before_status, cur.minutes_attended AS before_minutes,
       cur.note AS before_note, cur.marked_by_id AS before_marked_by_id, cur.marked_at AS before_marked_at
  FROM written w LEFT JOIN cur ON cur.enrolment_id = w.enrolment_id`;

export const AUDIT_SQL = `
INSERT INTO audit_events (actor_id, actor_role, action, entity_type, entity_id, before, after, request_id)
SELECT $1, $2, 'attendance.marked', 'attendance_record', a.entity_id, a.before, a.after, $3
  FROM unnest($4::uuid[], $5::jsonb[], $6::jsonb[]) AS a(entity_id, before, after)`;

type SessionTuple = [string | null, number, number, boolean, string | null, number | null];

export interface ProgressSqlRow {
  enrolment_id: string;
  cohort_id: string;
  status: string;
  student_id: string;
  student_name: string;
  cohort_name: string;
  completion_rules: CompletionRule[] | null;
  warn_after: number;
  definitions: Array<{ code: string; title: string; required: boolean }>;
  results: Array<[string, Outcome, number]> | null;
  certificate: unknown;
  /** Approved and submitted minutes of the independent study log. */
  study: [number, number];
  independent_target: number;
  blocks: Array<[string, string]> | null;
  sessions: SessionTuple[] | null;
}

type Outcome = CompletionFacts['assessments'][string];

const ATTENDED = new Set(['present', 'late', 'left_early']);
const hours = (minutes: number) => round1(minutes / 60);

/** The progress view of one row, exactly as GET /me/progress answers it. */
export function progressView(row: ProgressSqlRow) {
  const perBlock = new Map<string, { eligible: number; attended: number; excused: number }>();
  let eligible = 0;
  let attended = 0;
  let excused = 0;
  let remaining = 0;
  let nEligible = 0;
  let nAttended = 0;
  let nExcused = 0;
  let lastBreak = -Infinity;
  const endedStarts: number[] = [];
  for (const [blockId, startsAt, minutes, ended, status, minutesAttended] of row.sessions ?? []) {
    if (!ended) {
      remaining += minutes;
      continue;
    }
    endedStarts.push(startsAt);
    nEligible++;
    eligible += minutes;
    let block = blockId ? perBlock.get(blockId) : undefined;
    if (blockId && !block)
      perBlock.set(blockId, (block = { eligible: 0, attended: 0, excused: 0 }));
    if (block) block.eligible += minutes;
    if (status && ATTENDED.has(status)) {
      nAttended++;
      attended += minutesAttended ?? 0;
      if (block) block.attended += minutesAttended ?? 0;
    } else if (status === 'excused') {
      nExcused++;
      excused += minutes;
      if (block) block.excused += minutes;
    }
    if ((status && ATTENDED.has(status)) || status === 'excused') {
      if (startsAt > lastBreak) lastBreak = startsAt;
    }
  }
  const consecutiveAbsences =
    nEligible > nAttended + nExcused ? endedStarts.filter((s) => s > lastBreak).length : 0;
  const blocks = (row.blocks ?? []).map(([blockId, title]) => {
    const b = perBlock.get(blockId) ?? { eligible: 0, attended: 0, excused: 0 };
    return {
      blockId,
      title,
      eligibleMinutes: b.eligible,
      attendedMinutes: b.attended,
      excusedMinutes: b.excused,
    };
  });
  const outcomes: Record<string, Outcome> = {};
  const attempts: Record<string, number> = {};
  for (const [code, outcome, attempt] of row.results ?? []) {
    outcomes[code] = outcome;
    attempts[code] = attempt;
  }
  const minutes = { attendedMinutes: attended, eligibleMinutes: eligible, excusedMinutes: excused };
  const rules = row.completion_rules ?? [];
  const evaluation = evaluateCompletion(rules, {
    ...minutes,
    ...(rules.some((r) => r.type === 'min_independent_hours')
      ? { approvedStudyMinutes: row.study[0] }
      : {}),
    blocks,
    assessments: outcomes,
    requiredAssessmentCodes: row.definitions.filter((d) => d.required).map((d) => d.code),
  });
  const outlook = { ...minutes, remainingMinutes: remaining };
  const risk = isAtRisk(
    { ...outlook, consecutiveAbsences },
    attendanceThreshold(rules),
    row.warn_after,
  );
  return {
    enrolmentId: row.enrolment_id,
    cohortId: row.cohort_id,
    cohortName: row.cohort_name,
    studentId: row.student_id,
    studentName: row.student_name,
    status: row.status,
    attendance: {
      percent: attendancePercent(minutes),
      commitmentPercent: commitmentPercent(minutes),
      attendedHours: hours(attended),
      eligibleHours: hours(eligible),
      excusedHours: hours(excused),
      remainingHours: hours(remaining),
      sessionsAttended: nAttended,
      sessionsEligible: nEligible,
      sessionsExcused: nExcused,
      consecutiveAbsences,
      maxReachablePercent: maxReachablePercent(outlook),
    },
    blocks: blocks.map((b) => ({
      blockId: b.blockId,
      title: b.title,
      percent: attendancePercent(b),
      attendedHours: hours(b.attendedMinutes),
      eligibleHours: hours(b.eligibleMinutes),
    })),
    assessments: row.definitions.map((d) => ({
      code: d.code,
      title: d.title,
      required: d.required,
      outcome: outcomes[d.code] ?? null,
      attempt: attempts[d.code] ?? null,
    })),
    independentStudy: {
      approvedHours: hours(row.study[0]),
      pendingHours: hours(row.study[1]),
      targetHours: row.independent_target,
    },
    rules: evaluation.results,
    meetsCompletionRules: evaluation.passed,
    atRisk: risk.atRisk,
    atRiskReasons: risk.reasons,
    certificate: row.certificate,
  };
}
