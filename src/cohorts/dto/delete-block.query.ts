import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const BLOCK_SESSION_CHOICES = ['delete', 'keep'] as const;
export type BlockSessionChoice = (typeof BLOCK_SESSION_CHOICES)[number];

export class DeleteBlockQuery {
  @ApiPropertyOptional({
    enum: BLOCK_SESSION_CHOICES,
    description:
      "What happens to the block's sessions: `delete` them too, or `keep` them in the timetable " +
      'outside any block. Without it a block that still has sessions is refused (409). Either ' +
      'way, a block any of whose sessions has a register is refused (409).',
  })
  @IsOptional()
  @IsIn(BLOCK_SESSION_CHOICES)
  sessions?: BlockSessionChoice;
}
