import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';
import { COMPLETION_OUTCOMES } from '../../completion/dto/override-completion.dto';
import type { CompletionOutcome } from '../../completion/completion-decision.entity';
import { PROFESSIONS } from '../../students/student.entity';
import type { Profession } from '../../students/student.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
/** An empty optional box clears the value (the API takes null for that). */
const emptyToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() || null : value;

/**
 * Correcting a student's details: every field of the record and, always, why (the API takes the
 * same fields and the reason, PATCH /api/v1/students/:studentId; the service writes only what
 * changed).
 */
export class StudentDetailsForm {
  @Transform(trim)
  @MaxLength(100, { message: 'Given name must be 100 characters or fewer' })
  @IsNotEmpty({ message: 'Enter their given name' })
  @IsString({ message: 'Enter their given name' })
  givenName = '';

  @Transform(trim)
  @MaxLength(100, { message: 'Family name must be 100 characters or fewer' })
  @IsNotEmpty({ message: 'Enter their family name' })
  @IsString({ message: 'Enter their family name' })
  familyName = '';

  @Transform(trimLower)
  @MaxLength(320, {
    message: 'Enter an email address in the correct format, like name@example.com',
  })
  @IsEmail({}, { message: 'Enter an email address in the correct format, like name@example.com' })
  @IsNotEmpty({ message: 'Enter their email address' })
  @IsString({ message: 'Enter their email address' })
  email = '';

  @IsIn(PROFESSIONS, { message: 'Select their profession' })
  profession: Profession | '' = '';

  @Transform(emptyToNull)
  @IsOptional()
  @MaxLength(200, { message: 'Employer must be 200 characters or fewer' })
  @IsString({ message: 'Enter their employer' })
  employer: string | null = null;

  @Transform(emptyToNull)
  @IsOptional()
  @MaxLength(50, { message: 'Professional registration must be 50 characters or fewer' })
  @IsString({ message: 'Enter their professional registration' })
  registrationNumber: string | null = null;

  @Transform(trim)
  @Matches(NO_NUL, { message: 'Enter a reason' })
  @MaxLength(1000, { message: 'The reason must be 1000 characters or fewer' })
  @IsNotEmpty({ message: 'Enter why you are changing their details' })
  @IsString({ message: 'Enter why you are changing their details' })
  reason = '';
}

/** An administrator's completion decision, overriding the rules, with a reason. */
export class OverrideForm {
  @IsIn(COMPLETION_OUTCOMES, { message: 'Select completed or not completed' })
  outcome: CompletionOutcome | '' = '';

  @Transform(trim)
  @Matches(NO_NUL, { message: 'Enter a reason' })
  @MaxLength(1000, { message: 'The reason must be 1000 characters or fewer' })
  @IsNotEmpty({ message: 'Enter why you are overriding the rules' })
  @IsString({ message: 'Enter why you are overriding the rules' })
  reason = '';
}
