import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { staffAttribution } from '../common/staff-attribution';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { CertificatesQueue } from '../certificates/certificates.queue';
import { ConflictError, NotFoundError } from '../common/errors';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import { ProgressService } from '../progress/progress.service';
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
  /** Seated enrolments decided by the rules (those whose latest decision is an override are not). */
  evaluated: number;
  completed: number;
  notCompleted: number;
  /** New decision rows: a re-run on unchanged facts stores none. */
  decisionsStored: number;
  /** Enrolments whose status moved. */
  statusChanged: number;
  /** Seated enrolments left alone because an admin override stands. */
  skippedOverridden: number;
  /** Completed enrolments with no certificate yet, whose certificate job was enqueued. */
  certificatesQueued: number;
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
 * Completion: the cohort's rules decide each seated enrolment on facts measured in SQL; every
 * decision is stored with the rules, facts and per-rule results it was taken on. An admin
 * override stands until another override replaces it. Certificates are enqueued after commit;
 * if Redis is away the decision stands and the certificates worker's sweep issues them later.
 */
@Injectable()
export class CompletionService {
  private readonly logger = new Logger(CompletionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly progress: ProgressService,
    private readonly certificates: CertificatesQueue,
  ) {}

  /**
   * Decides every seated enrolment of the cohort whose latest decision is not an override.
   * Safe to re-run: a decision is stored only when the outcome, rules or facts differ from the
   * enrolment's latest one, statuses move only when they differ, and certificate jobs have
   * deterministic ids (and the database allows one issued certificate per enrolment).
   * Evaluations of one cohort are serialised by a lock on the cohort row.
   */
  async evaluate(actor: Actor, cohortId: string): Promise<EvaluationResult> {
    await this.scope.assertCohort(actor, cohortId);
    const outcome = await this.dataSource.transaction(async (em) => {
      const cohort: unknown[] = await em.query(
        `SELECT 1 FROM cohorts WHERE id = $1 FOR NO KEY UPDATE`,
        [cohortId],
      );
      if (cohort.length === 0) throw new NotFoundError('Cohort', cohortId);
      const locked: Array<{ id: string; status: EnrolmentStatus }> = await em.query(
        `SELECT id, status FROM enrolments WHERE cohort_id = $1 AND status = ANY($2::text[])
          ORDER BY id FOR NO KEY UPDATE`,
        [cohortId, SEATED_STATUSES],
      );
      const statusBefore = new Map(locked.map((e) => [e.id, e.status]));

      const records = await this.progress.load(
        { cohortIds: [cohortId], statuses: SEATED_STATUSES },
        em,
      );
      const decided = records
        .filter((r) => !r.overridden)
        .map((r) => {
          const outcome: CompletionOutcome = r.view.meetsCompletionRules
            ? 'completed'
            : 'not_completed';
          return { record: r, outcome };
        });

      const stored: Array<{ id: string; enrolment_id: string }> = decided.length
        ? await em.query(
            `WITH input AS (
               SELECT * FROM jsonb_to_recordset($1::jsonb)
                        AS x(enrolment_id uuid, outcome text, rules jsonb, facts jsonb, results jsonb)
             ),
             latest AS (
               SELECT DISTINCT ON (d.enrolment_id) d.*
                 FROM completion_decisions d
                WHERE d.enrolment_id IN (SELECT enrolment_id FROM input)
                ORDER BY d.enrolment_id, d.decided_at DESC, d.id DESC
             )
             INSERT INTO completion_decisions (enrolment_id, outcome, rules, facts, results, override)
             SELECT x.enrolment_id, x.outcome, x.rules, x.facts, x.results, false
               FROM input x LEFT JOIN latest l ON l.enrolment_id = x.enrolment_id
              WHERE l.id IS NULL OR l.override OR l.outcome <> x.outcome
                 OR l.rules <> x.rules OR l.facts <> x.facts
             RETURNING id, enrolment_id`,
            [
              JSON.stringify(
                decided.map(({ record, outcome }) => ({
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

      const moves = decided.filter(
        ({ record, outcome }) => statusBefore.get(record.view.enrolmentId) !== outcome,
      );
      await this.moveStatuses(
        em,
        moves.map(({ record, outcome }) => ({ id: record.view.enrolmentId, outcome })),
      );

      const decisionIds = new Map(stored.map((s) => [s.enrolment_id, s.id]));
      const entries: AuditEntry[] = decided
        .filter(({ record }) => decisionIds.has(record.view.enrolmentId))
        .map(({ record, outcome }) => ({
          action: 'completion.decided',
          entityType: 'enrolment',
          entityId: record.view.enrolmentId,
          before: { status: statusBefore.get(record.view.enrolmentId) ?? record.view.status },
          after: {
            status: outcome,
            outcome,
            override: false,
            decisionId: decisionIds.get(record.view.enrolmentId),
            results: record.view.rules,
          },
        }));
      await this.audit.record(em, actor, entries);

      const completed = decided.filter((d) => d.outcome === 'completed');
      return {
        result: {
          evaluated: decided.length,
          completed: completed.length,
          notCompleted: decided.length - completed.length,
          decisionsStored: stored.length,
          statusChanged: moves.length,
          skippedOverridden: records.length - decided.length,
        },
        toIssue: completed
          .filter((d) => !d.record.hasCertificate)
          .map((d) => d.record.view.enrolmentId),
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
      const [enrolment]: Array<{ status: EnrolmentStatus }> = await em.query(
        `SELECT status FROM enrolments WHERE id = $1 FOR NO KEY UPDATE`,
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
      const [record] = await this.progress.load({ enrolmentIds: [enrolmentId] }, em);
      if (
        latest?.override &&
        latest.outcome === dto.outcome &&
        latest.reason === reason &&
        enrolment.status === dto.outcome
      ) {
        return { decision: latest, status: enrolment.status, issue: false };
      }

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
      if (enrolment.status !== dto.outcome) {
        await this.moveStatuses(em, [{ id: enrolmentId, outcome: dto.outcome }]);
      }
      await this.audit.record(em, actor, {
        action: 'completion.overridden',
        entityType: 'enrolment',
        entityId: enrolmentId,
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
      });
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

  private async moveStatuses(
    em: EntityManager,
    moves: Array<{ id: string; outcome: CompletionOutcome }>,
  ): Promise<void> {
    if (moves.length === 0) return;
    await em.query(
      `UPDATE enrolments e
          SET status = x.outcome, ended_at = COALESCE(e.ended_at, now()), updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS x(id, outcome)
        WHERE e.id = x.id AND e.status <> x.outcome`,
      [moves.map((m) => m.id), moves.map((m) => m.outcome)],
    );
  }

  /** Returns how many were enqueued; 0 when Redis is away (the worker's sweep catches up). */
  private async enqueueCertificates(enrolmentIds: string[]): Promise<number> {
    if (enrolmentIds.length === 0) return 0;
    try {
      await this.certificates.issue(enrolmentIds);
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
