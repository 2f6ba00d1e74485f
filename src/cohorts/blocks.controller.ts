import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { BlocksService } from './blocks.service';
import { CreateBlockDto } from './dto/create-block.dto';
import { DeleteBlockQuery } from './dto/delete-block.query';
import { UpdateBlockDto } from './dto/update-block.dto';

@ApiTags('timetable')
@Controller('cohorts/:cohortId/blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: "Add a teaching block within the cohort's dates" })
  create(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Body() dto: CreateBlockDto,
  ) {
    return this.blocks.create(actor, cohortId, dto);
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

  @Roles('admin')
  @Patch(':blockId')
  @ApiOperation({
    summary:
      "Rename a block or change its days (within the cohort's; its sessions must still fall on them)",
  })
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @UuidParam('blockId') blockId: string,
    @Body() dto: UpdateBlockDto,
  ) {
    return this.blocks.update(actor, cohortId, blockId, dto);
  }

  @Roles('admin')
  @Delete(':blockId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Delete a block: 409 when a session of it has a register, or when it has sessions and ' +
      '`sessions` (delete | keep) does not say what happens to them',
  })
  async remove(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @UuidParam('blockId') blockId: string,
    @Query() q: DeleteBlockQuery,
  ): Promise<void> {
    await this.blocks.remove(actor, cohortId, blockId, q.sessions);
  }
}
