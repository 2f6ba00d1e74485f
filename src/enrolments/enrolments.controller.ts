import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/access.decorators';
import { UuidParam } from '../common/uuid-param';
import { BulkEnrolmentDto } from './dto/bulk-enrolment.dto';
import { ChangeEnrolmentDto } from './dto/change-enrolment.dto';
import { CreateEnrolmentDto } from './dto/create-enrolment.dto';
import { ListEnrolmentsQuery } from './dto/list-enrolments.query';
import { TransferEnrolmentDto } from './dto/transfer-enrolment.dto';
import { EnrolmentsService } from './enrolments.service';

@ApiTags('enrolments')
@Controller()
export class EnrolmentsController {
  constructor(private readonly enrolments: EnrolmentsService) {}

  @Roles('admin')
  @Post('cohorts/:cohortId/enrolments')
  @ApiOperation({
    summary: 'Enrol a student: seated while the cohort has a free seat, otherwise waitlisted',
  })
  create(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Body() dto: CreateEnrolmentDto,
  ) {
    return this.enrolments.create(actor, cohortId, dto);
  }

  @Roles('admin')
  @Post('cohorts/:cohortId/enrolments/bulk')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enrol many students, all or nothing: seated then waitlisted in the order given',
  })
  createMany(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Body() dto: BulkEnrolmentDto,
  ) {
    return this.enrolments.createMany(actor, cohortId, dto);
  }

  @Roles('admin')
  @Post('enrolments/:enrolmentId/reinstate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Undo a withdrawal: back to a seat, or the waiting list when the cohort is full',
  })
  reinstate(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() dto: ChangeEnrolmentDto,
  ) {
    return this.enrolments.reinstate(actor, enrolmentId, dto.reason);
  }

  @Roles('admin', 'tutor')
  @Get('students/:studentId/enrolments')
  @ApiOperation({
    summary: "A student's enrolments, any status, oldest first (tutors: their cohorts only)",
  })
  async forStudent(@CurrentActor() actor: Actor, @UuidParam('studentId') studentId: string) {
    const items = await this.enrolments.forStudent(actor, studentId);
    return { studentId, items, total: items.length };
  }

  @Roles('admin', 'tutor')
  @Get('cohorts/:cohortId/enrolments')
  @ApiOperation({
    summary: "A cohort's enrolments with student names, seated first, then the waiting list",
  })
  list(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Query() q: ListEnrolmentsQuery,
  ) {
    return this.enrolments.listForCohort(actor, cohortId, q);
  }

  @Roles('admin', 'tutor', 'student')
  @Get('enrolments/:enrolmentId')
  @ApiOperation({ summary: 'One enrolment (students: only their own)' })
  get(@CurrentActor() actor: Actor, @UuidParam('enrolmentId') enrolmentId: string) {
    return this.enrolments.get(actor, enrolmentId);
  }

  @Roles('admin')
  @Post('enrolments/:enrolmentId/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw; a freed seat goes to the first on the waiting list' })
  withdraw(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() dto: ChangeEnrolmentDto,
  ) {
    return this.enrolments.withdraw(actor, enrolmentId, dto.reason);
  }

  @Roles('admin')
  @Post('enrolments/:enrolmentId/defer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Defer; a freed seat goes to the first on the waiting list' })
  defer(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() dto: ChangeEnrolmentDto,
  ) {
    return this.enrolments.defer(actor, enrolmentId, dto.reason);
  }

  @Roles('admin')
  @Post('enrolments/:enrolmentId/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A deferred student comes back: seated if a seat is free, else waitlisted',
  })
  resume(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() dto: ChangeEnrolmentDto,
  ) {
    return this.enrolments.resume(actor, enrolmentId, dto.reason);
  }

  @Roles('admin')
  @Post('enrolments/:enrolmentId/transfer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Transfer to another cohort of the same course; the two enrolments link each other',
  })
  transfer(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() dto: TransferEnrolmentDto,
  ) {
    return this.enrolments.transfer(actor, enrolmentId, dto);
  }
}
