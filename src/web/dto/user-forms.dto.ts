import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A group of checkboxes posts nothing, one value, or several. */
const list = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? [] : [value].flat();

export const STAFF_ROLES = ['admin', 'tutor'] as const;

/** A staff login's role, display name and (for tutors) cohorts. */
export class EditUserForm {
  @IsOptional()
  @IsIn(STAFF_ROLES, { message: 'Select administrator or tutor' })
  role?: (typeof STAFF_ROLES)[number];

  @Transform(trim)
  @MaxLength(200, { message: 'The name must be 200 characters or fewer' })
  @IsString()
  displayName = '';

  @Transform(list)
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true, message: 'Select cohorts from the list' })
  cohortIds: string[] = [];
}

/** Invite a member of staff (students are invited from their cohort). */
export class InviteStaffForm {
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsEmail({}, { message: 'Enter an email address in the correct format, like name@example.com' })
  @MaxLength(320, {
    message: 'Enter an email address in the correct format, like name@example.com',
  })
  @IsNotEmpty({ message: 'Enter their email address' })
  @IsString({ message: 'Enter their email address' })
  email = '';

  @IsIn(STAFF_ROLES, { message: 'Select administrator or tutor' })
  role: (typeof STAFF_ROLES)[number] | '' = '';

  @Transform(trim)
  @MaxLength(200, { message: 'The name must be 200 characters or fewer' })
  @IsNotEmpty({ message: 'Enter their name' })
  @IsString({ message: 'Enter their name' })
  displayName = '';

  @Transform(list)
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true, message: 'Select cohorts from the list' })
  cohortIds: string[] = [];
}

export class UserSearchQuery {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  q?: string;
}
