import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { ABSENCE_REQUEST_STATUSES } from '../absence-request.entity';
import type { AbsenceRequestStatus } from '../absence-request.entity';
import { NO_NUL } from './save-register.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateAbsenceRequestDto {
  @ApiProperty({ type: [String], description: 'Future sessions of one cohort the student is in' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray({ message: 'Select the sessions you will miss' })
  @ArrayMinSize(1, { message: 'Select the sessions you will miss' })
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID(undefined, { each: true, message: 'Select the sessions you will miss' })
  sessionIds: string[];

  @ApiProperty({ example: 'Hospital appointment', maxLength: 1000 })
  @Transform(trim)
  @IsString({ message: 'Enter the reason for your apology' })
  @IsNotEmpty({ message: 'Enter the reason for your apology' })
  @MaxLength(1000, { message: 'The reason must be 1000 characters or fewer' })
  @Matches(NO_NUL, { message: 'The reason must not contain NUL characters' })
  reason: string;
}

export class DecideAbsenceRequestDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000, { message: 'The comment must be 1000 characters or fewer' })
  @Matches(NO_NUL, { message: 'The comment must not contain NUL characters' })
  comment?: string;
}

export class ListAbsenceRequestsQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  cohortId?: string;

  @ApiPropertyOptional({ enum: ABSENCE_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(ABSENCE_REQUEST_STATUSES)
  status?: AbsenceRequestStatus;
}
