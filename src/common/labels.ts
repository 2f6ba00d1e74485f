/**
 * The one home for the words people see in place of the API's codes: every code family a
 * page, an email, a spreadsheet for people or an import shows or reads. The API, the database and
 * machine exports keep the codes; only what a person reads uses these labels.
 *
 * Each family is a Record over the code type of its entity (type-only imports: this file has no
 * runtime dependency), so adding a code without its label fails the typecheck.
 *
 * Imports read either spelling: `parseCode` takes the code or the label, whatever the case,
 * spaces, hyphens or underscores ("Peer support worker", "peer-support-worker",
 * "PEER_SUPPORT_WORKER" all mean `peer_support_worker`).
 */
import type { AssessmentOutcome } from '../assessments/assessment-result.entity';
import type { AbsenceRequestStatus } from '../attendance/absence-request.entity';
import type { AttendanceStatus } from '../attendance/attendance-record.entity';
import type { AwardResult } from '../awards/university-award.entity';
import type { CertificateStatus } from '../certificates/certificate.entity';
import type { CohortStatus } from '../cohorts/cohort.entity';
import type { CompletionOutcome } from '../completion/completion-decision.entity';
import type { CompletionRuleType } from '../completion/completion-rules';
import type { AcademicRoute } from '../courses/course.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import type { SessionKind } from '../sessions/session.entity';
import type { Profession } from '../students/student.entity';
import type { StudyEntryStatus, StudyKind } from '../study-log/study-log-entry.entity';
import type { Role } from '../users/user.entity';

export interface CodeFamily<C extends string = string> {
  /** What one value is called in a sentence, e.g. "profession". */
  readonly noun: string;
  readonly labels: Readonly<Record<C, string>>;
}

const family = <C extends string>(noun: string, labels: Record<C, string>): CodeFamily<C> => ({
  noun,
  labels,
});

export const PROFESSIONS = family<Profession>('profession', {
  nurse: 'Nurse',
  psychiatrist: 'Psychiatrist',
  psychologist: 'Psychologist',
  social_worker: 'Social worker',
  occupational_therapist: 'Occupational therapist',
  family_therapist: 'Family therapist',
  peer_support_worker: 'Peer support worker',
  support_worker: 'Support worker',
  doctor: 'Doctor',
  other: 'Other',
});

export const ROUTES = family<AcademicRoute>('route', {
  graduate_certificate: 'Graduate certificate (level 6)',
  postgraduate_certificate: 'Postgraduate certificate (level 7)',
});

export const ENROLMENT_STATUSES = family<EnrolmentStatus>('enrolment status', {
  waitlisted: 'On waiting list',
  enrolled: 'Enrolled',
  deferred: 'Deferred',
  withdrawn: 'Withdrawn',
  transferred: 'Transferred',
  completed: 'Completed',
  not_completed: 'Not completed',
});

export const COHORT_STATUSES = family<CohortStatus>('cohort status', {
  planned: 'Planned',
  enrolling: 'Enrolling',
  running: 'Running',
  completed: 'Completed',
  archived: 'Archived',
});

export const ATTENDANCE_STATUSES = family<AttendanceStatus>('attendance', {
  present: 'Present',
  late: 'Late',
  left_early: 'Left early',
  excused: 'Excused',
  absent: 'Absent',
});

export const CERTIFICATE_STATUSES = family<CertificateStatus>('certificate status', {
  issued: 'Issued',
  revoked: 'Revoked',
  superseded: 'Superseded',
});

export const ASSESSMENT_OUTCOMES = family<AssessmentOutcome>('assessment outcome', {
  pass: 'Passed',
  refer: 'Referred',
  fail: 'Failed',
});

export const COMPLETION_OUTCOMES = family<CompletionOutcome>('completion decision', {
  completed: 'Completed',
  not_completed: 'Not completed',
});

export const COMPLETION_RULE_TYPES = family<CompletionRuleType>('completion rule', {
  min_attendance_percent: 'Minimum attendance',
  min_contact_hours: 'Minimum contact hours',
  min_block_attendance_percent: 'Minimum attendance in every block',
  min_independent_hours: 'Minimum approved independent study hours',
  assessments_passed: 'Assessments passed',
});

export const STUDY_KINDS = family<StudyKind>('kind of study', {
  reading: 'Reading',
  reflective_writing: 'Reflective writing',
  peer_practice: 'Peer practice',
  supervision: 'Supervision',
  other: 'Other',
});

export const STUDY_ENTRY_STATUSES = family<StudyEntryStatus>('study log status', {
  submitted: 'Waiting for review',
  approved: 'Approved',
  returned: 'Returned',
});

/** Apologies for absence (absence requests). */
export const ABSENCE_REQUEST_STATUSES = family<AbsenceRequestStatus>('apology status', {
  pending: 'Waiting for a decision',
  approved: 'Approved',
  declined: 'Declined',
});

export const AWARD_RESULTS = family<AwardResult>('award result', {
  pass: 'Pass',
  merit: 'Merit',
  distinction: 'Distinction',
  fail: 'Fail',
  pending: 'Pending',
});

export const ROLES = family<Role>('role', {
  admin: 'Administrator',
  tutor: 'Tutor',
  student: 'Student',
});

export const SESSION_KINDS = family<SessionKind>('kind of session', {
  teaching: 'Teaching',
  residential: 'Residential',
  supervision: 'Supervision',
  peer_group: 'Peer group',
  online: 'Online',
});

/** Every family, by name: the spec walks them all. */
export const CODE_FAMILIES = {
  PROFESSIONS,
  ROUTES,
  ENROLMENT_STATUSES,
  COHORT_STATUSES,
  ATTENDANCE_STATUSES,
  CERTIFICATE_STATUSES,
  ASSESSMENT_OUTCOMES,
  COMPLETION_OUTCOMES,
  COMPLETION_RULE_TYPES,
  STUDY_KINDS,
  STUDY_ENTRY_STATUSES,
  ABSENCE_REQUEST_STATUSES,
  AWARD_RESULTS,
  ROLES,
  SESSION_KINDS,
} as const;

/** The codes of a family, in the order their labels are listed. */
export function codesOf<C extends string>(f: CodeFamily<C>): C[] {
  return Object.keys(f.labels) as C[];
}

/** A code's label; an unknown value is shown as it is, a missing one as ''. */
export function labelOf<C extends string>(
  f: CodeFamily<C>,
  code: string | null | undefined,
): string {
  if (code === null || code === undefined) return '';
  return Object.hasOwn(f.labels, code) ? f.labels[code as C] : code;
}

/** Case, spaces, hyphens and underscores do not matter when reading a code or a label. */
export function normaliseWording(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
}

/**
 * The code meant by `input`: the code itself or its label, in any case and with spaces, hyphens
 * or underscores between words. `allowed` narrows the family (e.g. the routes a course offers).
 * Null when it matches nothing allowed.
 */
export function parseCode<C extends string>(
  f: CodeFamily<C>,
  input: string,
  allowed?: readonly string[],
): C | null {
  const wanted = normaliseWording(input);
  if (wanted === '') return null;
  for (const code of codesOf(f)) {
    if (allowed && !allowed.includes(code)) continue;
    if (normaliseWording(code) === wanted || normaliseWording(f.labels[code]) === wanted) {
      return code;
    }
  }
  return null;
}

/**
 * The accepted values for an error message: "Nurse, Psychiatrist, Other". Codes outside the
 * family (none expected) are listed as they are.
 */
export function acceptedLabels<C extends string>(
  f: CodeFamily<C>,
  allowed: readonly string[] = codesOf(f),
): string {
  return allowed.map((code) => labelOf(f, code)).join(', ');
}

export interface AssessmentName {
  code: string;
  title: string;
}

/**
 * An assessment's label is its title on the course (assessment codes are course data, not a
 * fixed family); an assessment the course no longer defines shows its code.
 */
export function assessmentLabel(code: string, assessments: readonly AssessmentName[]): string {
  return assessments.find((a) => a.code === code)?.title ?? code;
}
