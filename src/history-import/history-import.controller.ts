import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { HistoryImportQuery } from './dto/history-import.query';
import { HistoryImportService } from './history-import.service';
import { ImportBody } from '../infrastructure/http/body-parsing';

@ApiTags('history-import')
@Controller()
export class HistoryImportController {
  constructor(private readonly history: HistoryImportService) {}

  @Roles('admin')
  @Post('cohorts/:cohortId/history/import')
  @ImportBody()
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({
    description: 'One line per enrolment of a finished cohort (docs/history-import.md)',
    schema: { type: 'string' },
  })
  @ApiOperation({
    summary:
      'Import a past cohort: every line validated first, nothing written if any is bad; dryRun reports',
  })
  import(
    @UuidParam('cohortId') cohortId: string,
    @Body() body: unknown,
    @Query() q: HistoryImportQuery,
    @CurrentActor() actor: Actor,
  ) {
    return this.history.import(actor, cohortId, body, q.dryRun ?? false);
  }
}
