import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { CancelSessionDto } from './dto/cancel-session.dto';
import { CreateSessionDto } from './dto/create-session.dto';
import { ListSessionsQuery } from './dto/list-sessions.query';
import { UpdateSessionDto } from './dto/update-session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('timetable')
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Roles('admin')
  @Post('cohorts/:cohortId/sessions')
  @ApiOperation({
    summary:
      "Timetable a session; times without an offset are wall-clock times in the cohort's time zone",
  })
  create(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Body() dto: CreateSessionDto,
  ) {
    return this.sessions.create(actor, cohortId, dto);
  }

  @Roles('admin', 'tutor')
  @Get('cohorts/:cohortId/sessions')
  @ApiOperation({ summary: 'Sessions of a cohort in start order, optionally within from/to' })
  list(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Query() q: ListSessionsQuery,
  ) {
    return this.sessions.list(actor, cohortId, q);
  }

  @Roles('admin', 'tutor')
  @Get('sessions/:sessionId')
  @ApiOperation({ summary: 'One session' })
  get(@CurrentActor() actor: Actor, @UuidParam('sessionId') id: string) {
    return this.sessions.get(actor, id);
  }

  @Roles('admin')
  @Patch('sessions/:sessionId')
  @ApiOperation({
    summary: 'Change a session; contact minutes derived from the times follow new times',
  })
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') id: string,
    @Body() dto: UpdateSessionDto,
  ) {
    return this.sessions.update(actor, id, dto);
  }

  @Roles('admin')
  @Post('sessions/:sessionId/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel a session: it stays in the record, stops counting, and its students are emailed',
  })
  cancel(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') id: string,
    @Body() dto: CancelSessionDto,
  ) {
    return this.sessions.cancel(actor, id, dto);
  }

  @Roles('admin')
  @Delete('sessions/:sessionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a session that has no attendance records (else 409)' })
  async remove(@CurrentActor() actor: Actor, @UuidParam('sessionId') id: string): Promise<void> {
    await this.sessions.remove(actor, id);
  }
}
