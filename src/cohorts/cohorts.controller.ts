import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { CohortsService } from './cohorts.service';
import { AssignTutorDto } from './dto/assign-tutor.dto';
import { CreateCohortDto } from './dto/create-cohort.dto';
import { ListCohortsQuery } from './dto/list-cohorts.query';
import { UpdateCohortDto } from './dto/update-cohort.dto';

@ApiTags('cohorts')
@Controller('cohorts')
export class CohortsController {
  constructor(private readonly cohorts: CohortsService) {}

  @Roles('admin', 'tutor')
  @Get()
  @ApiOperation({ summary: 'List cohorts (tutors: the cohorts they are assigned to)' })
  list(@CurrentActor() actor: Actor, @Query() q: ListCohortsQuery) {
    return this.cohorts.list(actor, q);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({
    summary: "Create a cohort; completion rules default to a copy of the course's defaults",
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCohortDto) {
    return this.cohorts.create(actor, dto);
  }

  @Roles('admin', 'tutor')
  @Get(':cohortId')
  @ApiOperation({ summary: 'One cohort' })
  get(@CurrentActor() actor: Actor, @UuidParam('cohortId') id: string) {
    return this.cohorts.get(actor, id);
  }

  @Roles('admin')
  @Patch(':cohortId')
  @ApiOperation({ summary: 'Change a cohort (only the fields sent)' })
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Body() dto: UpdateCohortDto,
  ) {
    return this.cohorts.update(actor, id, dto);
  }

  @Roles('admin', 'tutor')
  @Get(':cohortId/summary')
  @ApiOperation({ summary: 'Seats and enrolment outcomes of a cohort' })
  summary(@CurrentActor() actor: Actor, @UuidParam('cohortId') id: string) {
    return this.cohorts.summary(actor, id);
  }

  @Roles('admin', 'tutor')
  @Get(':cohortId/tutors')
  @ApiOperation({ summary: 'Tutors assigned to a cohort' })
  tutors(@CurrentActor() actor: Actor, @UuidParam('cohortId') id: string, @Query() q: PageQuery) {
    return this.cohorts.tutors(actor, id, q);
  }

  @Roles('admin')
  @Post(':cohortId/tutors')
  @ApiOperation({ summary: 'Assign a tutor to a cohort (idempotent)' })
  assignTutor(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Body() dto: AssignTutorDto,
  ) {
    return this.cohorts.assignTutor(actor, id, dto.userId);
  }

  @Roles('admin')
  @Delete(':cohortId/tutors/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a tutor from a cohort' })
  async unassignTutor(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @UuidParam('userId') userId: string,
  ): Promise<void> {
    await this.cohorts.unassignTutor(actor, id, userId);
  }
}
