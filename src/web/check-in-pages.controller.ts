import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { CheckInService } from '../attendance/check-in.service';
import { CheckInDto } from '../attendance/dto/check-in.dto';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService } from '../cohorts/cohorts.service';
import { Clock } from '../common/clock';
import { UuidParam } from '../common/uuid-param';
import { SessionsService } from '../sessions/sessions.service';
import { CsrfGuard } from './csrf.guard';
import { formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * Self check-in on the web: the tutor's screen with the rotating code and its QR code (the page
 * reloads itself when the code changes, without scripts), and the student's page that the QR
 * code opens, where the code can also be typed.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class CheckInPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly checkIns: CheckInService,
    private readonly sessions: SessionsService,
    private readonly cohorts: CohortsService,
    private readonly clock: Clock,
  ) {}

  @Roles('admin', 'tutor')
  @Get('tutor/sessions/:sessionId/check-in')
  async show(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') sessionId: string,
    @Res() reply: FastifyReply,
  ) {
    const session = await this.sessions.get(actor, sessionId);
    const cohort = await this.cohorts.get(actor, session.cohortId);
    const now = this.clock.now();
    const code = await this.checkIns.code(actor, sessionId, now);
    // Reload when the next code is out (codes stay valid one more step, so no scan is lost).
    const refreshSeconds = Math.max(1, Math.ceil((code.expiresAt.getTime() - 30_000 - now) / 1000));
    const qr = await QRCode.toString(code.url, {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
    });
    return this.pages.render(reply, 'tutor/check-in.njk', {
      title: `Check in: ${session.title}`,
      session,
      cohort,
      code,
      qr,
      refreshSeconds,
    });
  }

  @Roles('student')
  @Get('check-in')
  checkInForm(
    @Query('session') session: unknown,
    @Query('code') code: unknown,
    @Res() reply: FastifyReply,
  ) {
    const form = {
      sessionId: typeof session === 'string' && /^[0-9a-f-]{36}$/i.test(session) ? session : '',
      code: typeof code === 'string' && /^\d{6}$/.test(code) ? code : '',
    };
    return this.pages.render(reply, 'student/check-in.njk', {
      title: 'Check in',
      form,
      result: null,
    });
  }

  @Roles('student')
  @Post('check-in')
  async checkIn(@CurrentActor() actor: Actor, @Body() body: unknown, @Res() reply: FastifyReply) {
    const { form, errors } = await validateForm(CheckInDto, body);
    if (errors.length === 0) {
      try {
        const result = await this.checkIns.checkIn(actor, {
          code: form.code,
          ...(form.sessionId ? { sessionId: form.sessionId } : {}),
        });
        return this.pages.render(reply, 'student/check-in.njk', {
          title: 'You are checked in',
          form,
          result,
        });
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.pages.render(
      reply,
      'student/check-in.njk',
      {
        title: 'Check in',
        form: { sessionId: form.sessionId ?? '', code: form.code ?? '' },
        result: null,
        errors,
      },
      422,
    );
  }
}
