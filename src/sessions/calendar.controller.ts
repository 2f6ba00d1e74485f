import { Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { CalendarFeedsService } from './calendar-feeds.service';
import { SessionsService } from './sessions.service';

const CALENDAR_TYPE = 'text/calendar; charset=utf-8';

@ApiTags('timetable')
@Controller()
export class CalendarController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly feeds: CalendarFeedsService,
  ) {}

  @Roles('admin', 'tutor')
  @Get('cohorts/:cohortId/calendar.ics')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: "The cohort's timetable as an iCalendar file" })
  async cohort(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { filename, ics } = await this.sessions.cohortCalendar(actor, cohortId);
    return send(reply, filename, ics);
  }

  @Roles('student', 'tutor')
  @Post('me/calendar-feed')
  @ApiOperation({
    summary:
      'A secret subscription URL for my timetable (/calendar/<token>.ics); replaces any earlier one',
  })
  createFeed(@CurrentActor() actor: Actor): Promise<{ url: string; webcalUrl: string }> {
    return this.feeds.create(actor);
  }

  @Roles('student', 'tutor')
  @Delete('me/calendar-feed')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke my calendar subscription URL (it then answers 404)' })
  async revokeFeed(@CurrentActor() actor: Actor): Promise<void> {
    await this.feeds.revoke(actor);
  }

  @Roles('student')
  @Get('me/calendar.ics')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: 'My timetable (every cohort I hold a seat in) as an iCalendar file' })
  async mine(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return send(reply, 'my-timetable.ics', await this.sessions.studentCalendar(actor));
  }
}

function send(reply: FastifyReply, filename: string, ics: string): string {
  void reply
    .header('content-type', CALENDAR_TYPE)
    .header('content-disposition', `attachment; filename="${filename}"`)
    // A personal timetable: never kept by shared caches.
    .header('cache-control', 'private, no-cache');
  return ics;
}
