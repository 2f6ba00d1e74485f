import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
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
}
