import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';
import { PROFESSIONS } from '../student.entity';
import type { Profession } from '../student.entity';
import { NormaliseEmail, Trim } from './create-student.dto';

/** Only the fields sent change; employer and registrationNumber may be set to null to clear. */
export class UpdateStudentDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((_, v) => v !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  givenName?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((_, v) => v !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  familyName?: string;

  @ApiPropertyOptional({ maxLength: 320 })
  @ValidateIf((_, v) => v !== undefined)
  @NormaliseEmail()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ enum: PROFESSIONS })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(PROFESSIONS)
  profession?: Profession;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  employer?: string | null;

  @ApiPropertyOptional({ maxLength: 50, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(50)
  registrationNumber?: string | null;

  @ApiPropertyOptional({
    maxLength: 1000,
    description:
      'Why the record is corrected (e.g. "Name misspelt at import"); kept in the audit event, erased with the student',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @Matches(NO_NUL, { message: 'reason must not contain NUL characters' })
  @MaxLength(1000)
  reason?: string;
}
