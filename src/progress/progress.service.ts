import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CertificateStatus } from '../certificates/certificate.entity';
import { NotFoundError } from '../common/errors';
import {
  attendancePercent,
  AtRiskReason,
  attendanceThreshold,
  commitmentPercent,
  CompletionFacts,
  CompletionRule,
  evaluateCompletion,
  isAtRisk,
  maxReachablePercent,
  round1,
  RuleResult,
} from '../completion/completion-rules';
import type { AssessmentDefinition } from '../courses/course.entity';
import type { AssessmentOutcome } from '../assessments/assessment-result.entity';
import { SEATED_STATUSES, type EnrolmentStatus } from '../enrolments/enrolment.entity';
import { studyMinutesJoin } from '../study-log/study-hours.query';
import { preparedQuery, type Queryable } from '../infrastructure/database/prepared-query';
import {
  measuresQuery,
  MeasuresOptions,
  MeasuresRow,
  MeasuresSelector,
  minuteFacts,
  outlookFacts,
} from './measures.query';

export interface ProgressView {
  enrolmentId: string;
  cohortId: string;
  cohortName: string;
  studentId: string;
  studentName: string;
  status: EnrolmentStatus;
  attendance: {
    percent: number | null;
    commitmentPercent: number | null;
    attendedHours: number;
    eligibleHours: number;
    excusedHours: number;
    remainingHours: number;
    sessionsAttended: number;
    sessionsEligible: number;
    sessionsExcused: number;
    consecutiveAbsences: number;
    maxReachablePercent: number | null;
  };
  blocks: Array<{
    blockId: string;
    title: string;
    percent: number | null;
    attendedHours: number;
    eligibleHours: number;
  }>;
  assessments: Array<{
    code: string;
    title: string;
    required: boolean;
    outcome: AssessmentOutcome | null;
    attempt: number | null;
  }>;
  /** The study log: approved hours count, pending ones await a tutor; target from the course. */
  independentStudy: { approvedHours: number; pendingHours: number; targetHours: number };
  rules: RuleResult[];
  /** Whether every completion rule holds on today's facts (the decision is taken on evaluation). */
  meetsCompletionRules: boolean;
  atRisk: boolean;
  /** Why `atRisk` is true (empty when it is not): the pages and emails explain these. */
  atRiskReasons: AtRiskReason[];
  certificate: {
    id: string;
    serial: string;
    status: CertificateStatus;
    /** Issued on paper before this system: no PDF to download. */
    onPaper: boolean;
  } | null;
}

/** One enrolment's measures with what the rules need; `facts` is what a decision stores. */
export interface ProgressRecord {
  measures: MeasuresRow;
  view: ProgressView;
  rules: CompletionRule[];
  facts: CompletionFacts & { sessionsEligible: number; sessionsAttended: number };
  /** Whether the enrolment holds any certificate (issued, revoked or superseded). */
  hasCertificate: boolean;
  /** Whether the latest completion decision is an admin override. */
  overridden: boolean;
}

interface ContextRow extends MeasuresRow {
  status: EnrolmentStatus;
  student_id: string;
  student_name: string;
  cohort_name: string;
  completion_rules: CompletionRule[];
  warn_after: number;
  definitions: AssessmentDefinition[];
  results: Array<{ code: string; outcome: AssessmentOutcome; attempt: number }>;
  certificate: {
    id: string;
    serial: string;
    status: CertificateStatus;
    /** Issued on paper before this system: no PDF to download. */
    onPaper: boolean;
  } | null;
  has_certificate: boolean;
  overridden: boolean;
  approved_study_minutes: number;
  pending_study_minutes: number;
  independent_target: number;
}

const hours = (minutes: number) => round1(minutes / 60);

export interface CohortAggregate {
  meanAttendancePercent: number | null;
  atRisk: number;
  seated: number;
}

/**
 * Mean attendance % of the seated enrolments with anything measured (mean of exact ratios,
 * rounded once) and how many are at risk: the one home of the cohort's at-risk count.
 */
function cohortAggregateOf(list: readonly ProgressRecord[]): CohortAggregate {
  const ratios = list.flatMap(({ measures: m }) => {
    const denominator = m.eligible_minutes - m.excused_minutes;
    return denominator > 0 ? [(100 * m.attended_minutes) / denominator] : [];
  });
  return {
    meanAttendancePercent:
      ratios.length > 0 ? round1(ratios.reduce((a, b) => a + b, 0) / ratios.length) : null,
    atRisk: list.filter((r) => r.view.atRisk).length,
    seated: list.length,
  };
}

/**
 * Progress of enrolments: attendance measures, blocks, assessments, the cohort's completion
 * rules evaluated on today's facts, and the at-risk flag. Whatever the selection (one
 * enrolment, a student's enrolments, a whole cohort), it is ONE SQL query.
 */
@Injectable()
export class ProgressService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forEnrolment(enrolmentId: string): Promise<ProgressView> {
    const [record] = await this.load({ enrolmentIds: [enrolmentId] });
    if (!record) throw new NotFoundError('Enrolment', enrolmentId);
    return record.view;
  }

  /** Every enrolment of the student, whatever its status, in cohort start order. */
  async forStudent(studentId: string): Promise<ProgressView[]> {
    return (await this.load({ studentId })).map((r) => r.view);
  }

  /** Every seated enrolment of the cohort (enrolled, completed, not completed), by name. */
  async forCohort(cohortId: string): Promise<ProgressView[]> {
    return (await this.load({ cohortIds: [cohortId], statuses: SEATED_STATUSES })).map(
      (r) => r.view,
    );
  }

  /**
   * For the cohort summary: mean attendance % of the seated enrolments with anything measured
   * (mean of exact ratios, rounded once) and how many are at risk.
   */
  async cohortAggregate(cohortId: string): Promise<CohortAggregate> {
    return (
      (await this.cohortAggregates([cohortId])).get(cohortId) ?? {
        meanAttendancePercent: null,
        atRisk: 0,
        seated: 0,
      }
    );
  }

  /** `cohortAggregate` for several cohorts from one progress read (the dashboards' counts). */
  async cohortAggregates(cohortIds: readonly string[]): Promise<Map<string, CohortAggregate>> {
    const out = new Map<string, CohortAggregate>();
    if (cohortIds.length === 0) return out;
    const records = await this.load({ cohortIds, statuses: SEATED_STATUSES });
    const byCohort = new Map<string, ProgressRecord[]>();
    for (const r of records) {
      const list = byCohort.get(r.view.cohortId) ?? [];
      list.push(r);
      byCohort.set(r.view.cohortId, list);
    }
    for (const [cohortId, list] of byCohort) out.set(cohortId, cohortAggregateOf(list));
    return out;
  }

  /**
   * Every seated enrolment's progress and the cohort's aggregate, from one read: a page that
   * lists who is at risk shows the same count as the API's cohort summary, by the same function.
   */
  async forCohortWithAggregate(
    cohortId: string,
  ): Promise<{ progress: ProgressView[]; aggregate: CohortAggregate }> {
    const records = await this.load({ cohortIds: [cohortId], statuses: SEATED_STATUSES });
    return { progress: records.map((r) => r.view), aggregate: cohortAggregateOf(records) };
  }

  /** The student's enrolment in one cohort (whatever its status), or null if they hold none. */
  async forStudentInCohort(studentId: string, cohortId: string): Promise<ProgressView | null> {
    const views = await this.forStudent(studentId);
    return views.find((v) => v.cohortId === cohortId) ?? null;
  }

  /**
   * The one query behind every progress read and the completion evaluation. Pass the
   * transaction's EntityManager as `db` to read inside it.
   */
  async load(
    selector: MeasuresSelector,
    db: Queryable = this.dataSource,
    options: Omit<MeasuresOptions, 'firstParam'> = {},
  ): Promise<ProgressRecord[]> {
    const m = measuresQuery(selector, { ...options, firstParam: 1 });
    // A named prepared statement: planning this query costs several times its execution.
    const rows = await preparedQuery<ContextRow>(
      db,
      `WITH m AS (${m.sql})
       SELECT m.*, e.status, e.student_id,
              concat_ws(' ', st.given_name, st.family_name) AS student_name,
              c.name AS cohort_name, c.completion_rules,
              c.warn_after_consecutive_absences AS warn_after,
              co.assessments AS definitions,
              COALESCE((SELECT json_agg(json_build_object('code', r.assessment_code,
                                 'outcome', r.outcome, 'attempt', r.attempt))
                          FROM assessment_results r WHERE r.enrolment_id = e.id), '[]'::json) AS results,
              (SELECT json_build_object('id', ce.id, 'serial', ce.serial, 'status', ce.status,
                                 'onPaper', ce.on_paper)
                 FROM certificates ce WHERE ce.enrolment_id = e.id
                ORDER BY (ce.status = 'issued') DESC, ce.issued_at DESC LIMIT 1) AS certificate,
              EXISTS (SELECT 1 FROM certificates ce WHERE ce.enrolment_id = e.id) AS has_certificate,
              COALESCE((SELECT d.override FROM completion_decisions d WHERE d.enrolment_id = e.id
                         ORDER BY d.decided_at DESC, d.id DESC LIMIT 1), false) AS overridden,
              study.approved_minutes AS approved_study_minutes,
              study.pending_minutes AS pending_study_minutes,
              co.targets_independent_hours AS independent_target
         FROM m
         JOIN enrolments e ON e.id = m.enrolment_id
         JOIN students st ON st.id = e.student_id
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN courses co ON co.id = c.course_id
         ${studyMinutesJoin('e.id')}
        ORDER BY c.start_date, st.family_name, st.given_name, e.id`,
      m.params,
    );
    return rows.map((row) => this.toRecord(row));
  }

  private toRecord(row: ContextRow): ProgressRecord {
    const outcomes: Record<string, AssessmentOutcome> = {};
    const attempts: Record<string, number> = {};
    for (const r of row.results) {
      outcomes[r.code] = r.outcome;
      attempts[r.code] = r.attempt;
    }
    const rules = row.completion_rules ?? [];
    const facts = {
      ...minuteFacts(row),
      ...(rules.some((r) => r.type === 'min_independent_hours')
        ? { approvedStudyMinutes: row.approved_study_minutes }
        : {}),
      blocks: row.blocks,
      assessments: outcomes,
      requiredAssessmentCodes: row.definitions.filter((d) => d.required).map((d) => d.code),
      sessionsEligible: row.sessions_eligible,
      sessionsAttended: row.sessions_attended,
    };
    const evaluation = evaluateCompletion(rules, facts);
    const outlook = outlookFacts(row);
    const risk = isAtRisk(
      { ...outlook, consecutiveAbsences: row.consecutive_absences },
      attendanceThreshold(rules),
      row.warn_after,
    );
    const view: ProgressView = {
      enrolmentId: row.enrolment_id,
      cohortId: row.cohort_id,
      cohortName: row.cohort_name,
      studentId: row.student_id,
      studentName: row.student_name,
      status: row.status,
      attendance: {
        percent: attendancePercent(facts),
        commitmentPercent: commitmentPercent(facts),
        attendedHours: hours(row.attended_minutes),
        eligibleHours: hours(row.eligible_minutes),
        excusedHours: hours(row.excused_minutes),
        remainingHours: hours(row.remaining_minutes),
        sessionsAttended: row.sessions_attended,
        sessionsEligible: row.sessions_eligible,
        sessionsExcused: row.sessions_excused,
        consecutiveAbsences: row.consecutive_absences,
        maxReachablePercent: maxReachablePercent(outlook),
      },
      blocks: row.blocks.map((b) => ({
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
        approvedHours: hours(row.approved_study_minutes),
        pendingHours: hours(row.pending_study_minutes),
        targetHours: row.independent_target,
      },
      rules: evaluation.results,
      meetsCompletionRules: evaluation.passed,
      atRisk: risk.atRisk,
      atRiskReasons: risk.reasons,
      certificate: row.certificate,
    };
    return {
      measures: row,
      view,
      rules,
      facts,
      hasCertificate: row.has_certificate,
      overridden: row.overridden,
    };
  }
}
