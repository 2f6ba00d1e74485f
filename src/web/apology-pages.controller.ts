import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AbsenceRequestsService } from '../attendance/absence-requests.service';
import { CreateAbsenceRequestDto } from '../attendance/dto/absence-request.dto';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService } from '../cohorts/cohorts.service';
import { UuidParam } from '../common/uuid-param';
import { SessionsService } from '../sessions/sessions.service';
import { CsrfGuard } from './csrf.guard';
import { FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * Apologies on the web: a student sends one for future sessions with a reason and sees what was
 * decided; a cohort's tutors and administrators approve or decline them.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class ApologyPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly requests: AbsenceRequestsService,
    private readonly sessions: SessionsService,
    private readonly cohorts: CohortsService,
  ) {}

  @Roles('student')
  @Get('apologies')
  async mine(
    @CurrentActor() actor: Actor,
    @Query('sent') sent: unknown,
    @Res() reply: FastifyReply,
  ) {
    return this.renderMine(reply, actor, { sessionIds: [], reason: '' }, [], sent === '1');
  }

  @Roles('student')
  @Post('apologies')
  async send(@CurrentActor() actor: Actor, @Body() body: unknown, @Res() reply: FastifyReply) {
    const { form, errors } = await validateForm(CreateAbsenceRequestDto, body);
    if (errors.length === 0) {
      try {
        await this.requests.create(actor, form);
        return reply.redirect('/apologies?sent=1', 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    const ids = Array.isArray(form.sessionIds) ? form.sessionIds : [];
    return this.renderMine(
      reply,
      actor,
      { sessionIds: ids, reason: form.reason ?? '' },
      errors,
      false,
      422,
    );
  }

  @Roles('admin', 'tutor')
  @Get('tutor/cohorts/:cohortId/apologies')
  async forCohort(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const requests = await this.requests.list(actor, { cohortId, limit: 500, offset: 0 });
    return this.pages.render(reply, 'tutor/apologies.njk', {
      title: `Apologies: ${cohort.name}`,
      cohort,
      requests: requests.items,
    });
  }

  @Roles('admin', 'tutor')
  @Post('tutor/apologies/:id/decide')
  async decide(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const fields = (body ?? {}) as Record<string, unknown>;
    const decision = fields.decision === 'approve' ? 'approved' : 'declined';
    const comment = typeof fields.comment === 'string' ? fields.comment.trim().slice(0, 1000) : '';
    const decided = await this.requests.decide(actor, id, decision, comment ? { comment } : {});
    return reply.redirect(`/tutor/cohorts/${decided.cohortId}/apologies`, 303);
  }

  private async renderMine(
    reply: FastifyReply,
    actor: Actor,
    form: { sessionIds: string[]; reason: string },
    errors: FormError[],
    sent: boolean,
    status = 200,
  ) {
    const [requests, upcoming] = await Promise.all([
      this.requests.mine(actor),
      this.sessions.upcomingForStudent(actor),
    ]);
    return this.pages.render(
      reply,
      'student/apologies.njk',
      {
        title: 'Apologies',
        requests,
        sessionItems: upcoming.map((s) => ({
          value: s.id,
          text: s.title,
          startsAt: s.startsAt,
          timezone: s.timezone,
          checked: form.sessionIds.includes(s.id),
        })),
        form,
        sent,
        errors,
      },
      status,
    );
  }
}
