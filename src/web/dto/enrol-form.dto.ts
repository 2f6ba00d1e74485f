import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ROUTES } from '../../courses/course.entity';
import type { AcademicRoute } from '../../courses/course.entity';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** Enrol a student found by email (the enrolments service checks everything else). */
export class EnrolForm {
  @Transform(trimLower)
  @IsEmail({}, { message: 'Enter an email address in the correct format, like name@example.com' })
  @MaxLength(320, {
    message: 'Enter an email address in the correct format, like name@example.com',
  })
  @IsNotEmpty({ message: "Enter the student's email address" })
  @IsString({ message: "Enter the student's email address" })
  email = '';

  @IsIn(ROUTES, { message: 'Select the route the student is taking' })
  route: AcademicRoute | '' = '';
}
