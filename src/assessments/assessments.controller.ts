import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { AssessmentsService } from './assessments.service';
import { RecordAssessmentDto } from './dto/record-assessment.dto';

@ApiTags('assessments')
@Controller()
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Roles('admin', 'tutor')
  @Put('enrolments/:enrolmentId/assessments/:code')
  @ApiOperation({
    summary: 'Record the outcome of an assessed piece of work (idempotent; attempts counted)',
  })
  @ApiNotFoundResponse({ description: "Unknown enrolment, or a code not among the course's" })
  record(
    @UuidParam('enrolmentId') enrolmentId: string,
    @Param('code') code: string,
    @Body() dto: RecordAssessmentDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.assessments.record(actor, enrolmentId, code, dto);
  }

  @Roles('admin', 'tutor', 'student')
  @Get('enrolments/:enrolmentId/assessments')
  @ApiOperation({ summary: "Every assessment of the enrolment's course with its result or null" })
  list(@UuidParam('enrolmentId') enrolmentId: string, @CurrentActor() actor: Actor) {
    return this.assessments.list(actor, enrolmentId);
  }
}
