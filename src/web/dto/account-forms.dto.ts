import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../auth/password-policy';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** "Forgotten your password?": the email of the login. */
export class ForgottenPasswordForm {
  @Transform(trimLower)
  @IsEmail({}, { message: 'Enter an email address in the correct format, like name@example.com' })
  @MaxLength(320, {
    message: 'Enter an email address in the correct format, like name@example.com',
  })
  @IsNotEmpty({ message: 'Enter your email address' })
  @IsString({ message: 'Enter your email address' })
  email = '';
}

/** A new password from an emailed link, typed twice. */
export class SetPasswordForm {
  @IsString()
  @MaxLength(100)
  token = '';

  @MaxLength(PASSWORD_MAX_LENGTH, {
    message: `Your password must be ${PASSWORD_MAX_LENGTH} characters or fewer`,
  })
  @IsNotEmpty({ message: 'Enter a new password' })
  @IsString({ message: 'Enter a new password' })
  password = '';

  @IsNotEmpty({ message: 'Enter your new password again' })
  @IsString({ message: 'Enter your new password again' })
  confirmPassword = '';
}
