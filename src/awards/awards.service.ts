import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from '../common/errors';
import { RecordAwardDto } from './dto/record-award.dto';
import type { AwardResult } from './university-award.entity';

export interface AwardView {
  enrolmentId: string;
  awardingBody: string;
  title: string;
  level: number;
  credits: number;
  result: AwardResult;
  conferredOn: string | null;
  recordedById: string | null;
  recordedAt: Date;
}

const VIEW_SQL = `
SELECT enrolment_id AS "enrolmentId", awarding_body AS "awardingBody", title, level, credits,
       result, to_char(conferred_on, 'YYYY-MM-DD') AS "conferredOn",
       recorded_by_id AS "recordedById", recorded_at AS "recordedAt"
  FROM university_awards`;

/**
 * The university award of an enrolment. The university confers it; this system records what it
 * conferred, apart from the course certificate (which never mentions it).
 */
@Injectable()
export class AwardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
  ) {}

  /** Records or replaces the award (admins). The same body again writes nothing. */
  async record(actor: Actor, enrolmentId: string, dto: RecordAwardDto): Promise<AwardView> {
    const conferredOn = dto.conferredOn ?? null;
    if (dto.result === 'pending' && conferredOn !== null) {
      throw new InvalidInputError('validation_failed', 'A pending award has no date conferred', [
        { field: 'conferredOn', message: 'conferredOn must be empty while the result is pending' },
      ]);
    }
    return this.dataSource.transaction(async (em) => {
      const enrolments: Array<{ status: string; today: string }> = await em.query(
        `SELECT e.status, to_char(now() AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS today
           FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
          WHERE e.id = $1 FOR NO KEY UPDATE OF e`,
        [enrolmentId],
      );
      const enrolment = enrolments[0];
      if (!enrolment) throw new NotFoundError('Enrolment', enrolmentId);
      if (enrolment.status === 'waitlisted') {
        throw new ConflictError('award_waitlisted', 'A waiting-list place has no award');
      }
      if (conferredOn !== null && conferredOn > enrolment.today) {
        throw new RuleViolationError('award_future_date', 'An award cannot be conferred ahead', [
          { field: 'conferredOn', message: 'conferredOn must not be in the future' },
        ]);
      }
      const before = await this.find(em, enrolmentId);
      const after = {
        awardingBody: dto.awardingBody,
        title: dto.title,
        level: dto.level,
        credits: dto.credits,
        result: dto.result,
        conferredOn,
      };
      if (before && Object.entries(after).every(([k, v]) => before[k as keyof AwardView] === v)) {
        return before;
      }
      await em.query(
        `INSERT INTO university_awards
                (enrolment_id, awarding_body, title, level, credits, result, conferred_on, recorded_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (enrolment_id) DO UPDATE
            SET awarding_body = EXCLUDED.awarding_body, title = EXCLUDED.title,
                level = EXCLUDED.level, credits = EXCLUDED.credits, result = EXCLUDED.result,
                conferred_on = EXCLUDED.conferred_on, recorded_by_id = EXCLUDED.recorded_by_id,
                recorded_at = now()`,
        [
          enrolmentId,
          dto.awardingBody,
          dto.title,
          dto.level,
          dto.credits,
          dto.result,
          conferredOn,
          actor.userId,
        ],
      );
      await this.audit.record(em, actor, {
        action: 'award.recorded',
        entityType: 'enrolment',
        entityId: enrolmentId,
        before: before
          ? {
              awardingBody: before.awardingBody,
              title: before.title,
              level: before.level,
              credits: before.credits,
              result: before.result,
              conferredOn: before.conferredOn,
            }
          : null,
        after,
      });
      return (await this.find(em, enrolmentId)) as AwardView;
    });
  }

  /** The enrolment's award (admins, tutors of the cohort, the student); 404 when none. */
  async get(actor: Actor, enrolmentId: string): Promise<AwardView> {
    await this.scope.assertEnrolment(actor, enrolmentId);
    const award = await this.find(this.dataSource.manager, enrolmentId);
    if (!award) throw new NotFoundError('Award');
    return award;
  }

  /** Awards of the student's enrolments, for their own pages. */
  async forStudent(studentId: string): Promise<AwardView[]> {
    return this.dataSource.query(
      `${VIEW_SQL} WHERE enrolment_id IN (SELECT id FROM enrolments WHERE student_id = $1)`,
      [studentId],
    );
  }

  private async find(em: EntityManager, enrolmentId: string): Promise<AwardView | null> {
    const [row]: AwardView[] = await em.query(`${VIEW_SQL} WHERE enrolment_id = $1`, [enrolmentId]);
    return row ?? null;
  }
}
