import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const ANNUAL_RETURN_FORMATS = ['json', 'xlsx', 'pdf'] as const;
export type AnnualReturnFormat = (typeof ANNUAL_RETURN_FORMATS)[number];

export class AnnualReturnQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  courseId: string;

  @ApiProperty({ example: 2017, description: 'Calendar year' })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiPropertyOptional({ enum: ANNUAL_RETURN_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(ANNUAL_RETURN_FORMATS)
  format: AnnualReturnFormat = 'json';
}
