import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { BlocksService } from './blocks.service';
import { CreateBlockDto } from './dto/create-block.dto';

@ApiTags('timetable')
@Controller('cohorts/:cohortId/blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: "Add a teaching block within the cohort's dates" })
  create(@UuidParam('cohortId') cohortId: string, @Body() dto: CreateBlockDto) {
    return this.blocks.create(cohortId, dto);
  }

  @Roles('admin', 'tutor')
  @Get()
  @ApiOperation({ summary: 'Blocks of a cohort, in date order' })
  list(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Query() q: PageQuery,
  ) {
    return this.blocks.list(actor, cohortId, q);
  }
}
