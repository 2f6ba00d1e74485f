import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { AbsenceRequestsService } from './absence-requests.service';
import {
  CreateAbsenceRequestDto,
  DecideAbsenceRequestDto,
  ListAbsenceRequestsQuery,
} from './dto/absence-request.dto';

@ApiTags('attendance')
@Controller()
export class AbsenceRequestsController {
  constructor(private readonly requests: AbsenceRequestsService) {}

  @Roles('student')
  @Post('me/absence-requests')
  @ApiOperation({ summary: 'Send an apology for future sessions of my cohort, with a reason' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateAbsenceRequestDto) {
    return this.requests.create(actor, dto);
  }

  @Roles('student')
  @Get('me/absence-requests')
  @ApiOperation({ summary: 'My apologies and what was decided' })
  async mine(@CurrentActor() actor: Actor) {
    const items = await this.requests.mine(actor);
    return { items, total: items.length };
  }

  @Roles('admin', 'tutor')
  @Get('absence-requests')
  @ApiOperation({ summary: "Apologies of the caller's cohorts, pending first" })
  list(@CurrentActor() actor: Actor, @Query() q: ListAbsenceRequestsQuery) {
    return this.requests.list(actor, q);
  }

  @Roles('admin', 'tutor')
  @Post('absence-requests/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve: the sessions become excused for the student' })
  approve(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: DecideAbsenceRequestDto,
  ) {
    return this.requests.decide(actor, id, 'approved', dto);
  }

  @Roles('admin', 'tutor')
  @Post('absence-requests/:id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline an apology' })
  decline(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: DecideAbsenceRequestDto,
  ) {
    return this.requests.decide(actor, id, 'declined', dto);
  }
}
