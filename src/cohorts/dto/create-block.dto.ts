import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsCalendarDate } from './validators';

export class CreateBlockDto {
  @ApiProperty({ example: 'Residential week 2' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: '2018-03-26', description: "Within the cohort's dates" })
  @IsCalendarDate()
  startDate: string;

  @ApiProperty({ example: '2018-03-30', description: "Within the cohort's dates" })
  @IsCalendarDate()
  endDate: string;
}
