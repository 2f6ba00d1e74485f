import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { SESSION_KINDS } from '../session.entity';
import type { SessionKind } from '../session.entity';
import { SESSION_TIME_PATTERN } from '../session-time';

export const SESSION_TIME_MESSAGE =
  '$property must be an ISO 8601 date-time: 2018-03-26T09:30 (local to the cohort) or with Z or an offset';

export class CreateSessionDto {
  @ApiProperty({ example: 'Open Dialogue practice' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({ enum: SESSION_KINDS })
  @IsIn(SESSION_KINDS)
  kind: SessionKind;

  @ApiProperty({
    example: '2018-03-26T09:30',
    description:
      "Without an offset: wall-clock time in the cohort's time zone. With Z or an offset: an instant.",
  })
  @IsString()
  @Matches(SESSION_TIME_PATTERN, { message: SESSION_TIME_MESSAGE })
  startsAt: string;

  @ApiProperty({ example: '2018-03-26T16:30' })
  @IsString()
  @Matches(SESSION_TIME_PATTERN, { message: SESSION_TIME_MESSAGE })
  endsAt: string;

  @ApiPropertyOptional({ description: 'A block of the same cohort' })
  @IsOptional()
  @IsUUID()
  blockId?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  location?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  mandatory?: boolean;

  @ApiPropertyOptional({ description: 'Defaults to the minutes between startsAt and endsAt' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  contactMinutes?: number;
}
