import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { staffAttribution } from '../common/staff-attribution';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import { CertificatesQueue } from '../certificates/certificates.queue';
import { CertificatesService } from '../certificates/certificates.service';
import { ConflictError, NotFoundError } from '../common/errors';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import { EnrolmentsService } from '../enrolments/enrolments.service';
import { ProgressRecord, ProgressService, ProgressView } from '../progress/progress.service';
import type { CompletionFacts, CompletionRule, RuleResult } from './completion-rules';
import type { CompletionOutcome } from './completion-decision.entity';
import { OverrideCompletionDto } from './dto/override-completion.dto';

export interface DecisionView {
  id: string;
  enrolmentId: string;
  outcome: CompletionOutcome;
  override: boolean;
  reason: string | null;
  decidedById: string | null;
  decidedAt: Date;
  rules: CompletionRule[];
  facts: CompletionFacts;
  results: RuleResult[];
}

export interface EvaluationResult {
  /** Seated enrolments decided by the rules, now or by an earlier evaluation (not overrides). */
  evaluated: number;
  completed: number;
  notCompleted: number;
  /** New decision rows: only enrolments still `enrolled` are decided; a re-run stores none. */
  decisionsStored: number;
  /** Enrolments whose status moved. */
  statusChanged: number;
  /** Seated enrolments left alone because an admin override stands. */
  skippedOverridden: number;
  /** Completed enrolments with no certificate yet, whose certificate job was enqueued. */
  certificatesQueued: number;
}

export interface PreviewItem {
  enrolmentId: string;
  studentId: string;
  studentName: string;
  status: EnrolmentStatus;
  /** What the enrolment is after an evaluation now: a decided one keeps its status. */
  outcome: CompletionOutcome | null;
  /** `rules`: decided by this evaluation; `decided`: an earlier one stands; `override`: an admin's. */
  decidedBy: 'rules' | 'decided' | 'override';
  meetsCompletionRules: boolean;
  results: RuleResult[];
  attendance: ProgressView['attendance'];
  /** The facts behind block and assessment results: each block's % and each latest outcome. */
  blocks: ProgressView['blocks'];
  assessments: ProgressView['assessments'];
}

/** What an evaluation would do now, written nowhere. */
export interface CompletionPreview {
  cohortId: string;
  /** When the cohort's last mandatory session ends; evaluation is refused before then. */
  lastMandatorySessionEndsAt: Date | null;
  canEvaluate: boolean;
  evaluated: number;
  completed: number;
  notCompleted: number;
  /** Enrolments still `enrolled` that an evaluation would decide now. */
  toDecide: number;
  skippedOverridden: number;
  /** Completed enrolments holding no certificate, that would get one. */
  certificatesToIssue: number;
  items: PreviewItem[];
}

interface Plan {
  preview: Omit<CompletionPreview, 'cohortId' | 'lastMandatorySessionEndsAt' | 'canEvaluate'>;
  decide: Array<{ record: ProgressRecord; outcome: CompletionOutcome }>;
  toIssue: string[];
}

/**
 * The evaluation's selection, one function for the preview and the decision: enrolments whose
 * standing decision is an override are left alone; enrolments already decided keep their
 * status (only an override changes a decided enrolment); `enrolled` ones are decided now.
 */
function plan(records: ProgressRecord[]): Plan {
  const items: PreviewItem[] = [];
  const decide: Plan['decide'] = [];
  const toIssue: string[] = [];
  for (const r of records) {
    const v = r.view;
    const decidedNow = !r.overridden && v.status === 'enrolled';
    const outcome: CompletionOutcome | null = decidedNow
      ? v.meetsCompletionRules
        ? 'completed'
        : 'not_completed'
      : v.status === 'completed' || v.status === 'not_completed'
        ? v.status
        : null;
    if (decidedNow && outcome) decide.push({ record: r, outcome });
    if (!r.overridden && outcome === 'completed' && !r.hasCertificate) toIssue.push(v.enrolmentId);
    items.push({
      enrolmentId: v.enrolmentId,
      studentId: v.studentId,
      studentName: v.studentName,
      status: v.status,
      outcome,
      decidedBy: r.overridden ? 'override' : decidedNow ? 'rules' : 'decided',
      meetsCompletionRules: v.meetsCompletionRules,
      results: v.rules,
      attendance: v.attendance,
      blocks: v.blocks,
      assessments: v.assessments,
    });
  }
  const ruled = items.filter((i) => i.decidedBy !== 'override');
  const completed = ruled.filter((i) => i.outcome === 'completed').length;
  return {
    preview: {
      evaluated: ruled.length,
      completed,
      notCompleted: ruled.length - completed,
      toDecide: decide.length,
      skippedOverridden: items.length - ruled.length,
      certificatesToIssue: toIssue.length,
      items,
    },
    decide,
    toIssue,
  };
}

interface DecisionRow {
  id: string;
  enrolment_id: string;
  outcome: CompletionOutcome;
  override: boolean;
  reason: string | null;
  decided_by_id: string | null;
  decided_at: Date;
  rules: CompletionRule[];
  facts: CompletionFacts;
  results: RuleResult[];
}

const DECISION_COLUMNS = `id, enrolment_id, outcome, override, reason, decided_by_id, decided_at,
                          rules, facts, results`;

function decisionView(r: DecisionRow): DecisionView {
  return {
    id: r.id,
    enrolmentId: r.enrolment_id,
    outcome: r.outcome,
    override: r.override,
    reason: r.reason,
    decidedById: r.decided_by_id,
    decidedAt: r.decided_at,
    rules: r.rules,
    facts: r.facts,
    results: r.results,
  };
}

/**
 * Completion: once the cohort has ended, its rules decide each enrolled student on facts
 * measured in SQL; every decision is stored with the rules, facts and per-rule results it was
 * taken on, and every status change goes through EnrolmentsService.transition. A decided
 * enrolment changes only by an admin override, which stands until another replaces it.
 * Certificates are enqueued after commit; the completed status committed with the decision is
 * the request, so if Redis is away the certificates worker's sweep issues them later.
 */
@Injectable()
export class CompletionService {
  private readonly logger = new Logger(CompletionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly progress: ProgressService,
    private readonly enrolments: EnrolmentsService,
    private readonly certificates: CertificatesService,
    private readonly certificateJobs: CertificatesQueue,
  ) {}

  /** What evaluate would do now; writes nothing, may be run at any time. */
  async preview(actor: Actor, cohortId: string): Promise<CompletionPreview> {
    await this.scope.assertCohort(actor, cohortId);
    const last = await this.lastMandatorySession(this.dataSource.manager, cohortId);
    const records = await this.progress.load({ cohortIds: [cohortId], statuses: SEATED_STATUSES });
    return {
      cohortId,
      lastMandatorySessionEndsAt: last?.endsAt ?? null,
      canEvaluate: !last || last.endsAt.getTime() <= Date.now(),
      ...plan(records).preview,
    };
  }

  /**
   * Decides every seated enrolment of the cohort still `enrolled` (a decided one changes only by
   * an override), once the cohort's last mandatory session has ended (409 before). Each status
   * moves through the enrolment transition path (cohort lock, state table, standard audit
   * entry), and the decision row stores the rules, facts and results it was taken on. Safe to
   * re-run: nothing is left to decide, and certificate jobs have deterministic ids.
   */
  async evaluate(actor: Actor, cohortId: string): Promise<EvaluationResult> {
    await this.scope.assertCohort(actor, cohortId);
    const outcome = await this.dataSource.transaction(async (em) => {
      const cohort: unknown[] = await em.query(`SELECT 1 FROM cohorts WHERE id = $1 FOR UPDATE`, [
        cohortId,
      ]);
      if (cohort.length === 0) throw new NotFoundError('Cohort', cohortId);
      const last = await this.lastMandatorySession(em, cohortId);
      if (last && last.endsAt.getTime() > Date.now()) {
        throw new ConflictError(
          'cohort_not_ended',
          `Completion can be evaluated once the cohort's last mandatory session has ended, on ${last.endsOn}`,
        );
      }
      const records = await this.progress.load(
        { cohortIds: [cohortId], statuses: SEATED_STATUSES },
        em,
      );
      const { preview, decide, toIssue } = plan(records);

      const stored: Array<{ id: string; enrolment_id: string }> = decide.length
        ? await em.query(
            `INSERT INTO completion_decisions (enrolment_id, outcome, rules, facts, results, override)
             SELECT x.enrolment_id, x.outcome, x.rules, x.facts, x.results, false
               FROM jsonb_to_recordset($1::jsonb)
                    AS x(enrolment_id uuid, outcome text, rules jsonb, facts jsonb, results jsonb)
             RETURNING id, enrolment_id`,
            [
              JSON.stringify(
                decide.map(({ record, outcome }) => ({
                  enrolment_id: record.view.enrolmentId,
                  outcome,
                  rules: record.rules,
                  facts: record.facts,
                  results: record.view.rules,
                })),
              ),
            ],
          )
        : [];
      // An evaluated cohort shows as completed (see cohorts/cohort-status.ts), whatever was set.
      await em.query(
        `UPDATE cohorts SET status = 'completed', status_set_by_hand = false, updated_at = now()
          WHERE id = $1 AND status <> 'completed'`,
        [cohortId],
      );

      const decisionIds = new Map(stored.map((d) => [d.enrolment_id, d.id]));
      for (const { record, outcome } of decide) {
        await this.enrolments.transition(em, actor, record.view.enrolmentId, outcome, {
          action: 'completion.decided',
          audit: {
            after: {
              outcome,
              override: false,
              decisionId: decisionIds.get(record.view.enrolmentId),
              results: record.view.rules,
            },
          },
        });
      }
      return {
        result: {
          evaluated: preview.evaluated,
          completed: preview.completed,
          notCompleted: preview.notCompleted,
          decisionsStored: stored.length,
          statusChanged: decide.length,
          skippedOverridden: preview.skippedOverridden,
        },
        toIssue,
      };
    });

    const queued = await this.enqueueCertificates(outcome.toIssue);
    return { ...outcome.result, certificatesQueued: queued };
  }

  /**
   * An admin's decision with a reason; it stands against later evaluations until another
   * override replaces it. The same override twice stores one decision.
   */
  async override(
    actor: Actor,
    enrolmentId: string,
    dto: OverrideCompletionDto,
  ): Promise<DecisionView & { enrolmentStatus: EnrolmentStatus }> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    const reason = dto.reason.trim();
    const done = await this.dataSource.transaction(async (em) => {
      // Read without a lock: the transition below locks the cohort before the enrolment (the
      // order every change keeps) and checks the status again under that lock.
      const [enrolment]: Array<{ status: EnrolmentStatus }> = await em.query(
        `SELECT status FROM enrolments WHERE id = $1`,
        [enrolmentId],
      );
      if (!enrolment) throw new NotFoundError('Enrolment', enrolmentId);
      if (!SEATED_STATUSES.includes(enrolment.status)) {
        throw new ConflictError(
          'enrolment_not_seated',
          `Completion cannot be decided for an enrolment that is ${enrolment.status}`,
        );
      }
      const [latest]: DecisionRow[] = await em.query(
        `SELECT ${DECISION_COLUMNS} FROM completion_decisions WHERE enrolment_id = $1
          ORDER BY decided_at DESC, id DESC LIMIT 1`,
        [enrolmentId],
      );
      if (
        latest?.override &&
        latest.outcome === dto.outcome &&
        latest.reason === reason &&
        enrolment.status === dto.outcome
      ) {
        return { decision: latest, status: enrolment.status, issue: false };
      }
      const [record] = await this.progress.load({ enrolmentIds: [enrolmentId] }, em);

      const [decision]: DecisionRow[] = await em.query(
        `INSERT INTO completion_decisions
                (enrolment_id, outcome, rules, facts, results, override, reason, decided_by_id)
         VALUES ($1, $2, $3, $4, $5, true, $6, $7)
         RETURNING ${DECISION_COLUMNS}`,
        [
          enrolmentId,
          dto.outcome,
          JSON.stringify(record.rules),
          JSON.stringify(record.facts),
          JSON.stringify(record.view.rules),
          reason,
          actor.userId,
        ],
      );
      const audit = {
        before: {
          status: enrolment.status,
          decisionId: latest?.id ?? null,
          outcome: latest?.outcome ?? null,
          override: latest?.override ?? null,
        },
        after: {
          status: dto.outcome,
          decisionId: decision.id,
          outcome: dto.outcome,
          override: true,
          reason,
          rulesPassed: record.view.meetsCompletionRules,
        },
      };
      if (enrolment.status !== dto.outcome) {
        await this.enrolments.transition(em, actor, enrolmentId, dto.outcome, {
          override: true,
          action: 'completion.overridden',
          audit,
        });
        if (dto.outcome === 'not_completed') {
          await this.certificates.revokeIssuedIn(em, actor, enrolmentId, reason);
        }
      } else {
        // The status stands; the override is still on the record, beside the decision row.
        await this.audit.record(em, actor, {
          action: 'completion.overridden',
          entityType: 'enrolment',
          entityId: enrolmentId,
          ...audit,
        });
      }
      return {
        decision,
        status: dto.outcome as EnrolmentStatus,
        issue: dto.outcome === 'completed' && !record.hasCertificate,
      };
    });

    if (done.issue) await this.enqueueCertificates([enrolmentId]);
    return { ...decisionView(done.decision), enrolmentStatus: done.status };
  }

  /** Every decision of the enrolment, the standing one first. */
  async decisions(
    actor: Actor,
    enrolmentId: string,
  ): Promise<{ enrolmentId: string; items: DecisionView[]; total: number }> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    const rows: DecisionRow[] = await this.dataSource.query(
      `SELECT ${DECISION_COLUMNS} FROM completion_decisions WHERE enrolment_id = $1
        ORDER BY decided_at DESC, id DESC`,
      [enrolmentId],
    );
    // Students see who decided only as "the course team": no staff user ids.
    const items = rows.map(decisionView).map((d) => ({
      ...d,
      decidedById: staffAttribution(actor, { id: d.decidedById, displayName: null, email: null })
        .id,
    }));
    return { enrolmentId, items, total: rows.length };
  }

  /** The end of the cohort's last mandatory session, and its date in the cohort's time zone. */
  private async lastMandatorySession(
    db: Pick<DataSource, 'query'>,
    cohortId: string,
  ): Promise<{ endsAt: Date; endsOn: string } | null> {
    const [row]: Array<{ endsAt: Date | null; endsOn: string | null }> = await db.query(
      `SELECT max(s.ends_at) AS "endsAt",
              to_char(max(s.ends_at) AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS "endsOn"
         FROM cohorts c LEFT JOIN sessions s ON s.cohort_id = c.id AND s.mandatory
        WHERE c.id = $1
        GROUP BY c.timezone`,
      [cohortId],
    );
    return row?.endsAt && row.endsOn ? { endsAt: row.endsAt, endsOn: row.endsOn } : null;
  }

  /** Returns how many were enqueued; 0 when Redis is away (the worker's sweep catches up). */
  private async enqueueCertificates(enrolmentIds: string[]): Promise<number> {
    if (enrolmentIds.length === 0) return 0;
    try {
      await this.certificateJobs.issue(enrolmentIds);
      return enrolmentIds.length;
    } catch (error) {
      this.logger.warn(
        { err: error, count: enrolmentIds.length },
        'Could not enqueue certificate jobs; the certificates sweep will issue them',
      );
      return 0;
    }
  }
}
