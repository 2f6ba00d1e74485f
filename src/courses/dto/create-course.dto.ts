import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ASSESSMENT_CODE, CompletionRuleDto } from '../../cohorts/dto/completion-rule.dto';
import { ROUTES } from '../course.entity';
import type { AcademicRoute } from '../course.entity';

/** Course codes appear in certificate serials (POD-C4-0007): upper case, digits, _ and -. */
export const COURSE_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

export class CourseTargetsDto {
  @ApiProperty({ example: 60 })
  @IsInt()
  @Min(0)
  @Max(100_000)
  contactHours: number;

  @ApiProperty({ example: 120 })
  @IsInt()
  @Min(0)
  @Max(100_000)
  independentHours: number;
}

export class AssessmentDefinitionDto {
  @ApiProperty({ example: 'ESSAY', pattern: ASSESSMENT_CODE.source })
  @Matches(ASSESSMENT_CODE, { message: 'code must be upper-case letters, digits or underscores' })
  code: string;

  @ApiProperty({ example: 'Reflective essay' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty()
  @IsBoolean()
  required: boolean;
}

export class CreateCourseDto {
  @ApiProperty({ example: 'POD', pattern: COURSE_CODE.source })
  @Matches(COURSE_CODE, {
    message:
      'code must be 1 to 32 upper-case letters, digits, _ or -, starting with a letter or digit',
  })
  code: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @ApiProperty({ example: 'NELFT NHS Foundation Trust with London South Bank University' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  provider: string;

  @ApiProperty({ example: 'AFT' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  accreditationBody: string;

  @ApiProperty({ example: 'Foundation' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  accreditationLevel: string;

  @ApiPropertyOptional({ enum: ROUTES, isArray: true, default: ROUTES })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ROUTES, { each: true })
  routes?: AcademicRoute[];

  @ApiProperty({ type: CourseTargetsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CourseTargetsDto)
  targets: CourseTargetsDto;

  @ApiProperty({ type: [AssessmentDefinitionDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique((a: AssessmentDefinitionDto) => a?.code, {
    message: 'assessments must have distinct codes',
  })
  @ValidateNested({ each: true })
  @Type(() => AssessmentDefinitionDto)
  assessments: AssessmentDefinitionDto[];

  @ApiProperty({ type: [CompletionRuleDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CompletionRuleDto)
  defaultCompletionRules: CompletionRuleDto[];
}
