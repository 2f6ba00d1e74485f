import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CsrfGuard } from './csrf.guard';
import { homeFor } from './navigation';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';
import { WebQueries } from './web-queries';
import { WebSession } from './web-session.service';

/** The site root and each role's home page. */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class HomeController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly session: WebSession,
    private readonly queries: WebQueries,
  ) {}

  @Public()
  @Get()
  root(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const actor = this.session.actorOf(request);
    const home = actor && actor.role !== 'system' ? homeFor(actor.role) : '/sign-in';
    return reply.redirect(home, 303);
  }

  @Roles('admin')
  @Get('admin')
  async admin(@Res() reply: FastifyReply) {
    const cohorts = await this.queries.allCohorts();
    return this.pages.render(reply, 'admin/cohorts.njk', { title: 'Cohorts', cohorts });
  }

  @Roles('tutor')
  @Get('tutor')
  async tutor(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const cohorts = await this.queries.tutorCohorts(actor.userId as string);
    return this.pages.render(reply, 'tutor/cohorts.njk', { title: 'Your cohorts', cohorts });
  }

  @Roles('student')
  @Get('progress')
  async progress(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const enrolments = await this.queries.studentEnrolments(actor.studentId as string);
    return this.pages.render(reply, 'student/progress.njk', { title: 'Your progress', enrolments });
  }
}
