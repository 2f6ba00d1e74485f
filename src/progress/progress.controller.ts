import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { page } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { ListProgressQuery } from './dto/list-progress.query';
import { ProgressService } from './progress.service';

@ApiTags('progress')
@Controller()
export class ProgressController {
  constructor(
    private readonly progress: ProgressService,
    private readonly scope: ScopeService,
  ) {}

  @Roles('admin', 'tutor', 'student')
  @Get('enrolments/:enrolmentId/progress')
  @ApiOperation({
    summary:
      'Progress of one enrolment: attendance measures, blocks, assessments, completion rules, at risk',
  })
  async forEnrolment(@UuidParam('enrolmentId') enrolmentId: string, @CurrentActor() actor: Actor) {
    await this.scope.assertEnrolment(actor, enrolmentId);
    return this.progress.forEnrolment(enrolmentId);
  }

  @Roles('student')
  @Get('me/progress')
  @ApiOperation({ summary: "The signed-in student's progress, one entry per enrolment" })
  async mine(@CurrentActor() actor: Actor, @Query() q: ListProgressQuery) {
    const all = await this.progress.forStudent(actor.studentId as string);
    return page(all.slice(q.offset, q.offset + q.limit), all.length, q);
  }

  @Roles('admin', 'tutor')
  @Get('cohorts/:cohortId/progress')
  @ApiOperation({ summary: 'Progress of every seated enrolment of the cohort (one query)' })
  async forCohort(
    @UuidParam('cohortId') cohortId: string,
    @CurrentActor() actor: Actor,
    @Query() q: ListProgressQuery,
  ) {
    await this.scope.assertCohort(actor, cohortId);
    const all = await this.progress.forCohort(cohortId);
    return page(all.slice(q.offset, q.offset + q.limit), all.length, q);
  }
}
