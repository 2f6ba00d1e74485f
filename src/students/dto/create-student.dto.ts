import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PROFESSIONS } from '../student.entity';
import type { Profession } from '../student.entity';

/** Trims strings so "  " is refused as empty and stored names carry no stray spaces. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Emails are compared and stored lower-cased. */
export const NormaliseEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

export class CreateStudentDto {
  @ApiProperty({ maxLength: 100, example: 'Amara' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  givenName: string;

  @ApiProperty({ maxLength: 100, example: 'Okafor' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  familyName: string;

  @ApiProperty({ maxLength: 320, example: 'amara.okafor@nelft.nhs.uk' })
  @NormaliseEmail()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ enum: PROFESSIONS })
  @IsIn(PROFESSIONS)
  profession: Profession;

  @ApiPropertyOptional({ maxLength: 200, example: 'NELFT NHS Foundation Trust', nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  employer?: string | null;

  @ApiPropertyOptional({
    maxLength: 50,
    description: 'Professional registration (e.g. NMC PIN)',
    nullable: true,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(50)
  registrationNumber?: string | null;
}
