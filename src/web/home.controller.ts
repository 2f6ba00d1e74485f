import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import { ProgressService } from '../progress/progress.service';
import { CsrfGuard } from './csrf.guard';
import { homeFor } from './navigation';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';
import { CohortRow, WebQueries } from './web-queries';
import { WebSession } from './web-session.service';

/** Cohorts whose students can still be at risk; finished ones show their outcomes instead. */
const LIVE_STATUSES = new Set(['planned', 'enrolling', 'running']);

/** The site root and the admin and tutor home pages (the student's is StudentPagesController's /progress). */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class HomeController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly session: WebSession,
    private readonly queries: WebQueries,
    private readonly progress: ProgressService,
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
    const live = cohorts.filter((c) => LIVE_STATUSES.has(c.status)).map((c) => c.id);
    // One progress read for every live cohort; the at-risk flag is the progress service's.
    const records = live.length
      ? await this.progress.load({ cohortIds: live, statuses: SEATED_STATUSES })
      : [];
    const atRisk = new Map<string, number>();
    for (const { view } of records) {
      if (view.atRisk) atRisk.set(view.cohortId, (atRisk.get(view.cohortId) ?? 0) + 1);
    }
    return this.pages.render(reply, 'admin/cohorts.njk', {
      title: 'Cohorts',
      cohorts: cohorts.map((c) => ({
        ...c,
        atRisk: LIVE_STATUSES.has(c.status) ? (atRisk.get(c.id) ?? 0) : null,
      })),
      courses: coursesOf(cohorts),
    });
  }

  @Roles('tutor')
  @Get('tutor')
  async tutor(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const cohorts = await this.queries.tutorCohorts(actor.userId as string);
    return this.pages.render(reply, 'tutor/cohorts.njk', { title: 'Your cohorts', cohorts });
  }
}

/** The courses of the listed cohorts, for the course-wide report downloads. */
function coursesOf(cohorts: CohortRow[]): Array<{ id: string; code: string; title: string }> {
  const courses = new Map<string, { id: string; code: string; title: string }>();
  for (const c of cohorts) {
    courses.set(c.courseId, { id: c.courseId, code: c.courseCode, title: c.courseTitle });
  }
  return [...courses.values()].sort((a, b) => a.code.localeCompare(b.code));
}
