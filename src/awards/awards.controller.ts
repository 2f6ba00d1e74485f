import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { AwardsService } from './awards.service';
import { RecordAwardDto } from './dto/record-award.dto';

@ApiTags('awards')
@Controller()
export class AwardsController {
  constructor(private readonly awards: AwardsService) {}

  @Roles('admin')
  @Put('enrolments/:enrolmentId/award')
  @ApiOperation({ summary: 'Record the university award conferred for an enrolment' })
  record(
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() dto: RecordAwardDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.awards.record(actor, enrolmentId, dto);
  }

  @Roles('admin', 'tutor', 'student')
  @Get('enrolments/:enrolmentId/award')
  @ApiOperation({ summary: "The enrolment's university award; 404 when none is recorded" })
  get(@UuidParam('enrolmentId') enrolmentId: string, @CurrentActor() actor: Actor) {
    return this.awards.get(actor, enrolmentId);
  }
}
