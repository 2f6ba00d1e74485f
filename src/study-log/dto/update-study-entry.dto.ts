import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';
import { IsCalendarDate } from '../../cohorts/dto/validators';
import { STUDY_KINDS, type StudyKind } from '../study-log-entry.entity';

/** A correction of a returned (or still waiting) entry: any field, the rest stays. */
export class UpdateStudyEntryDto {
  @ApiPropertyOptional({ example: '2026-11-20' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1440 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes?: number;

  @ApiPropertyOptional({ enum: STUDY_KINDS })
  @IsOptional()
  @IsIn(STUDY_KINDS)
  kind?: StudyKind;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(NO_NUL, { message: 'reflection must not contain NUL characters' })
  reflection?: string | null;
}
