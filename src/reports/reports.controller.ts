import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { AccreditationExportQuery } from './dto/accreditation-export.query';
import { AccreditationSummaryQuery } from './dto/accreditation-summary.query';
import { ReportsService } from './reports.service';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from './spreadsheet-writers';
import type { AccreditationSummary } from './summary-columns';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Roles('admin')
  @Get('accreditation')
  @ApiProduces(CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE)
  @ApiOperation({
    summary: 'Accreditation export: one row per enrolment of a cohort or course (CSV or XLSX)',
    description: 'Streamed. Exactly one of cohortId and courseId. Columns: docs/reports.md.',
  })
  async accreditation(
    @CurrentActor() actor: Actor,
    @Query() q: AccreditationExportQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Readable> {
    const file = await this.reports.openAccreditationExport(actor, q);
    attachment(reply, file.filename, file.contentType);
    // Fastify pipes the stream with backpressure and destroys it if the client goes away.
    return file.body;
  }

  @Roles('admin')
  @Get('accreditation/summary')
  @ApiProduces('application/json', XLSX_CONTENT_TYPE)
  @ApiOperation({
    summary: "Annual summary of a course's cohorts: intake, outcomes, attendance, hours",
  })
  async summary(
    @CurrentActor() actor: Actor,
    @Query() q: AccreditationSummaryQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccreditationSummary | Buffer> {
    if (q.format !== 'xlsx') return this.reports.summary(actor, q.courseId);
    const file = await this.reports.summaryWorkbook(actor, q.courseId);
    attachment(reply, file.filename, file.contentType);
    return file.body;
  }
}

function attachment(reply: FastifyReply, filename: string, contentType: string): void {
  void reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename="${filename}"`)
    // Personal data: never kept by shared caches or the browser.
    .header('cache-control', 'no-store');
}
