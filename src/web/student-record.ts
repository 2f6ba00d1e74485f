import { ATTENDANCE_STATUSES, labelOf, PROFESSIONS as PROFESSION_LABELS } from '../common/labels';
import type { AssessmentEntry } from '../assessments/assessments.service';
import type { AuditTrailEvent } from '../audit/audit.service';
import type { CertificateView } from '../certificates/certificates.service';
import type { DecisionView } from '../completion/completion.service';
import { SEATED_STATUSES, type EnrolmentStatus } from '../enrolments/enrolment.entity';
import type { EnrolmentView } from '../enrolments/enrolments.service';
import type { NotificationView } from '../notifications/notifications.service';
import type { ProgressView } from '../progress/progress.service';
import { PROFESSIONS } from '../students/student.entity';
import type { StudentView } from '../students/students.service';
import { enrolmentActions, isEnrolmentAction } from './cohort-page';
import { StudentDetailsForm } from './dto/student-forms.dto';
import { atRiskReasons, ruleShortfalls } from './progress-wording';
import { assessmentOutcomeTag, enrolmentStatusTag } from './view-helpers';

/**
 * The administrator's page for one student: what the services answered, arranged per enrolment
 * and worded for the course team. Pure: the numbers, rules and decisions are the services'
 * (progress, completion, audit); this only puts them side by side.
 */

export interface StudentRecordSources {
  student: StudentView;
  enrolments: readonly EnrolmentView[];
  /** ProgressService.forStudent: one per enrolment, any status. */
  progress: readonly ProgressView[];
  /** CompletionService.decisions per enrolment id, the standing one first. */
  decisions: Readonly<Record<string, readonly DecisionView[]>>;
  /** AssessmentsService.list per enrolment id. */
  assessments: Readonly<Record<string, readonly AssessmentEntry[]>>;
  /** AttendanceService.forEnrolment per enrolment id: names the attendance records in the trail. */
  attendance?: Readonly<
    Record<string, ReadonlyArray<{ title: string; record: { id: string } | null }>>
  >;
  certificates: readonly CertificateView[];
  emails: { items: readonly NotificationView[]; total: number };
  /** Every audit event about the enrolments (their status history). */
  enrolmentEvents: readonly AuditTrailEvent[];
  /** The newest audit events about any of the student's records. */
  trail: { items: readonly AuditTrailEvent[]; total: number };
}

export interface StatusChange {
  at: Date;
  from: EnrolmentStatus | null;
  to: EnrolmentStatus;
  what: string;
  /** "Withdrawn: Enrolled to Withdrawn"; a first status reads "Enrolled" or "Enrolled: On waiting list". */
  change: string;
  reason: string | null;
  by: string;
}

export interface TrailLine {
  at: Date;
  by: string;
  record: string;
  what: string;
  detail: string | null;
}

const FIELD_WORDS: Record<string, string> = {
  givenName: 'given name',
  familyName: 'family name',
  email: 'email address',
  profession: 'profession',
  employer: 'employer',
  registrationNumber: 'professional registration',
};

const ACTION_WORDS: Record<string, string> = {
  'student.create': 'Student record created',
  'student.update': 'Details corrected',
  'student.import': 'Updated by a student import',
  'student.export': 'Subject access export downloaded',
  'student.erase': 'Personal data erased on request',
  'enrolment.create': 'Enrolled',
  'enrolment.withdraw': 'Withdrawn',
  'enrolment.defer': 'Deferred',
  'enrolment.transfer': 'Transferred',
  'enrolment.resume': 'Resumed after deferral',
  'enrolment.reinstate': 'Reinstated after withdrawal',
  'enrolment.seat_from_waitlist': 'Given a seat from the waiting list',
  'completion.decided': 'Completion decided by the rules',
  'completion.overridden': 'Completion decided by an administrator',
  'assessment.recorded': 'Assessed work marked',
  'attendance.marked': 'Attendance marked',
  'attendance.checked_in': 'Checked in',
  'certificate.issue': 'Certificate issued',
  'certificate.revoke': 'Certificate revoked',
  'certificate.reissue_request': 'Certificate reissue requested',
  'certificate.supersede': 'Certificate superseded',
  'award.recorded': 'University award recorded',
  'user.invite': 'Invited to set a password',
  'user.create': 'Login created',
  'user.password_change': 'Password changed',
  'user.password_reset_request': 'Password reset requested',
  'user.sessions_revoke': 'Signed out everywhere',
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const statusOf = (v: unknown): EnrolmentStatus | null =>
  typeof v === 'string' ? (v as EnrolmentStatus) : null;

function who(e: AuditTrailEvent): string {
  if (e.actorRole === 'system' || !e.actorId) return 'The system';
  return e.actorName ?? `A former ${e.actorRole}`;
}

/**
 * An enrolment's status changes, oldest first, from the audit events of the transition path
 * (each carries the row before and after). The reason shown is the one given with that change:
 * the row keeps its last reason, so an unchanged one is not repeated.
 */
export function statusHistory(
  enrolmentId: string,
  events: readonly AuditTrailEvent[],
): StatusChange[] {
  return events
    .filter((e) => e.entityType === 'enrolment' && e.entityId === enrolmentId)
    .map((e) => {
      const from = statusOf(e.before?.status);
      const to = statusOf(e.after?.status);
      const reason = text(e.after?.reason);
      const what = ACTION_WORDS[e.action] ?? e.action;
      const toText = to ? enrolmentStatusTag(to).text : '';
      return {
        at: new Date(e.createdAt),
        from,
        to,
        what,
        change: from
          ? `${what}: ${enrolmentStatusTag(from).text} to ${toText}`
          : what === toText
            ? what
            : `${what}: ${toText}`,
        reason: reason !== null && reason !== text(e.before?.reason) ? reason : null,
        by: who(e),
      };
    })
    .filter((c): c is StatusChange => c.to !== null && c.to !== c.from)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** One audit event in words: which record, what happened, and the detail that matters. */
export function trailLine(e: AuditTrailEvent, recordNames: ReadonlyMap<string, string>): TrailLine {
  const after = e.after ?? {};
  const before = e.before ?? {};
  let detail: string | null = null;
  if (e.action === 'student.update') {
    const fields = Array.isArray(after.fields) ? (after.fields as string[]) : [];
    const changed = fields.map((f) => FIELD_WORDS[f] ?? f).join(', ');
    const reason = text(after.reason);
    detail = [changed && `Changed: ${changed}.`, reason && `Reason: ${reason}`]
      .filter(Boolean)
      .join(' ');
  } else if (e.entityType === 'enrolment' && statusOf(after.status)) {
    const from = statusOf(before.status);
    const to = statusOf(after.status) as EnrolmentStatus;
    const move =
      from && from !== to
        ? `${enrolmentStatusTag(from).text} to ${enrolmentStatusTag(to).text}`
        : enrolmentStatusTag(to).text;
    const reason = text(after.reason);
    detail = reason && reason !== text(before.reason) ? `${move}. Reason: ${reason}` : move;
  } else if (e.action === 'assessment.recorded' && text(after.outcome)) {
    const attempt = typeof after.attempt === 'number' ? after.attempt : 1;
    detail = `${assessmentOutcomeTag(String(after.outcome)).text}, attempt ${attempt}`;
  } else if (e.entityType === 'attendance_record' && text(after.status)) {
    detail = labelOf(ATTENDANCE_STATUSES, String(after.status));
  } else if (text(after.reason)) {
    detail = `Reason: ${String(after.reason)}`;
  }
  return {
    at: new Date(e.createdAt),
    by: who(e),
    record: recordNames.get(e.entityId) ?? e.entityType.replace(/_/g, ' '),
    what: ACTION_WORDS[e.action] ?? e.action,
    detail: detail || null,
  };
}

/** The page's view model; see StudentRecordSources for where each part comes from. */
export function studentRecordView(src: StudentRecordSources) {
  const { student } = src;
  const progressOf = new Map(src.progress.map((p) => [p.enrolmentId, p]));
  const recordNames = new Map<string, string>([[student.id, 'Student record']]);
  if (student.userId) recordNames.set(student.userId, 'Login');

  const enrolments = src.enrolments.map((e) => {
    recordNames.set(e.id, `Enrolment in ${e.cohortName}`);
    const p = progressOf.get(e.id) ?? null;
    const decision = src.decisions[e.id]?.[0] ?? null;
    const assessments = src.assessments[e.id] ?? [];
    for (const a of assessments) {
      if (a.result) recordNames.set(a.result.id, `${a.title}, ${e.cohortName}`);
    }
    const certificates = src.certificates.filter((c) => c.enrolmentId === e.id);
    for (const c of certificates) recordNames.set(c.id, `Certificate ${c.serial}`);
    for (const a of src.attendance?.[e.id] ?? []) {
      if (a.record) recordNames.set(a.record.id, `Attendance at ${a.title}`);
    }
    const facts = p
      ? { assessments: p.assessments, blocks: p.blocks }
      : { assessments: [], blocks: [] };
    return {
      ...e,
      actions: enrolmentActions(e.status),
      canOverride: SEATED_STATUSES.includes(e.status),
      history: statusHistory(e.id, src.enrolmentEvents),
      progress: p && {
        attendance: p.attendance,
        blocks: p.blocks,
        independentStudy: p.independentStudy,
        meetsCompletionRules: p.meetsCompletionRules,
        // As on the student's own page: the flag speaks of a course still being followed.
        atRisk: p.status === 'enrolled' && p.atRisk,
        atRiskLines: p.status === 'enrolled' ? atRiskReasons(p.atRiskReasons, 'staff') : [],
        failing: p.rules.flatMap((r) => ruleShortfalls(r, facts)),
      },
      decision,
      assessments: assessments.map((a) => ({
        code: a.code,
        title: a.title,
        required: a.required,
        outcome: a.result?.outcome ?? null,
        attempt: a.result?.attempt ?? null,
        mark: a.result?.mark ?? null,
        recordedAt: a.result?.recordedAt ?? null,
      })),
      certificates,
    };
  });

  return {
    student: {
      ...student,
      name: `${student.givenName} ${student.familyName}`,
      professionLabel: labelOf(PROFESSION_LABELS, student.profession),
    },
    erased: student.erasedAt !== null,
    enrolments,
    emails: {
      items: src.emails.items,
      total: src.emails.total,
      more: src.emails.total > src.emails.items.length,
    },
    trail: {
      items: src.trail.items.map((e) => trailLine(e, recordNames)),
      total: src.trail.total,
      more: src.trail.total > src.trail.items.length,
    },
  };
}

export type StudentRecordView = ReturnType<typeof studentRecordView>;

export const STUDENTS_PER_PAGE = 50;

/** `?q=` (trimmed, at most 200 characters) and `?offset=` (a whole number) of the search page. */
export function searchPage(query: Record<string, unknown>): { q: string; offset: number } {
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
  const offset =
    typeof query.offset === 'string' && /^\d{1,6}$/.test(query.offset) ? Number(query.offset) : 0;
  return { q, offset };
}

/** The details form filled with the record as it is; the reason is always the admin's to give. */
export function detailsFormOf(student: StudentView): StudentDetailsForm {
  return Object.assign(new StudentDetailsForm(), {
    givenName: student.givenName,
    familyName: student.familyName,
    email: student.email,
    profession: student.profession,
    employer: student.employer,
    registrationNumber: student.registrationNumber,
    reason: '',
  });
}

/** Items of the profession select, the current one chosen. */
export function professionItems(
  selected: string,
): Array<{ value: string; text: string; selected?: boolean }> {
  return [
    ...(selected ? [] : [{ value: '', text: 'Choose a profession' }]),
    ...PROFESSIONS.map((p) => ({
      value: p,
      text: labelOf(PROFESSION_LABELS, p),
      selected: p === selected,
    })),
  ];
}

/** The banner after a change made from (or returning to) the record page. */
export function recordNotice(
  query: Record<string, unknown>,
  enrolments: ReadonlyArray<{ id: string; cohortName: string; status: EnrolmentStatus }>,
): string | null {
  const enrolment = enrolments.find((e) => e.id === query.enrolment);
  if (query.updated === '1') return 'Their details have been changed';
  if (query.erased === '1') return 'Their personal data has been erased';
  if (query.overridden === '1' && enrolment) {
    return `Completion in ${enrolment.cohortName} is now: ${enrolmentStatusTag(enrolment.status).text}`;
  }
  if (isEnrolmentAction(query.changed) && enrolment) {
    return `Their enrolment in ${enrolment.cohortName} is now: ${enrolmentStatusTag(enrolment.status).text}`;
  }
  return null;
}
