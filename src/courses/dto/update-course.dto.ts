import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CompletionRuleDto } from '../../cohorts/dto/completion-rule.dto';
import { IfPresent } from '../../cohorts/dto/validators';
import { ROUTES } from '../course.entity';
import type { AcademicRoute } from '../course.entity';
import { AssessmentDefinitionDto, COURSE_CODE, CourseTargetsDto } from './create-course.dto';

/** Every field optional; a field that is sent is validated as on create (null is refused). */
export class UpdateCourseDto {
  @ApiPropertyOptional({ pattern: COURSE_CODE.source })
  @IfPresent()
  @Matches(COURSE_CODE, {
    message:
      'code must be 1 to 32 upper-case letters, digits, _ or -, starting with a letter or digit',
  })
  code?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  provider?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  accreditationBody?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  accreditationLevel?: string;

  @ApiPropertyOptional({ enum: ROUTES, isArray: true })
  @IfPresent()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ROUTES, { each: true })
  routes?: AcademicRoute[];

  @ApiPropertyOptional({ type: CourseTargetsDto })
  @IfPresent()
  @IsObject()
  @ValidateNested()
  @Type(() => CourseTargetsDto)
  targets?: CourseTargetsDto;

  @ApiPropertyOptional({ type: [AssessmentDefinitionDto] })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique((a: AssessmentDefinitionDto) => a?.code, {
    message: 'assessments must have distinct codes',
  })
  @ValidateNested({ each: true })
  @Type(() => AssessmentDefinitionDto)
  assessments?: AssessmentDefinitionDto[];

  @ApiPropertyOptional({ type: [CompletionRuleDto] })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CompletionRuleDto)
  defaultCompletionRules?: CompletionRuleDto[];
}
