import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/access.decorators';
import { NotFoundError } from '../common/errors';
import { CalendarFeedsService } from './calendar-feeds.service';

/** The subscription feed at the site root (`/calendar/<token>.ics`): public, by secret URL. */
@ApiTags('timetable')
@Controller()
export class CalendarFeedController {
  constructor(private readonly feeds: CalendarFeedsService) {}

  @Public()
  @Get('calendar/:file')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: "A user's timetable by the secret URL of their calendar subscription" })
  async feed(
    @Param('file') file: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!file.endsWith('.ics')) throw new NotFoundError('Calendar feed', 'token');
    const ics = await this.feeds.feed(file.slice(0, -'.ics'.length));
    void reply
      .header('content-type', 'text/calendar; charset=utf-8')
      // The URL is the credential: keep it out of shared caches and referrers.
      .header('cache-control', 'private, no-cache')
      .header('referrer-policy', 'no-referrer');
    return ics;
  }
}
