import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { CompletionService } from './completion.service';
import { OverrideCompletionDto } from './dto/override-completion.dto';

@ApiTags('completion')
@Controller()
export class CompletionController {
  constructor(private readonly completion: CompletionService) {}

  @Roles('admin')
  @Post('cohorts/:cohortId/completion/evaluate')
  @HttpCode(200)
  @ApiOperation({
    summary: "Decide every enrolled student by the cohort's rules (safe to re-run)",
    description:
      'Refused (409 cohort_not_ended) until the last mandatory session has ended. Decided ' +
      'enrolments change only by an override. Each completed enrolment without a certificate ' +
      'gets a certificate job.',
  })
  @ApiConflictResponse({ description: "The cohort's last mandatory session has not ended" })
  evaluate(@UuidParam('cohortId') cohortId: string, @CurrentActor() actor: Actor) {
    return this.completion.evaluate(actor, cohortId);
  }

  @Roles('admin')
  @Get('cohorts/:cohortId/completion/preview')
  @ApiOperation({
    summary: 'What an evaluation would decide now, without deciding anything',
    description:
      'Runs at any time and writes nothing: the same selection and rules as evaluate, with ' +
      'whether evaluation is open yet (after the last mandatory session has ended).',
  })
  preview(@UuidParam('cohortId') cohortId: string, @CurrentActor() actor: Actor) {
    return this.completion.preview(actor, cohortId);
  }

  @Roles('admin')
  @Post('enrolments/:enrolmentId/completion')
  @HttpCode(200)
  @ApiOperation({ summary: 'Override the completion decision with a reason (audited)' })
  @ApiConflictResponse({
    description: 'The enrolment is waitlisted, deferred, withdrawn or transferred',
  })
  override(
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() dto: OverrideCompletionDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.completion.override(actor, enrolmentId, dto);
  }

  @Roles('admin', 'tutor', 'student')
  @Get('enrolments/:enrolmentId/completion')
  @ApiOperation({ summary: 'Completion decisions of the enrolment, the standing one first' })
  decisions(@UuidParam('enrolmentId') enrolmentId: string, @CurrentActor() actor: Actor) {
    return this.completion.decisions(actor, enrolmentId);
  }
}
