import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IfPresent, IsCalendarDate } from './validators';

/** Every field optional; a field that is sent is validated as on create (null is refused). */
export class UpdateBlockDto {
  @ApiPropertyOptional({ example: 'Residential week 2' })
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ example: '2018-03-26', description: "Within the cohort's dates" })
  @IfPresent()
  @IsCalendarDate()
  startDate?: string;

  @ApiPropertyOptional({ example: '2018-03-30', description: "Within the cohort's dates" })
  @IfPresent()
  @IsCalendarDate()
  endDate?: string;
}
