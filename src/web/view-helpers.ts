import { DateTime } from 'luxon';
import type { CohortStatus } from '../cohorts/cohort.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';

/**
 * Wording and formats shared by every page, registered as Nunjucks filters (see
 * page-renderer.service.ts). Dates follow the NHS.UK style guide: "20 October 2014", "9:30am".
 */

const DEFAULT_ZONE = 'Europe/London';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function toDateTime(value: unknown, zone: string): DateTime | null {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone });
  if (typeof value !== 'string' || value === '') return null;
  // A calendar date has no instant: never shift it through a time zone.
  if (DATE_ONLY.test(value)) return DateTime.fromISO(value, { zone: 'UTC' });
  return DateTime.fromISO(value, { zone });
}

/** "20 October 2014"; empty for a missing or malformed value. */
export function formatDate(value: unknown, zone = DEFAULT_ZONE): string {
  const dt = toDateTime(value, zone);
  return dt?.isValid ? dt.toFormat('d MMMM yyyy') : '';
}

/** "Monday 8 January 2018": a session's day, with its weekday, in `zone`. */
export function formatDay(value: unknown, zone = DEFAULT_ZONE): string {
  const dt = toDateTime(value, zone);
  return dt?.isValid ? dt.toFormat('cccc d MMMM yyyy') : '';
}

/** "9:30am", "12pm" (an instant shown in `zone`, e.g. the cohort's time zone). */
export function formatTime(value: unknown, zone = DEFAULT_ZONE): string {
  const dt = toDateTime(value, zone);
  if (!dt?.isValid) return '';
  const text = dt.minute === 0 ? dt.toFormat('ha') : dt.toFormat('h:mma');
  return text.toLowerCase();
}

/** "20 October 2014 at 9:30am". */
export function formatDateTime(value: unknown, zone = DEFAULT_ZONE): string {
  const date = formatDate(value, zone);
  return date ? `${date} at ${formatTime(value, zone)}` : '';
}

/** "83.3%" with at most one decimal; empty when there is nothing to measure yet. */
export function formatPercent(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  return `${Math.round(value * 10) / 10}%`;
}

/** "1 hour", "42.5 hours"; empty when there is no number. */
export function formatHours(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  const rounded = Math.round(value * 10) / 10;
  return `${rounded} ${rounded === 1 ? 'hour' : 'hours'}`;
}

export interface TagParams {
  text: string;
  classes?: string;
}

const ENROLMENT_STATUS: Record<EnrolmentStatus, TagParams> = {
  waitlisted: { text: 'On waiting list', classes: 'nhsuk-tag--yellow' },
  enrolled: { text: 'Enrolled', classes: 'nhsuk-tag--blue' },
  deferred: { text: 'Deferred', classes: 'nhsuk-tag--grey' },
  withdrawn: { text: 'Withdrawn', classes: 'nhsuk-tag--grey' },
  transferred: { text: 'Transferred', classes: 'nhsuk-tag--grey' },
  completed: { text: 'Completed', classes: 'nhsuk-tag--green' },
  not_completed: { text: 'Not completed', classes: 'nhsuk-tag--red' },
};

const COHORT_STATUS: Record<CohortStatus, TagParams> = {
  planned: { text: 'Planned', classes: 'nhsuk-tag--grey' },
  enrolling: { text: 'Enrolling', classes: 'nhsuk-tag--yellow' },
  running: { text: 'Running', classes: 'nhsuk-tag--blue' },
  completed: { text: 'Completed', classes: 'nhsuk-tag--green' },
  archived: { text: 'Archived', classes: 'nhsuk-tag--white' },
};

const ATTENDANCE_STATUS: Record<string, string> = {
  present: 'Present',
  late: 'Late',
  left_early: 'Left early',
  excused: 'Excused',
  absent: 'Absent',
};

const CERTIFICATE_STATUS: Record<string, TagParams> = {
  issued: { text: 'Issued', classes: 'nhsuk-tag--green' },
  revoked: { text: 'Revoked', classes: 'nhsuk-tag--red' },
  superseded: { text: 'Superseded', classes: 'nhsuk-tag--grey' },
};

const ASSESSMENT_OUTCOME: Record<string, TagParams> = {
  pass: { text: 'Passed', classes: 'nhsuk-tag--green' },
  refer: { text: 'Referred', classes: 'nhsuk-tag--yellow' },
  fail: { text: 'Failed', classes: 'nhsuk-tag--red' },
};

const ROUTES: Record<string, string> = {
  graduate_certificate: 'Graduate certificate (level 6)',
  postgraduate_certificate: 'Postgraduate certificate (level 7)',
};

/** Params for the nhsuk `tag` macro; an unknown value is shown as it is. */
export function enrolmentStatusTag(status: string): TagParams {
  return ENROLMENT_STATUS[status as EnrolmentStatus] ?? { text: status };
}

export function cohortStatusTag(status: string): TagParams {
  return COHORT_STATUS[status as CohortStatus] ?? { text: status };
}

export function routeLabel(route: string): string {
  return ROUTES[route] ?? route;
}

/** "Left early"; an unknown value is shown as it is. */
export function attendanceLabel(status: string): string {
  return ATTENDANCE_STATUS[status] ?? status;
}

export function certificateStatusTag(status: string): TagParams {
  return CERTIFICATE_STATUS[status] ?? { text: status };
}

/** An assessment's latest outcome; none yet reads "Not marked yet". */
export function assessmentOutcomeTag(outcome: string | null | undefined): TagParams {
  if (!outcome) return { text: 'Not marked yet', classes: 'nhsuk-tag--white' };
  return ASSESSMENT_OUTCOME[outcome] ?? { text: outcome };
}

/** The filters every template can use, by name. */
export const VIEW_FILTERS = {
  formatDate,
  formatDay,
  formatTime,
  formatDateTime,
  formatPercent,
  enrolmentStatusTag,
  cohortStatusTag,
  routeLabel,
  attendanceLabel,
  certificateStatusTag,
  assessmentOutcomeTag,
  formatHours,
};
