import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../auth/password-policy';

export class SetPasswordDto {
  @ApiProperty({ description: 'The token from the emailed link' })
  @IsString()
  @MaxLength(100)
  token: string;

  @ApiProperty({ description: 'At least 12 characters, not easy to guess' })
  @IsString()
  @MinLength(1, { message: 'Enter a password' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}
