import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
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
}
