import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';

export class ReviewStudyEntryDto {
  @ApiPropertyOptional({
    maxLength: 1000,
    description: 'Said to the student (why it was returned)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(NO_NUL, { message: 'comment must not contain NUL characters' })
  comment?: string | null;
}
