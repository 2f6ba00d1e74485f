import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ROUTES } from '../../courses/course.entity';
import type { AcademicRoute } from '../../courses/course.entity';

/** Enrol many students by pasted email addresses, optionally inviting those without a login. */
export class BulkEnrolForm {
  @MaxLength(100_000, { message: 'Paste at most 500 email addresses' })
  @IsNotEmpty({ message: 'Enter the email addresses of the students to enrol' })
  @IsString({ message: 'Enter the email addresses of the students to enrol' })
  emails = '';

  @IsIn(ROUTES, { message: 'Select the route the students are taking' })
  route: AcademicRoute | '' = '';

  /** A checkbox: present ("yes") when ticked. */
  @Transform(({ value }: { value: unknown }) => value === 'yes')
  @IsBoolean()
  invite = false;
}
