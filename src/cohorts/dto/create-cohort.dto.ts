import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { COHORT_STATUSES } from '../cohort.entity';
import type { CohortStatus } from '../cohort.entity';
import { CompletionRuleDto } from './completion-rule.dto';
import { ReminderSettingsDto } from './reminder-settings.dto';
import { IsCalendarDate, IsIanaTimeZone } from './validators';

export class CreateCohortDto {
  @ApiProperty()
  @IsUUID()
  courseId: string;

  @ApiProperty({ example: 4, description: 'Unique within the course' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  number: number;

  @ApiPropertyOptional({ description: 'Defaults to "Cohort <number>"' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiProperty({ example: '2018-01-08' })
  @IsCalendarDate()
  startDate: string;

  @ApiProperty({ example: '2018-12-14' })
  @IsCalendarDate()
  endDate: string;

  @ApiProperty({ example: 70 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  capacity: number;

  @ApiPropertyOptional({ default: 'Europe/London', description: 'IANA time zone' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    type: [CompletionRuleDto],
    description: "Defaults to a copy of the course's default completion rules",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CompletionRuleDto)
  completionRules?: CompletionRuleDto[];

  @ApiPropertyOptional({ default: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  warnAfterConsecutiveAbsences?: number;

  @ApiPropertyOptional({ type: ReminderSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReminderSettingsDto)
  reminderSettings?: ReminderSettingsDto;

  @ApiPropertyOptional({ enum: COHORT_STATUSES, default: 'planned' })
  @IsOptional()
  @IsIn(COHORT_STATUSES)
  status?: CohortStatus;
}
