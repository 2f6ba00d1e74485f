import { ApiPropertyOptional } from '@nestjs/swagger';
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
import { IfPresent } from '../../cohorts/dto/validators';
import { SESSION_KINDS } from '../session.entity';
import type { SessionKind } from '../session.entity';
import { SESSION_TIME_PATTERN } from '../session-time';
import { SESSION_TIME_MESSAGE } from './create-session.dto';

/**
 * Every field optional. `blockId` and `location` may be set to null to clear them; the other
 * fields refuse null.
 */
export class UpdateSessionDto {
  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ enum: SESSION_KINDS })
  @IfPresent()
  @IsIn(SESSION_KINDS)
  kind?: SessionKind;

  @ApiPropertyOptional({ example: '2018-03-26T09:30' })
  @IfPresent()
  @IsString()
  @Matches(SESSION_TIME_PATTERN, { message: SESSION_TIME_MESSAGE })
  startsAt?: string;

  @ApiPropertyOptional({ example: '2018-03-26T16:30' })
  @IfPresent()
  @IsString()
  @Matches(SESSION_TIME_PATTERN, { message: SESSION_TIME_MESSAGE })
  endsAt?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsUUID()
  blockId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  location?: string | null;

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean()
  mandatory?: boolean;

  @ApiPropertyOptional()
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(100_000)
  contactMinutes?: number;
}
