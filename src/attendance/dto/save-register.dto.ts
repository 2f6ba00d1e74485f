import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ATTENDANCE_STATUSES } from '../attendance-record.entity';
import type { AttendanceStatus } from '../attendance-record.entity';

/** PostgreSQL text cannot hold NUL: such input is refused as malformed (400), not a 500. */
// eslint-disable-next-line no-control-regex -- NUL is exactly the character refused
export const NO_NUL = /^[^\u0000]*$/;

export class RegisterRecordDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  enrolmentId: string;

  @ApiProperty({ enum: ATTENDANCE_STATUSES })
  @IsIn(ATTENDANCE_STATUSES)
  status: AttendanceStatus;

  @ApiPropertyOptional({
    description:
      "present: omit or give the session's contact minutes; late, left_early: required, " +
      'more than 0 and less than the contact minutes; excused, absent: omit or 0',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  minutesAttended?: number;

  @ApiPropertyOptional({
    description: 'Omitted keeps the note already recorded; null or "" clears it',
    nullable: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(NO_NUL, { message: 'note must not contain NUL characters' })
  note?: string | null;
}

export class SaveRegisterDto {
  @ApiProperty({ type: [RegisterRecordDto], description: 'The whole register or part of it' })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => RegisterRecordDto)
  records: RegisterRecordDto[];
}
