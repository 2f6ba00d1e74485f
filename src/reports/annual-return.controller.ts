import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import type { AnnualReturn } from './annual-return';
import { AnnualReturnService } from './annual-return.service';
import { AnnualReturnQuery } from './dto/annual-return.query';
import { XLSX_CONTENT_TYPE } from './spreadsheet-writers';

@ApiTags('reports')
@Controller('reports')
export class AnnualReturnController {
  constructor(private readonly annualReturn: AnnualReturnService) {}

  @Roles('admin')
  @Get('annual-return')
  @ApiProduces('application/json', XLSX_CONTENT_TYPE, 'application/pdf')
  @ApiOperation({
    summary: "A course's annual return for a year (AFT's review): JSON, XLSX or printable PDF",
    description: 'Every figure is defined in docs/reports.md and on the file itself.',
  })
  async get(
    @CurrentActor() actor: Actor,
    @Query() q: AnnualReturnQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnnualReturn | Buffer> {
    const result = await this.annualReturn.get(actor, q.courseId, q.year, q.format);
    if (!('body' in result)) return result;
    void reply
      .header('content-type', result.contentType)
      .header('content-disposition', `attachment; filename="${result.filename}"`)
      .header('cache-control', 'no-store');
    return result.body;
  }
}
