import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';

export class ListAuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'enrolment' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  entityId?: string;

  @ApiPropertyOptional({ example: 'enrolment.withdraw' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  action?: string;
}
