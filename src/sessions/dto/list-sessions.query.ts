import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination';

const DATE_OR_TIME =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
const MESSAGE =
  '$property must be a date (2018-03-26, a cohort-local day) or an ISO 8601 date-time';

export class ListSessionsQuery extends PageQuery {
  @ApiPropertyOptional({
    example: '2018-03-26',
    description: 'Sessions starting at or after this (a date means the start of that local day)',
  })
  @IsOptional()
  @Matches(DATE_OR_TIME, { message: MESSAGE })
  from?: string;

  @ApiPropertyOptional({
    example: '2018-03-30',
    description: 'Sessions starting before this (a date includes that whole local day)',
  })
  @IsOptional()
  @Matches(DATE_OR_TIME, { message: MESSAGE })
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  blockId?: string;
}
