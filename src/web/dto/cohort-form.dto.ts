import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate, IsIanaTimeZone } from '../../cohorts/dto/validators';
import { COHORT_STATUSES } from '../../cohorts/cohort.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const WHOLE = /^\d{1,6}$/;

/** "follow" = the status follows the dates (cohorts/cohort-status.ts). */
export const STATUS_CHOICES = ['follow', ...COHORT_STATUSES] as const;

/**
 * The cohort set-up form as typed (strings). toCohortInput() turns it into the API's fields;
 * the cohorts service checks the rest (number unique in the course, blocks within the dates).
 */
export class CohortForm {
  @IsOptional()
  courseId = '';

  @Transform(trim)
  @Matches(WHOLE, { message: 'Enter the cohort number, like 5' })
  number = '';

  @Transform(trim)
  @MaxLength(200, { message: 'The name must be 200 characters or fewer' })
  name = '';

  @Transform(trim)
  @IsCalendarDate({ message: 'Enter the start date as YYYY-MM-DD, like 2027-01-11' })
  startDate = '';

  @Transform(trim)
  @IsCalendarDate({ message: 'Enter the end date as YYYY-MM-DD, like 2027-12-10' })
  endDate = '';

  @Transform(trim)
  @Matches(WHOLE, { message: 'Enter the number of seats, like 70' })
  capacity = '70';

  @Transform(trim)
  @IsIanaTimeZone({ message: 'Enter a time zone such as Europe/London' })
  timezone = 'Europe/London';

  @Transform(trim)
  @Matches(WHOLE, { message: 'Enter after how many missed sessions in a row to warn, like 3' })
  warnAfterConsecutiveAbsences = '3';

  @IsIn(STATUS_CHOICES, { message: 'Select the status' })
  status = 'follow';

  @Transform(trim)
  @Matches(/^$|^\d{1,3}(\.\d)?$/, {
    message: 'Enter the attendance needed as a percentage, like 80',
  })
  minAttendancePercent = '';

  @Transform(trim)
  @Matches(/^$|^\d{1,4}(\.\d)?$/, { message: 'Enter the contact hours needed, like 60' })
  minContactHours = '';

  @Transform(trim)
  @Matches(/^$|^\d{1,3}(\.\d)?$/, {
    message: 'Enter the attendance needed in every block as a percentage, like 50',
  })
  minBlockAttendancePercent = '';

  @IsOptional()
  assessmentsPassed: string | undefined = undefined;
}
