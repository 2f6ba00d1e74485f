import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { CreateStudyEntryDto } from './dto/create-study-entry.dto';
import { ListStudyLogQuery } from './dto/list-study-log.query';
import { ReviewStudyEntryDto } from './dto/review-study-entry.dto';
import { UpdateStudyEntryDto } from './dto/update-study-entry.dto';
import { StudyLogService } from './study-log.service';

@ApiTags('study-log')
@Controller()
export class StudyLogController {
  constructor(private readonly studyLog: StudyLogService) {}

  @Roles('student')
  @Post('me/study-log')
  @ApiOperation({ summary: 'Record independent study (422: future date or outside the enrolment)' })
  submit(@Body() dto: CreateStudyEntryDto, @CurrentActor() actor: Actor) {
    return this.studyLog.submit(actor, dto);
  }

  @Roles('student')
  @Patch('me/study-log/:entryId')
  @ApiOperation({
    summary: 'Correct an own entry that was returned (or is waiting): it is submitted again',
  })
  resubmit(
    @UuidParam('entryId') entryId: string,
    @Body() dto: UpdateStudyEntryDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.studyLog.resubmit(actor, entryId, dto);
  }

  @Roles('student')
  @Get('me/study-log')
  @ApiOperation({ summary: "The signed-in student's study log, newest first" })
  async mine(@CurrentActor() actor: Actor) {
    return { items: await this.studyLog.listMine(actor) };
  }

  @Roles('admin', 'tutor', 'student')
  @Get('enrolments/:enrolmentId/study-log')
  @ApiOperation({ summary: "An enrolment's study log" })
  async forEnrolment(@UuidParam('enrolmentId') enrolmentId: string, @CurrentActor() actor: Actor) {
    return { items: await this.studyLog.listForEnrolment(actor, enrolmentId) };
  }

  @Roles('admin', 'tutor')
  @Get('cohorts/:cohortId/study-log')
  @ApiOperation({ summary: "A cohort's study log entries (e.g. ?status=submitted to review)" })
  async forCohort(
    @UuidParam('cohortId') cohortId: string,
    @Query() q: ListStudyLogQuery,
    @CurrentActor() actor: Actor,
  ) {
    return { items: await this.studyLog.listForCohort(actor, cohortId, q.status) };
  }

  @Roles('admin', 'tutor')
  @Post('study-log/:entryId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve an entry: its minutes count' })
  approve(
    @UuidParam('entryId') entryId: string,
    @Body() dto: ReviewStudyEntryDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.studyLog.review(actor, entryId, 'approve', dto.comment);
  }

  @Roles('admin', 'tutor')
  @Post('study-log/:entryId/return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return an entry to the student with a comment: it does not count' })
  giveBack(
    @UuidParam('entryId') entryId: string,
    @Body() dto: ReviewStudyEntryDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.studyLog.review(actor, entryId, 'return', dto.comment);
  }
}
