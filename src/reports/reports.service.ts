import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { PassThrough, Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { InvalidInputError, NotFoundError } from '../common/errors';
import type { AssessmentDefinition } from '../courses/course.entity';
import { AccreditationRow, accreditationColumns, ReportColumn } from './accreditation-columns';
import {
  accreditationExportQuery,
  accreditationSummaryQuery,
  SummarySqlRow,
} from './accreditation.query';
import { AccreditationExportQuery, ExportFormat } from './dto/accreditation-export.query';
import {
  CSV_CONTENT_TYPE,
  writeCsv,
  writeXlsx,
  XLSX_CONTENT_TYPE,
  xlsxBuffer,
} from './spreadsheet-writers';
import {
  AccreditationSummary,
  SUMMARY_HEADERS,
  SummaryFigures,
  summarySheetRows,
} from './summary-columns';

export interface ExportFile {
  filename: string;
  contentType: string;
  body: Readable;
}

interface ExportScope {
  entityType: 'cohort' | 'course';
  entityId: string;
  courseCode: string;
  cohortNumber: number | null;
  cohortIds: string[];
  blockCount: number;
  assessmentCodes: string[];
  assessments: AssessmentDefinition[];
}

/** Rows fetched per cursor round trip: large enough to amortise, small enough to keep memory flat. */
const CURSOR_BATCH = 100;
/** File names carry the date of export as the course's users see it. */
const FILE_DATE_ZONE = 'Europe/London';

@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Opens the accreditation export as a stream. Everything that can fail with a clean HTTP error
   * (bad query, unknown id, a broken query) fails before this returns; after that the body is
   * produced row by row from one SQL query read through a cursor, on a connection checked out of
   * the TypeORM pool for the length of the download and released when it ends, fails or the
   * client goes away.
   *
   * The export is audited when it starts (who, what, which format): the row count is only known
   * at the end, and an export that the client abandons half-way has still disclosed data.
   */
  async openAccreditationExport(actor: Actor, q: AccreditationExportQuery): Promise<ExportFile> {
    const scope = await this.exportScope(q);
    const format = q.format ?? 'csv';
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'report.export',
      entityType: scope.entityType,
      entityId: scope.entityId,
      after: { report: 'accreditation', format },
    });

    const columns = accreditationColumns(scope, format === 'xlsx' ? 'labels' : 'codes');
    const { sql, params } = accreditationExportQuery(scope.cohortIds);
    const client = await this.pool().connect();
    let handedOver = false;
    try {
      const stream = client.query(
        new QueryStream(sql, params, { batchSize: CURSOR_BATCH, highWaterMark: CURSOR_BATCH }),
      );
      const rows = stream[Symbol.asyncIterator]() as AsyncIterator<AccreditationRow>;
      // Read the first row before answering: a failing query becomes a problem response, not a
      // truncated 200.
      const first = await rows.next();
      const body = new PassThrough();
      handedOver = true;
      void this.produce(format, prepend(first, rows), columns, body, client, scope);
      return {
        filename: this.exportFilename(scope, format),
        contentType: format === 'csv' ? CSV_CONTENT_TYPE : XLSX_CONTENT_TYPE,
        body,
      };
    } finally {
      // A connection whose query failed mid-protocol is not returned to the pool.
      if (!handedOver) client.release(true);
    }
  }

  private async produce(
    format: ExportFormat,
    rows: AsyncIterable<AccreditationRow>,
    columns: ReportColumn[],
    body: PassThrough,
    client: PoolClient,
    scope: ExportScope,
  ): Promise<void> {
    const started = Date.now();
    let failed: Error | undefined;
    try {
      const count = await (format === 'csv'
        ? writeCsv(rows, columns, body)
        : writeXlsx(rows, columns, body));
      this.logger.log(
        `accreditation ${format} export of ${scope.entityType} ${scope.entityId}: ${count} rows in ${Date.now() - started} ms`,
      );
    } catch (error) {
      failed = error as Error;
      if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn(
          `accreditation ${format} export of ${scope.entityType} ${scope.entityId} abandoned by the client`,
        );
      } else {
        this.logger.error(
          { err: error },
          `accreditation ${format} export of ${scope.entityType} ${scope.entityId} failed`,
        );
      }
      body.destroy(failed);
    } finally {
      // Destroy rather than reuse a connection whose cursor may not have been closed cleanly.
      client.release(failed ? true : undefined);
    }
  }

  /** The annual summary of a course (JSON); audited like the file exports. */
  async summary(actor: Actor, courseId: string): Promise<AccreditationSummary> {
    const summary = await this.computeSummary(courseId);
    await this.auditSummary(actor, summary, 'json');
    return summary;
  }

  /** The summary as an XLSX sheet with the same numbers and a 'Total' row. */
  async summaryWorkbook(
    actor: Actor,
    courseId: string,
  ): Promise<{ filename: string; contentType: string; body: Buffer }> {
    const summary = await this.computeSummary(courseId);
    await this.auditSummary(actor, summary, 'xlsx');
    return {
      filename: `${slug(summary.courseCode)}-accreditation-summary-${today()}.xlsx`,
      contentType: XLSX_CONTENT_TYPE,
      body: await xlsxBuffer('Summary', SUMMARY_HEADERS, summarySheetRows(summary)),
    };
  }

  private async auditSummary(actor: Actor, summary: AccreditationSummary, format: string) {
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'report.export',
      entityType: 'course',
      entityId: summary.courseId,
      after: { report: 'accreditation_summary', format, rows: summary.cohorts.length },
    });
  }

  /** Two queries whatever the number of cohorts: the course and its cohort ids, then the figures. */
  private async computeSummary(courseId: string): Promise<AccreditationSummary> {
    const [course]: Array<{ id: string; code: string; title: string; cohort_ids: string[] }> =
      await this.dataSource.query(
        `SELECT co.id, co.code, co.title,
                ARRAY(SELECT c.id FROM cohorts c WHERE c.course_id = co.id ORDER BY c.number) AS cohort_ids
           FROM courses co WHERE co.id = $1`,
        [courseId],
      );
    if (!course) throw new NotFoundError('Course', courseId);
    const asOf = new Date();
    const { sql, params } = accreditationSummaryQuery(course.cohort_ids, asOf);
    const rows: SummarySqlRow[] = await this.dataSource.query(sql, params);
    const figures = (r: SummarySqlRow): SummaryFigures => ({
      intake: r.intake,
      seated: r.seated,
      withdrawn: r.withdrawn,
      deferred: r.deferred,
      transferred: r.transferred,
      completed: r.completed,
      notCompleted: r.notCompleted,
      completionRate: r.completionRate,
      meanAttendancePercent: r.meanAttendancePercent,
      contactHoursScheduled: r.contactHoursScheduled,
      certificatesIssued: r.certificatesIssued,
    });
    const total = rows.find((r) => r.total) as SummarySqlRow;
    return {
      courseId: course.id,
      courseCode: course.code,
      courseTitle: course.title,
      asOf: asOf.toISOString(),
      cohorts: rows
        .filter((r) => !r.total)
        .map((r) => ({
          cohortId: r.cohortId as string,
          number: r.number as number,
          name: r.name as string,
          status: r.status as string,
          startDate: r.startDate as string,
          endDate: r.endDate as string,
          ...figures(r),
        })),
      totals: figures(total),
    };
  }

  /** Validates the selection (exactly one id; it must exist) and reads the column layout. */
  private async exportScope(q: AccreditationExportQuery): Promise<ExportScope> {
    if (Boolean(q.cohortId) === Boolean(q.courseId)) {
      const message = q.cohortId
        ? 'give cohortId or courseId, not both'
        : 'cohortId or courseId is required';
      throw new InvalidInputError('validation_failed', `Give exactly one of cohortId or courseId`, [
        { field: 'cohortId', message },
        { field: 'courseId', message },
      ]);
    }
    const rows: Array<{
      course_id: string;
      code: string;
      assessments: AssessmentDefinition[];
      cohort_ids: string[];
      cohort_number: number | null;
      block_count: number;
    }> = await this.dataSource.query(
      `SELECT co.id AS course_id, co.code, co.assessments,
              COALESCE(array_agg(c.id ORDER BY c.number) FILTER (WHERE c.id IS NOT NULL), '{}') AS cohort_ids,
              min(c.number) AS cohort_number,
              COALESCE(max((SELECT count(*) FROM blocks b WHERE b.cohort_id = c.id)), 0)::int AS block_count
         FROM courses co
         LEFT JOIN cohorts c ON c.course_id = co.id AND ($2::uuid IS NULL OR c.id = $2)
        WHERE co.id = COALESCE($1::uuid, (SELECT course_id FROM cohorts WHERE id = $2::uuid))
        GROUP BY co.id`,
      [q.courseId ?? null, q.cohortId ?? null],
    );
    const found = rows[0];
    if (!found) {
      throw q.cohortId
        ? new NotFoundError('Cohort', q.cohortId)
        : new NotFoundError('Course', q.courseId);
    }
    return {
      entityType: q.cohortId ? 'cohort' : 'course',
      entityId: (q.cohortId ?? q.courseId) as string,
      courseCode: found.code,
      cohortNumber: q.cohortId ? found.cohort_number : null,
      cohortIds: found.cohort_ids,
      blockCount: found.block_count,
      assessmentCodes: (found.assessments ?? []).map((a) => a.code),
      assessments: found.assessments ?? [],
    };
  }

  /** e.g. pod-c4-accreditation-2026-11-24.csv, or pod-accreditation-2026-11-24.xlsx for a course. */
  private exportFilename(scope: ExportScope, format: ExportFormat): string {
    const cohort = scope.cohortNumber === null ? '' : `-c${scope.cohortNumber}`;
    return `${slug(scope.courseCode)}${cohort}-accreditation-${today()}.${format}`;
  }

  /** The pg pool behind TypeORM: streaming needs a raw client, which TypeORM does not expose. */
  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }
}

function today(): string {
  return DateTime.now().setZone(FILE_DATE_ZONE).toISODate() as string;
}

/** A course code as a safe file-name part: lower case ASCII letters, digits and dashes. */
function slug(code: string): string {
  return (
    code
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'course'
  );
}

/** The already-read first result followed by the rest; closing early closes the source. */
async function* prepend<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  let finished = false;
  try {
    if (first.done) {
      finished = true;
      return;
    }
    yield first.value;
    for (;;) {
      const next = await rest.next();
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) await rest.return?.();
  }
}
