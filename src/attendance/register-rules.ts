import type { AttendanceStatus } from './attendance-record.entity';

/**
 * The minutes a register record stores, from its status and the minutes given:
 * - present: the session's contact minutes (a given value must equal them);
 * - late, left_early: required, more than 0 and less than the contact minutes (a student who
 *   was there for all of them is present, one who was there for none is absent);
 * - excused, absent: 0 (a given value must be 0).
 * Returns the minutes to store, or a message saying what is wrong.
 */
export function checkMinutes(
  status: AttendanceStatus,
  given: number | undefined | null,
  contactMinutes: number,
): number | string {
  switch (status) {
    case 'present':
      if (given === undefined || given === null || given === contactMinutes) return contactMinutes;
      return `present means the whole session: minutesAttended must be ${contactMinutes} or omitted`;
    case 'late':
    case 'left_early':
      if (given === undefined || given === null) {
        return `minutesAttended is required for ${status}`;
      }
      if (given > 0 && given < contactMinutes) return given;
      return `minutesAttended for ${status} must be more than 0 and less than ${contactMinutes}`;
    case 'excused':
    case 'absent':
      if (given === undefined || given === null || given === 0) return 0;
      return `minutesAttended must be 0 or omitted for ${status}`;
  }
}
