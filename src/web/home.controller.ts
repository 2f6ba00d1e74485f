import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortOverview, CohortsService } from '../cohorts/cohorts.service';
import { CsrfGuard } from './csrf.guard';
import { homeFor } from './navigation';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';
import { WebSession } from './web-session.service';

/** The site root and the admin and tutor home pages (the student's is StudentPagesController's /progress). */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class HomeController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly session: WebSession,
    private readonly cohorts: CohortsService,
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
  async admin(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    // Seats and at-risk counts are CohortsService's, the same as the API's cohort summary.
    const cohorts = await this.cohorts.overview(actor);
    return this.pages.render(reply, 'admin/cohorts.njk', {
      title: 'Cohorts',
      cohorts,
      courses: coursesOf(cohorts),
    });
  }

  @Roles('tutor')
  @Get('tutor')
  async tutor(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    // At-risk counts as on the admin's page: the cohort summary's, per live cohort.
    const cohorts = await this.cohorts.overview(actor);
    return this.pages.render(reply, 'tutor/cohorts.njk', { title: 'Your cohorts', cohorts });
  }
}

/** The courses of the listed cohorts, for the course-wide report downloads. */
function coursesOf(cohorts: CohortOverview[]): Array<{ id: string; code: string; title: string }> {
  const courses = new Map<string, { id: string; code: string; title: string }>();
  for (const c of cohorts) {
    courses.set(c.courseId, { id: c.courseId, code: c.courseCode, title: c.courseTitle });
  }
  return [...courses.values()].sort((a, b) => a.code.localeCompare(b.code));
}
