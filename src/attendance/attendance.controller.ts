import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { AttendanceService } from './attendance.service';
import { SaveRegisterDto } from './dto/save-register.dto';

@ApiTags('attendance')
@Controller()
export class AttendanceController {
  constructor(private readonly attendance: AttendanceService) {}

  @Roles('admin', 'tutor')
  @Put('sessions/:sessionId/attendance')
  @ApiOperation({
    summary: 'Save a register, whole or part, in one request (idempotent)',
    description:
      'One multi-row upsert; records equal to the stored ones are left untouched. ' +
      '`saved` counts the records written or changed.',
  })
  @ApiUnprocessableEntityResponse({
    description: "An enrolment not seated in the session's cohort, or minutes out of range",
  })
  save(
    @UuidParam('sessionId') sessionId: string,
    @Body() dto: SaveRegisterDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.attendance.save(actor, sessionId, dto);
  }

  @Roles('admin', 'tutor')
  @Get('sessions/:sessionId/attendance')
  @ApiOperation({ summary: 'The register: every seated enrolment with its record or null' })
  register(@UuidParam('sessionId') sessionId: string, @CurrentActor() actor: Actor) {
    return this.attendance.register(actor, sessionId);
  }

  @Roles('admin', 'tutor', 'student')
  @Get('enrolments/:enrolmentId/attendance')
  @ApiOperation({ summary: "Every session of the enrolment's cohort with its record or null" })
  forEnrolment(@UuidParam('enrolmentId') enrolmentId: string, @CurrentActor() actor: Actor) {
    return this.attendance.forEnrolment(actor, enrolmentId);
  }
}
