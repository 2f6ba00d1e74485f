import { Transform } from 'class-transformer';
import { IsIn, Matches, MaxLength, MinLength } from 'class-validator';
import type { BlockSessionChoice } from '../../cohorts/dto/delete-block.query';
import { IsCalendarDate } from '../../cohorts/dto/validators';
import { SESSION_KINDS } from '../../sessions/session.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Add a teaching block. */
export class BlockForm {
  @Transform(trim)
  @MaxLength(200, { message: 'The title must be 200 characters or fewer' })
  @MinLength(1, { message: 'Enter a title for the block, like Residential week 1' })
  title = '';

  @Transform(trim)
  @IsCalendarDate({ message: 'Enter the first day as YYYY-MM-DD, like 2027-03-22' })
  startDate = '';

  @Transform(trim)
  @IsCalendarDate({ message: 'Enter the last day as YYYY-MM-DD, like 2027-03-26' })
  endDate = '';
}

/** What happens to a block's sessions when it is deleted (the API's `?sessions=`). */
export class BlockDeleteForm {
  @IsIn(['delete', 'keep', ''], { message: 'Select what happens to the sessions of the block' })
  sessions: BlockSessionChoice | '' = '';
}

/** Several consecutive days at the same local times, e.g. the five days of a residential week. */
export class WeekForm {
  @Matches(/^$|^[0-9a-f-]{36}$/i, { message: 'Select a block' })
  blockId = '';

  @Transform(trim)
  @MaxLength(180, { message: 'The title must be 180 characters or fewer' })
  @MinLength(1, { message: 'Enter a title for the sessions, like Residential week 1' })
  title = '';

  @Transform(trim)
  @IsCalendarDate({ message: 'Enter the first day as YYYY-MM-DD, like 2027-03-22' })
  firstDay = '';

  @Transform(trim)
  @Matches(/^[1-7]$/, { message: 'Enter how many days in a row, from 1 to 7' })
  days = '5';

  @Transform(trim)
  @Matches(TIME, { message: 'Enter the start time as HH:MM, like 09:30' })
  startTime = '09:30';

  @Transform(trim)
  @Matches(TIME, { message: 'Enter the end time as HH:MM, like 16:30' })
  endTime = '16:30';

  @IsIn(SESSION_KINDS, { message: 'Select the kind of session' })
  kind = 'residential';

  @Transform(trim)
  @MaxLength(300, { message: 'The place must be 300 characters or fewer' })
  location = '';
}

/** Move or rename one session (local date and times in the cohort's zone). */
export class SessionEditForm {
  @Transform(trim)
  @MaxLength(200, { message: 'The title must be 200 characters or fewer' })
  @MinLength(1, { message: 'Enter a title' })
  title = '';

  @Transform(trim)
  @IsCalendarDate({ message: 'Enter the day as YYYY-MM-DD, like 2027-03-22' })
  date = '';

  @Transform(trim)
  @Matches(TIME, { message: 'Enter the start time as HH:MM, like 09:30' })
  startTime = '';

  @Transform(trim)
  @Matches(TIME, { message: 'Enter the end time as HH:MM, like 16:30' })
  endTime = '';

  @Transform(trim)
  @MaxLength(300, { message: 'The place must be 300 characters or fewer' })
  location = '';
}
