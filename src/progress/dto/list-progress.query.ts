import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';

/**
 * Progress lists page like every list, but default to the largest page: a cohort's progress is
 * read as a whole (capacity 70), and the measures are one query for the cohort anyway.
 */
export class ListProgressQuery extends PageQuery {
  @ApiPropertyOptional({ default: 500, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  override limit = 500;
}
