import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';
import { IsCalendarDate } from '../../cohorts/dto/validators';
import { AWARD_RESULTS, type AwardResult } from '../university-award.entity';

export class RecordAwardDto {
  @ApiProperty({ example: 'London South Bank University' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NO_NUL, { message: 'awardingBody must not contain NUL characters' })
  awardingBody: string;

  @ApiProperty({ example: 'Postgraduate Certificate in Peer-supported Open Dialogue' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @Matches(NO_NUL, { message: 'title must not contain NUL characters' })
  title: string;

  @ApiProperty({ example: 7, minimum: 1, maximum: 8, description: 'FHEQ level' })
  @IsInt()
  @Min(1)
  @Max(8)
  level: number;

  @ApiProperty({ example: 60, minimum: 0, maximum: 360 })
  @IsInt()
  @Min(0)
  @Max(360)
  credits: number;

  @ApiProperty({ enum: AWARD_RESULTS })
  @IsIn(AWARD_RESULTS)
  result: AwardResult;

  @ApiPropertyOptional({ example: '2017-12-05', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  conferredOn?: string | null;
}
