import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError } from '../common/errors';
import { staffAttribution } from '../common/staff-attribution';
import type { AssessmentDefinition } from '../courses/course.entity';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import { nextAssessmentState } from './assessment-attempts';
import type { AssessmentOutcome } from './assessment-result.entity';
import { RecordAssessmentDto } from './dto/record-assessment.dto';

export interface AssessmentResultView {
  id: string;
  enrolmentId: string;
  code: string;
  title: string;
  required: boolean;
  outcome: AssessmentOutcome;
  mark: number | null;
  attempt: number;
  note: string | null;
  recordedById: string | null;
  recordedAt: Date;
}

export interface AssessmentEntry extends AssessmentDefinition {
  result: AssessmentResultView | null;
}

interface ResultRow {
  id: string;
  enrolment_id: string;
  assessment_code: string;
  outcome: AssessmentOutcome;
  mark: string | null;
  attempt: number;
  note: string | null;
  recorded_by_id: string | null;
  recorded_at: Date;
}

function view(row: ResultRow, def: AssessmentDefinition): AssessmentResultView {
  return {
    id: row.id,
    enrolmentId: row.enrolment_id,
    code: def.code,
    title: def.title,
    required: def.required,
    outcome: row.outcome,
    mark: row.mark === null ? null : Number(row.mark),
    attempt: row.attempt,
    note: row.note,
    recordedById: row.recorded_by_id,
    // json_agg renders timestamps with an offset: normalise to a Date (ISO, UTC, Z).
    recordedAt: new Date(row.recorded_at),
  };
}

const auditState = (r: ResultRow) => ({
  code: r.assessment_code,
  outcome: r.outcome,
  mark: r.mark === null ? null : Number(r.mark),
  attempt: r.attempt,
  note: r.note,
  recordedById: r.recorded_by_id,
  recordedAt: r.recorded_at,
});

@Injectable()
export class AssessmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records the result of one assessed piece of work. The same body twice is one result (no
   * write, no audit); attempts count resubmissions after a refer or fail (assessment-attempts.ts).
   * Saves for one enrolment are serialised by a lock on its row.
   */
  async record(
    actor: Actor,
    enrolmentId: string,
    code: string,
    dto: RecordAssessmentDto,
  ): Promise<AssessmentResultView> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    return this.dataSource.transaction(async (em) => {
      const [enrolment]: Array<{ status: EnrolmentStatus; assessments: AssessmentDefinition[] }> =
        await em.query(
          `SELECT e.status, co.assessments FROM enrolments e JOIN courses co ON co.id = e.course_id
            WHERE e.id = $1 FOR NO KEY UPDATE OF e`,
          [enrolmentId],
        );
      if (!enrolment) throw new NotFoundError('Enrolment', enrolmentId);
      const def = enrolment.assessments.find((d) => d.code.toUpperCase() === code.toUpperCase());
      if (!def) throw new NotFoundError('Assessment', code);
      if (!SEATED_STATUSES.includes(enrolment.status)) {
        throw new ConflictError(
          'enrolment_not_seated',
          `Assessed work cannot be recorded for an enrolment that is ${enrolment.status}`,
        );
      }

      const [current]: ResultRow[] = await em.query(
        `SELECT * FROM assessment_results WHERE enrolment_id = $1 AND assessment_code = $2`,
        [enrolmentId, def.code],
      );
      const note =
        dto.note === undefined ? (current?.note ?? null) : dto.note === '' ? null : dto.note;
      const next = nextAssessmentState(
        current
          ? {
              outcome: current.outcome,
              mark: current.mark === null ? null : Number(current.mark),
              note: current.note,
              attempt: current.attempt,
            }
          : null,
        { outcome: dto.outcome, mark: dto.mark ?? null, note },
      );
      if (!next) return view(current, def);

      const [saved]: ResultRow[] = await em.query(
        `INSERT INTO assessment_results
                (enrolment_id, assessment_code, outcome, mark, attempt, note, recorded_by_id, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())
         ON CONFLICT (enrolment_id, assessment_code) DO UPDATE
            SET outcome = EXCLUDED.outcome, mark = EXCLUDED.mark, attempt = EXCLUDED.attempt,
                note = EXCLUDED.note, recorded_by_id = EXCLUDED.recorded_by_id,
                recorded_at = EXCLUDED.recorded_at
         RETURNING *`,
        [enrolmentId, def.code, next.outcome, next.mark, next.attempt, next.note, actor.userId],
      );
      await this.audit.record(em, actor, {
        action: 'assessment.recorded',
        entityType: 'assessment_result',
        entityId: saved.id,
        before: current ? { enrolmentId, ...auditState(current) } : null,
        after: { enrolmentId, ...auditState(saved) },
      });
      return view(saved, def);
    });
  }

  /** Every assessment definition of the enrolment's course with its result or null. */
  async list(
    actor: Actor,
    enrolmentId: string,
  ): Promise<{ enrolmentId: string; items: AssessmentEntry[]; total: number }> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    const [row]: Array<{ assessments: AssessmentDefinition[]; results: ResultRow[] }> =
      await this.dataSource.query(
        `SELECT co.assessments,
                COALESCE((SELECT json_agg(r) FROM assessment_results r
                           WHERE r.enrolment_id = e.id), '[]'::json) AS results
           FROM enrolments e JOIN courses co ON co.id = e.course_id
          WHERE e.id = $1`,
        [enrolmentId],
      );
    if (!row) throw new NotFoundError('Enrolment', enrolmentId);
    const byCode = new Map(row.results.map((r) => [r.assessment_code, r]));
    const items = row.assessments.map((def) => {
      const result = byCode.get(def.code);
      const shown = result ? view(result, def) : null;
      // Students see no staff user ids (see common/staff-attribution.ts).
      if (shown)
        shown.recordedById = staffAttribution(actor, {
          id: shown.recordedById,
          displayName: null,
          email: null,
        }).id;
      return { ...def, result: shown };
    });
    return { enrolmentId, items, total: items.length };
  }
}
