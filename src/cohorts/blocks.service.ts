import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors';
import type { FieldProblem } from '../common/errors';
import { Page, page, PageQuery } from '../common/pagination';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '../infrastructure/database/pg-errors';
import { SessionsService } from '../sessions/sessions.service';
import { CreateBlockDto } from './dto/create-block.dto';
import type { BlockSessionChoice } from './dto/delete-block.query';
import { UpdateBlockDto } from './dto/update-block.dto';

export interface BlockView {
  id: string;
  cohortId: string;
  title: string;
  startDate: string;
  endDate: string;
  sessionCount: number;
  /** Sessions of the block with a register taken: while there are any it cannot be deleted. */
  markedSessionCount: number;
  createdAt: Date;
}

const BLOCK_COLUMNS = `
  b.id, b.cohort_id AS "cohortId", b.title, b.start_date::text AS "startDate",
  b.end_date::text AS "endDate",
  (SELECT count(*) FROM sessions s WHERE s.block_id = b.id)::int AS "sessionCount",
  (SELECT count(*) FROM sessions s WHERE s.block_id = b.id
      AND EXISTS (SELECT 1 FROM attendance_records ar WHERE ar.session_id = s.id))::int
    AS "markedSessionCount",
  b.created_at AS "createdAt"`;

@Injectable()
export class BlocksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  async create(actor: Actor, cohortId: string, dto: CreateBlockDto): Promise<BlockView> {
    const cohorts: Array<{ start_date: string; end_date: string }> = await this.dataSource.query(
      `SELECT start_date::text AS start_date, end_date::text AS end_date FROM cohorts WHERE id = $1`,
      [cohortId],
    );
    const cohort = cohorts[0];
    if (!cohort) throw new NotFoundError('Cohort', cohortId);
    assertDatesFit(dto, cohort);
    const id = await this.dataSource.transaction(async (em) => {
      // The insert re-checks the dates under a share lock on the cohort, so a concurrent change
      // of the cohort's dates (which takes the row lock) cannot slip a block outside them.
      const rows: Array<{ id: string }> = await em.query(
        `INSERT INTO blocks (cohort_id, title, start_date, end_date)
         SELECT c.id, $2, $3, $4 FROM cohorts c
          WHERE c.id = $1 AND $3::date >= c.start_date AND $4::date <= c.end_date
            FOR SHARE OF c
         RETURNING id`,
        [cohortId, dto.title, dto.startDate, dto.endDate],
      );
      if (!rows[0]) {
        throw new RuleViolationError(
          'block_outside_cohort',
          "The cohort's dates changed meanwhile",
        );
      }
      await this.audit.record(em, actor, {
        action: 'block.create',
        entityType: 'block',
        entityId: rows[0].id,
        after: { cohortId, title: dto.title, startDate: dto.startDate, endDate: dto.endDate },
      });
      return rows[0].id;
    });
    return this.get(id);
  }

  /**
   * Renames a block or changes its days. The days stay within the cohort's, and every session
   * of the block must still start on one of them (in the cohort's zone), as when it was added.
   */
  async update(
    actor: Actor,
    cohortId: string,
    blockId: string,
    dto: UpdateBlockDto,
  ): Promise<BlockView> {
    await this.dataSource.transaction(async (em) => {
      const current = await lockBlock(em, cohortId, blockId);
      const next = {
        title: dto.title ?? current.title,
        startDate: dto.startDate ?? current.startDate,
        endDate: dto.endDate ?? current.endDate,
      };
      assertDatesFit(next, { start_date: current.cohortStart, end_date: current.cohortEnd });
      const stranded: Array<{ title: string; day: string }> = await em.query(
        `SELECT s.title, (s.starts_at AT TIME ZONE c.timezone)::date::text AS day
           FROM sessions s JOIN cohorts c ON c.id = s.cohort_id
          WHERE s.block_id = $1
            AND (s.starts_at AT TIME ZONE c.timezone)::date NOT BETWEEN $2::date AND $3::date
          ORDER BY s.starts_at`,
        [blockId, next.startDate, next.endDate],
      );
      if (stranded.length) {
        const first = stranded[0];
        const message =
          `${stranded.length} of the block's sessions would start outside its days ` +
          `(${first.title} on ${first.day}): move them first`;
        const field =
          dto.startDate !== undefined && first.day < next.startDate ? 'startDate' : 'endDate';
        throw new RuleViolationError('block_sessions_outside', message, [{ field, message }]);
      }
      await em.query(`UPDATE blocks SET title = $2, start_date = $3, end_date = $4 WHERE id = $1`, [
        blockId,
        next.title,
        next.startDate,
        next.endDate,
      ]);
      await this.audit.record(em, actor, {
        action: 'block.update',
        entityType: 'block',
        entityId: blockId,
        before: { title: current.title, startDate: current.startDate, endDate: current.endDate },
        after: next,
      });
    });
    return this.get(blockId);
  }

  /**
   * Deletes a block. A block with a register taken in any of its sessions is refused: its
   * attendance counts in the block's percentage and the block rule. Otherwise a block that still
   * has sessions needs `sessions`: `delete` deletes them too, `keep` keeps them in the timetable
   * outside any block (the foreign key sets their block to null).
   */
  async remove(
    actor: Actor,
    cohortId: string,
    blockId: string,
    sessions?: BlockSessionChoice,
  ): Promise<void> {
    try {
      await this.dataSource.transaction(async (em) => {
        const current = await lockBlock(em, cohortId, blockId);
        // A register save locks its session the same way: one saved before this lock is counted
        // below, one started after it waits until the block is gone.
        await em.query(`SELECT id FROM sessions WHERE block_id = $1 FOR NO KEY UPDATE`, [blockId]);
        const [counts]: Array<{ sessions: number; marked: number }> = await em.query(
          `SELECT count(*)::int AS sessions,
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM attendance_records ar
                                                  WHERE ar.session_id = s.id))::int AS marked
             FROM sessions s WHERE s.block_id = $1`,
          [blockId],
        );
        if (counts.marked > 0) throw blockHasAttendance(counts.marked);
        if (counts.sessions > 0 && !sessions) {
          throw new ConflictError(
            'block_has_sessions',
            `The block has ${counts.sessions} session${counts.sessions === 1 ? '' : 's'}: ` +
              'delete or move them first, or say what happens to them (sessions=delete or sessions=keep)',
          );
        }
        const deletedSessions =
          sessions === 'delete' ? await this.sessions.removeAllInBlock(em, actor, blockId) : 0;
        await em.query(`DELETE FROM blocks WHERE id = $1`, [blockId]);
        await this.audit.record(em, actor, {
          action: 'block.delete',
          entityType: 'block',
          entityId: blockId,
          before: {
            cohortId,
            title: current.title,
            startDate: current.startDate,
            endDate: current.endDate,
          },
          after: {
            sessionsDeleted: deletedSessions,
            sessionsKept: sessions === 'keep' ? counts.sessions : 0,
          },
        });
      });
    } catch (error) {
      // A register saved between the check and the delete: the foreign key refuses it.
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw blockHasAttendance(1);
      throw error;
    }
  }

  /** One block of a cohort the actor may see (404 for another cohort's block). */
  async find(actor: Actor, cohortId: string, blockId: string): Promise<BlockView> {
    await this.scope.assertCohort(actor, cohortId);
    const block = await this.get(blockId);
    if (block.cohortId !== cohortId) throw new NotFoundError('Block', blockId);
    return block;
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

interface LockedBlock {
  title: string;
  startDate: string;
  endDate: string;
  cohortStart: string;
  cohortEnd: string;
}

/**
 * Locks the cohort against a change of its dates or zone (share) and the block itself (update);
 * a block of another cohort is unknown here.
 */
async function lockBlock(
  em: EntityManager,
  cohortId: string,
  blockId: string,
): Promise<LockedBlock> {
  const rows: LockedBlock[] = await em.query(
    `SELECT b.title, b.start_date::text AS "startDate", b.end_date::text AS "endDate",
            c.start_date::text AS "cohortStart", c.end_date::text AS "cohortEnd"
       FROM blocks b JOIN cohorts c ON c.id = b.cohort_id
      WHERE b.id = $1 AND b.cohort_id = $2
        FOR UPDATE OF b FOR SHARE OF c`,
    [blockId, cohortId],
  );
  if (!rows[0]) throw new NotFoundError('Block', blockId);
  return rows[0];
}

function assertDatesFit(
  dates: { startDate: string; endDate: string },
  cohort: { start_date: string; end_date: string },
): void {
  if (dates.endDate < dates.startDate) {
    throw new RuleViolationError('end_before_start', 'endDate is before startDate', [
      { field: 'endDate', message: 'endDate must be on or after startDate' },
    ]);
  }
  const outside: FieldProblem[] = [];
  for (const field of ['startDate', 'endDate'] as const) {
    if (dates[field] < cohort.start_date || dates[field] > cohort.end_date) {
      outside.push({
        field,
        message: `${field} must lie within the cohort (${cohort.start_date} to ${cohort.end_date})`,
      });
    }
  }
  if (outside.length) {
    throw new RuleViolationError(
      'block_outside_cohort',
      "A block must lie within its cohort's dates",
      outside,
    );
  }
}

function blockHasAttendance(marked: number): ConflictError {
  return new ConflictError(
    'block_has_attendance',
    `${marked} of the block's sessions ${marked === 1 ? 'has a register' : 'have registers'}: ` +
      'a block with attendance cannot be deleted',
  );
}
