import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { NotFoundError, RuleViolationError } from '../common/errors';
import type { FieldProblem } from '../common/errors';
import { Page, page, PageQuery } from '../common/pagination';
import { CreateBlockDto } from './dto/create-block.dto';

export interface BlockView {
  id: string;
  cohortId: string;
  title: string;
  startDate: string;
  endDate: string;
  sessionCount: number;
  createdAt: Date;
}

const BLOCK_COLUMNS = `
  b.id, b.cohort_id AS "cohortId", b.title, b.start_date::text AS "startDate",
  b.end_date::text AS "endDate",
  (SELECT count(*) FROM sessions s WHERE s.block_id = b.id)::int AS "sessionCount",
  b.created_at AS "createdAt"`;

@Injectable()
export class BlocksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
  ) {}

  async create(cohortId: string, dto: CreateBlockDto): Promise<BlockView> {
    const cohorts: Array<{ start_date: string; end_date: string }> = await this.dataSource.query(
      `SELECT start_date::text AS start_date, end_date::text AS end_date FROM cohorts WHERE id = $1`,
      [cohortId],
    );
    const cohort = cohorts[0];
    if (!cohort) throw new NotFoundError('Cohort', cohortId);
    if (dto.endDate < dto.startDate) {
      throw new RuleViolationError('end_before_start', 'endDate is before startDate', [
        { field: 'endDate', message: 'endDate must be on or after startDate' },
      ]);
    }
    const outside: FieldProblem[] = [];
    if (dto.startDate < cohort.start_date || dto.startDate > cohort.end_date) {
      outside.push({
        field: 'startDate',
        message: `startDate must lie within the cohort (${cohort.start_date} to ${cohort.end_date})`,
      });
    }
    if (dto.endDate < cohort.start_date || dto.endDate > cohort.end_date) {
      outside.push({
        field: 'endDate',
        message: `endDate must lie within the cohort (${cohort.start_date} to ${cohort.end_date})`,
      });
    }
    if (outside.length) {
      throw new RuleViolationError(
        'block_outside_cohort',
        "A block must lie within its cohort's dates",
        outside,
      );
    }
    // The insert re-checks the dates under a share lock on the cohort, so a concurrent change of
    // the cohort's dates (which takes the row lock) cannot slip a block outside them.
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO blocks (cohort_id, title, start_date, end_date)
       SELECT c.id, $2, $3, $4 FROM cohorts c
        WHERE c.id = $1 AND $3::date >= c.start_date AND $4::date <= c.end_date
          FOR SHARE OF c
       RETURNING id`,
      [cohortId, dto.title, dto.startDate, dto.endDate],
    );
    if (!rows[0]) {
      throw new RuleViolationError('block_outside_cohort', "The cohort's dates changed meanwhile");
    }
    return this.get(rows[0].id);
  }

  private async get(id: string): Promise<BlockView> {
    const rows: BlockView[] = await this.dataSource.query(
      `SELECT ${BLOCK_COLUMNS} FROM blocks b WHERE b.id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('Block', id);
    return rows[0];
  }

  async list(actor: Actor, cohortId: string, q: PageQuery): Promise<Page<BlockView>> {
    await this.scope.assertCohort(actor, cohortId);
    const rows: Array<BlockView & { total: string }> = await this.dataSource.query(
      `SELECT ${BLOCK_COLUMNS}, count(*) OVER () AS total
         FROM blocks b
        WHERE b.cohort_id = $1
        ORDER BY b.start_date, b.end_date, b.title, b.id
        LIMIT $2 OFFSET $3`,
      [cohortId, q.limit, q.offset],
    );
    const total = rows[0] ? Number(rows[0].total) : 0;
    return page(
      rows.map(({ total: _t, ...b }) => b),
      total,
      q,
    );
  }
}
