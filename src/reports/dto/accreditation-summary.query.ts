import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

export const SUMMARY_FORMATS = ['json', 'xlsx'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export class AccreditationSummaryQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  courseId: string;

  @ApiPropertyOptional({ enum: SUMMARY_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(SUMMARY_FORMATS)
  format: SummaryFormat = 'json';
}
