import { DateTime } from 'luxon';
import type { CohortStatus } from '../cohorts/cohort.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import type { AssessmentOutcome } from '../assessments/assessment-result.entity';
import type { AbsenceRequestStatus } from '../attendance/absence-request.entity';
import type { CertificateStatus } from '../certificates/certificate.entity';
import * as labels from '../common/labels';
import { CODE_FAMILIES, CodeFamily, labelOf } from '../common/labels';

type CodeFamilyName = keyof typeof CODE_FAMILIES;

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

/** The tag colour of each code; the words come from common/labels.ts. */
const ENROLMENT_STATUS_COLOURS: Record<EnrolmentStatus, string> = {
  waitlisted: 'nhsuk-tag--yellow',
  enrolled: 'nhsuk-tag--blue',
  deferred: 'nhsuk-tag--grey',
  withdrawn: 'nhsuk-tag--grey',
  transferred: 'nhsuk-tag--grey',
  completed: 'nhsuk-tag--green',
  not_completed: 'nhsuk-tag--red',
};

const COHORT_STATUS_COLOURS: Record<CohortStatus, string> = {
  planned: 'nhsuk-tag--grey',
  enrolling: 'nhsuk-tag--yellow',
  running: 'nhsuk-tag--blue',
  completed: 'nhsuk-tag--green',
  archived: 'nhsuk-tag--white',
};

const CERTIFICATE_STATUS_COLOURS: Record<CertificateStatus, string> = {
  issued: 'nhsuk-tag--green',
  revoked: 'nhsuk-tag--red',
  superseded: 'nhsuk-tag--grey',
};

const ASSESSMENT_OUTCOME_COLOURS: Record<AssessmentOutcome, string> = {
  pass: 'nhsuk-tag--green',
  refer: 'nhsuk-tag--yellow',
  fail: 'nhsuk-tag--red',
};

const ABSENCE_REQUEST_COLOURS: Record<AbsenceRequestStatus, string> = {
  pending: 'nhsuk-tag--grey',
  approved: 'nhsuk-tag--green',
  declined: 'nhsuk-tag--red',
};

/** Tag params for a code of `family` coloured by `colours`; an unknown value is shown as it is. */
function tagOf<C extends string>(
  family: CodeFamily<C>,
  colours: Record<C, string>,
  code: string,
): TagParams {
  return Object.hasOwn(colours, code)
    ? { text: labelOf(family, code), classes: colours[code as C] }
    : { text: code };
}

/** Params for the nhsuk `tag` macro; an unknown value is shown as it is. */
export function enrolmentStatusTag(status: string): TagParams {
  return tagOf(labels.ENROLMENT_STATUSES, ENROLMENT_STATUS_COLOURS, status);
}

export function cohortStatusTag(status: string): TagParams {
  return tagOf(labels.COHORT_STATUSES, COHORT_STATUS_COLOURS, status);
}

export function certificateStatusTag(status: string): TagParams {
  return tagOf(labels.CERTIFICATE_STATUSES, CERTIFICATE_STATUS_COLOURS, status);
}

/** An assessment's latest outcome; none yet reads "Not marked yet". */
export function assessmentOutcomeTag(outcome: string | null | undefined): TagParams {
  if (!outcome) return { text: 'Not marked yet', classes: 'nhsuk-tag--white' };
  return tagOf(labels.ASSESSMENT_OUTCOMES, ASSESSMENT_OUTCOME_COLOURS, outcome);
}

/** An apology for absence: waiting for a decision, approved or declined. */
export function apologyStatusTag(status: string): TagParams {
  return tagOf(labels.ABSENCE_REQUEST_STATUSES, ABSENCE_REQUEST_COLOURS, status);
}

/**
 * `{{ code | label('PROFESSIONS') }}`: a code's words from common/labels.ts, the family named as
 * in CODE_FAMILIES; an unknown value is shown as it is. A family name that does not exist fails
 * the render (every page is crawled by the specs).
 */
export function label(code: string | null | undefined, family: CodeFamilyName): string {
  return labelOf(familyNamed(family), code);
}

/**
 * `{% set items = 'ATTENDANCE_STATUSES' | labelItems %}`: a family's codes in their labels'
 * order as `{ value, text }`, for radios and selects.
 */
export function labelItems(family: CodeFamilyName): Array<{ value: string; text: string }> {
  return Object.entries(familyNamed(family).labels).map(([value, text]) => ({ value, text }));
}

/** Templates name a family by a string the typecheck cannot see: a wrong one fails loudly. */
function familyNamed(name: CodeFamilyName): CodeFamily<string> {
  if (!Object.hasOwn(CODE_FAMILIES, name)) throw new Error(`No code family named ${name}`);
  return CODE_FAMILIES[name];
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
  certificateStatusTag,
  assessmentOutcomeTag,
  formatHours,
  label,
  labelItems,
  apologyStatusTag,
};
