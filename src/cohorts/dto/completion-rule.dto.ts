import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  Matches,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import type { FieldProblem } from '../../common/errors';
import { COMPLETION_RULE_TYPES } from '../../completion/completion-rules';
import type { CompletionRule, CompletionRuleType } from '../../completion/completion-rules';
import type { AssessmentDefinition } from '../../courses/course.entity';
import { IfPresent } from './validators';

/** Assessment codes: upper-case letters, digits and underscores, e.g. ESSAY or CASE_STUDY_2. */
export const ASSESSMENT_CODE = /^[A-Z0-9_]{1,32}$/;

const PERCENT_RULES: readonly CompletionRuleType[] = [
  'min_attendance_percent',
  'min_block_attendance_percent',
];

/** `value` is required by the numeric rules (0..100 for percentages, >= 0 hours) and absent otherwise. */
function IsRuleValue(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isRuleValue',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const { type } = args.object as CompletionRuleDto;
          if (!COMPLETION_RULE_TYPES.includes(type)) return true;
          if (type === 'assessments_passed') return value === undefined;
          if (typeof value !== 'number' || !Number.isFinite(value)) return false;
          return PERCENT_RULES.includes(type) ? value >= 0 && value <= 100 : value >= 0;
        },
        defaultMessage(args: ValidationArguments) {
          const { type } = args.object as CompletionRuleDto;
          if (type === 'assessments_passed') return 'value is not used by assessments_passed';
          return PERCENT_RULES.includes(type)
            ? `value must be a percentage from 0 to 100 for ${type}`
            : `value must be a number of hours, 0 or more, for ${type}`;
        },
      },
    });
}

/** `codes` belongs to assessments_passed only. */
function IsOnlyForAssessmentsPassed(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isOnlyForAssessmentsPassed',
      target: target.constructor,
      propertyName,
      options: { message: 'codes is only used by assessments_passed', ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || (args.object as CompletionRuleDto).type === 'assessments_passed',
      },
    });
}

/**
 * One completion rule as sent by a client (course defaults and cohort rules alike). Whether the
 * codes name assessments of the course is checked by `ruleReferenceProblems`, which needs the
 * course.
 */
export class CompletionRuleDto {
  @ApiProperty({ enum: COMPLETION_RULE_TYPES })
  @IsIn(COMPLETION_RULE_TYPES)
  type: CompletionRuleType;

  @ApiPropertyOptional({
    description:
      'Percent (0..100) for min_attendance_percent and min_block_attendance_percent; hours (>= 0) for min_contact_hours and min_independent_hours',
  })
  @IsRuleValue()
  value?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'assessments_passed only; omitted = every required assessment of the course',
  })
  @IfPresent()
  @IsOnlyForAssessmentsPassed()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique(undefined, { message: 'codes must not repeat' })
  @Matches(ASSESSMENT_CODE, {
    each: true,
    message: 'each code must be upper-case letters, digits or underscores',
  })
  codes?: string[];
}

/** The plain rule stored as JSON (drops DTO class identity and absent fields). */
export function toCompletionRules(dtos: CompletionRuleDto[]): CompletionRule[] {
  return dtos.map((d): CompletionRule => {
    switch (d.type) {
      case 'min_attendance_percent':
      case 'min_contact_hours':
      case 'min_block_attendance_percent':
      case 'min_independent_hours':
        return { type: d.type, value: d.value as number };
      case 'assessments_passed':
        return d.codes === undefined ? { type: d.type } : { type: d.type, codes: [...d.codes] };
    }
  });
}

/** Problems with rule codes that name no assessment of the course, each naming its field. */
export function ruleReferenceProblems(
  rules: CompletionRule[],
  assessments: AssessmentDefinition[],
  field: string,
): FieldProblem[] {
  const known = new Set(assessments.map((a) => a.code));
  return rules.flatMap((rule, i) =>
    rule.type === 'assessments_passed' && rule.codes
      ? rule.codes
          .filter((code) => !known.has(code))
          .map((code) => ({
            field: `${field}.${i}.codes`,
            message: `${code} is not an assessment of the course`,
          }))
      : [],
  );
}
