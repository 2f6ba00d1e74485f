import { Body, Controller, Get, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CalendarFeedsService } from '../sessions/calendar-feeds.service';
import { CsrfGuard } from './csrf.guard';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * "Subscribe to your timetable": a student's or tutor's secret calendar URL. The URL is shown
 * once, when it is made (only its hash is kept); making a new one replaces it, and it can be
 * turned off. Same service as POST/DELETE /api/v1/me/calendar-feed.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class CalendarFeedPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly feeds: CalendarFeedsService,
  ) {}

  @Roles('student', 'tutor')
  @Get('calendar-feed')
  async show(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    return this.render(reply, actor, null, null);
  }

  @Roles('student', 'tutor')
  @Post('calendar-feed')
  async change(@CurrentActor() actor: Actor, @Body() body: unknown, @Res() reply: FastifyReply) {
    const action = (body as Record<string, unknown> | undefined)?.action;
    if (action === 'revoke') {
      await this.feeds.revoke(actor);
      return this.render(reply, actor, null, 'revoked');
    }
    // Shown on this response only: the link cannot be read back later.
    return this.render(reply, actor, await this.feeds.create(actor), 'created');
  }

  private async render(
    reply: FastifyReply,
    actor: Actor,
    urls: { url: string; webcalUrl: string } | null,
    notice: 'created' | 'revoked' | null,
  ) {
    return this.pages.render(reply, 'calendar-feed.njk', {
      title: 'Subscribe to your timetable',
      urls,
      notice,
      hasFeed: urls !== null || (await this.feeds.exists(actor)),
      backHref: actor.role === 'student' ? '/timetable' : '/tutor',
    });
  }
}
