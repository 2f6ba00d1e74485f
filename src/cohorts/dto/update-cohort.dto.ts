import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
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
import { IfPresent, IsCalendarDate, IsIanaTimeZone } from './validators';

/** Every field optional; a field that is sent is validated as on create (null is refused). */
export class UpdateCohortDto {
  @ApiPropertyOptional()
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(100_000)
  number?: number;

  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @IsCalendarDate()
  startDate?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @IsCalendarDate()
  endDate?: string;

  @ApiPropertyOptional({
    description:
      'Refused with 409 below the seats already taken; a rise seats the waiting list in order',
  })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(100_000)
  capacity?: number;

  @ApiPropertyOptional({
    description: 'Existing sessions keep their instants; only their local rendering changes',
  })
  @IfPresent()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: [CompletionRuleDto] })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CompletionRuleDto)
  completionRules?: CompletionRuleDto[];

  @ApiPropertyOptional()
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(1000)
  warnAfterConsecutiveAbsences?: number;

  @ApiPropertyOptional({ type: ReminderSettingsDto })
  @IfPresent()
  @IsObject()
  @ValidateNested()
  @Type(() => ReminderSettingsDto)
  reminderSettings?: ReminderSettingsDto;

  @ApiPropertyOptional({ enum: COHORT_STATUSES })
  @IfPresent()
  @IsIn(COHORT_STATUSES)
  status?: CohortStatus;

  @ApiPropertyOptional({
    description:
      'true: the status follows the dates again (enrolling, running, completed once evaluated)',
  })
  @IfPresent()
  @IsBoolean()
  statusFollowsDates?: boolean;
}
