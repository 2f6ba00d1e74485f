import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * The sign-in form. Messages follow the NHS.UK design system's error message wording. A field
 * shows only its first failing message, and decorators register bottom-up: the most basic
 * check sits nearest the property.
 */
export class SignInForm {
  @Transform(trim)
  @MaxLength(320, { message: 'Enter a correct email and password' })
  @IsNotEmpty({ message: 'Enter your email address' })
  @IsString({ message: 'Enter your email address' })
  email = '';

  @MaxLength(1024, { message: 'Enter a correct email and password' })
  @IsNotEmpty({ message: 'Enter your password' })
  @IsString({ message: 'Enter your password' })
  password = '';

  /** Where to go after signing in (checked with safeNextPath before use). */
  @IsOptional()
  @IsString()
  next?: string;
}
