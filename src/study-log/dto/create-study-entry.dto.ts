import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';
import { IsCalendarDate } from '../../cohorts/dto/validators';
import { STUDY_KINDS, type StudyKind } from '../study-log-entry.entity';

export class CreateStudyEntryDto {
  @ApiProperty({ example: '2026-11-20', description: 'The day of study (YYYY-MM-DD)' })
  @IsCalendarDate()
  date: string;

  @ApiProperty({ minimum: 1, maximum: 1440 })
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes: number;

  @ApiProperty({ enum: STUDY_KINDS })
  @IsIn(STUDY_KINDS)
  kind: StudyKind;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(NO_NUL, { message: 'reflection must not contain NUL characters' })
  reflection?: string | null;

  @ApiPropertyOptional({
    description: 'The enrolment the study belongs to; omitted = the enrolment running on that date',
  })
  @IsOptional()
  @IsUUID()
  enrolmentId?: string;
}
