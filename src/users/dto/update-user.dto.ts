import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ROLES } from '../user.entity';
import type { Role } from '../user.entity';

export class UpdateUserDto {
  @ApiPropertyOptional({
    enum: ROLES,
    description: 'Admin or tutor; a change ends the user’s sessions',
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ description: 'A tutor’s cohorts, replacing the list', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  cohortIds?: string[];

  @ApiPropertyOptional({ description: 'True disables the login and ends its sessions' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
