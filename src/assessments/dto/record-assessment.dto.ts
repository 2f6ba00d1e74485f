import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';
import { ASSESSMENT_OUTCOMES } from '../assessment-result.entity';
import type { AssessmentOutcome } from '../assessment-result.entity';

export class RecordAssessmentDto {
  @ApiProperty({ enum: ASSESSMENT_OUTCOMES })
  @IsIn(ASSESSMENT_OUTCOMES)
  outcome: AssessmentOutcome;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100,
    description: 'At most one decimal',
    nullable: true,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 })
  @Min(0)
  @Max(100)
  mark?: number | null;

  @ApiPropertyOptional({
    description: 'Omitted keeps the note already recorded; null or "" clears it',
    nullable: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(NO_NUL, { message: 'note must not contain NUL characters' })
  note?: string | null;
}
