import { ATTENDANCE_STATUSES } from '../attendance/attendance-record.entity';
import type { AttendanceStatus } from '../attendance/attendance-record.entity';
import type { FieldProblem } from '../common/errors';
import { formError, FormError } from './forms';

/**
 * The take-the-register form. Fields are keyed by enrolment id, not by position, so a register
 * that changed between showing the page and sending it (a student seated meanwhile) never puts
 * one student's mark on another:
 *
 *   records.<enrolmentId>.status    present | late | left_early | excused | absent
 *   records.<enrolmentId>.minutes   shown (by CSS) only while Late or Left early is chosen
 *   records.<enrolmentId>.note      behind a "Note" disclosure
 *
 * One minutes input per row, beside the radios, keeps a student to one line of the register.
 * This file only reads the form and words its errors; the rules on minutes stay in the
 * attendance service (register-rules.ts), whose refusals are mapped back onto the field here.
 */

export interface RegisterStudent {
  enrolmentId: string;
  studentName: string;
}

export interface RegisterFormRow {
  enrolmentId: string;
  status: string;
  minutes: string;
  note: string;
}

/** A record as AttendanceService.save takes it. */
export interface RegisterRecord {
  enrolmentId: string;
  status: AttendanceStatus;
  minutesAttended?: number;
  note: string | null;
}

/** The statuses whose minutes the tutor enters; the others' minutes follow from the status. */
const NEEDS_MINUTES: ReadonlySet<AttendanceStatus> = new Set(['late', 'left_early']);

export const NOTE_MAX_LENGTH = 1000;

/** The form field of one student's register entry ("records.<id>.status"). */
export function registerField(enrolmentId: string, field: keyof RegisterFormRow): string {
  return `records.${enrolmentId}.${field}`;
}

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  // A repeated name (an array) is not something the page sends: read it as empty.
  return typeof value === 'string' ? value : '';
}

/** The submitted values of each student on the register, in register order. */
export function readRegisterForm(body: unknown, students: RegisterStudent[]): RegisterFormRow[] {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return students.map(({ enrolmentId }) => ({
    enrolmentId,
    status: text(fields, registerField(enrolmentId, 'status')),
    minutes: text(fields, registerField(enrolmentId, 'minutes')).trim(),
    // PostgreSQL text cannot hold NUL, and no keyboard types it: drop it rather than refuse.
    note: text(fields, registerField(enrolmentId, 'note')).replace(/\0/g, '').trim(),
  }));
}

function isStatus(value: string): value is AttendanceStatus {
  return (ATTENDANCE_STATUSES as readonly string[]).includes(value);
}

/**
 * The records to save and the problems a person can fix. A student left without a choice is not
 * saved (a register may be taken in parts); minutes are sent only for late and left early, so a
 * number left in the box after changing to another status does not count.
 */
export function registerRecords(
  rows: RegisterFormRow[],
  students: RegisterStudent[],
): { records: RegisterRecord[]; errors: FormError[] } {
  const names = new Map(students.map((s) => [s.enrolmentId, s.studentName]));
  const records: RegisterRecord[] = [];
  const errors: FormError[] = [];
  for (const row of rows) {
    const name = names.get(row.enrolmentId) ?? 'this student';
    if (row.status === '') continue;
    if (!isStatus(row.status)) {
      errors.push(
        formError(registerField(row.enrolmentId, 'status'), `Select whether ${name} attended`),
      );
      continue;
    }
    const record: RegisterRecord = {
      enrolmentId: row.enrolmentId,
      status: row.status,
      note: row.note === '' ? null : row.note,
    };
    if (NEEDS_MINUTES.has(row.status)) {
      const given = row.minutes;
      const field = registerField(row.enrolmentId, 'minutes');
      if (given === '') {
        errors.push(formError(field, `Enter how many minutes ${name} attended`));
      } else if (!/^\d{1,5}$/.test(given)) {
        errors.push(
          formError(field, `Enter the minutes ${name} attended as a whole number, like 45`),
        );
      } else {
        record.minutesAttended = Number(given);
      }
    }
    if (row.note.length > NOTE_MAX_LENGTH) {
      errors.push(
        formError(
          registerField(row.enrolmentId, 'note'),
          `The note about ${name} must be ${NOTE_MAX_LENGTH} characters or fewer`,
        ),
      );
    }
    records.push(record);
  }
  return { records, errors };
}

/**
 * "Mark everyone present" without script: every student not marked yet becomes present. A
 * choice already made stands (a check-in, an approved apology's excused, a late typed in), so
 * the button marks the rest, as its script twin does.
 */
export function allPresent(rows: RegisterFormRow[]): RegisterFormRow[] {
  return rows.map((row) => (row.status ? row : { ...row, status: 'present' }));
}

function sentence(message: string): string {
  const words = message
    .replace(/minutesAttended/g, 'minutes attended')
    .replace(/\bleft_early\b/g, 'left early');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The attendance service's refusal (fields `records[i].minutesAttended` or
 * `records[i].enrolmentId`, i the position in the records sent) as errors on the right inputs,
 * named by student. The service's own words are kept: the rule is stated once, there.
 */
export function registerErrorsFromService(
  problems: FieldProblem[] | undefined,
  sent: RegisterRecord[],
  students: RegisterStudent[],
): FormError[] {
  const names = new Map(students.map((s) => [s.enrolmentId, s.studentName]));
  return (problems ?? []).map((problem) => {
    const match = /^records\[(\d+)\]\.(\w+)$/.exec(problem.field);
    const record = match ? sent[Number(match[1])] : undefined;
    if (!match || !record) return formError(undefined, sentence(problem.message));
    const name = names.get(record.enrolmentId) ?? 'This student';
    if (match[2] === 'minutesAttended') {
      const field = NEEDS_MINUTES.has(record.status) ? 'minutes' : 'status';
      return formError(
        registerField(record.enrolmentId, field),
        `${name}: ${sentence(problem.message).replace(/^M/, 'm')}`,
      );
    }
    return formError(
      registerField(record.enrolmentId, 'status'),
      `${name} no longer holds a seat in this cohort: reload the register`,
    );
  });
}

/** The form rows as stored, for showing a register before anything is sent. */
export function storedRows(
  items: Array<{
    enrolmentId: string;
    record: { status: string; minutesAttended: number; note: string | null } | null;
  }>,
): RegisterFormRow[] {
  return items.map(({ enrolmentId, record }) => ({
    enrolmentId,
    status: record?.status ?? '',
    minutes:
      record && NEEDS_MINUTES.has(record.status as AttendanceStatus)
        ? String(record.minutesAttended)
        : '',
    note: record?.note ?? '',
  }));
}

/** What one row of the register page shows besides its fields. */
export interface RegisterRowView {
  enrolmentId: string;
  givenName: string;
  familyName: string;
  form: RegisterFormRow;
  /** One short line under the name, only when something about the student is unusual. */
  detail: string | null;
  /** When the student checked themselves in with the session's code. */
  checkedInAt: Date | null;
}

/**
 * The register's rows: the entries in register order with the values to show (stored, or as
 * submitted when the form comes back with errors). A line under the name is kept for the rare
 * facts a tutor must see, so an ordinary row stays one line tall.
 */
export function registerRows(
  items: ReadonlyArray<{
    enrolmentId: string;
    givenName: string;
    familyName: string;
    counts: boolean;
    record?: { checkedInAt: Date | null } | null;
  }>,
  rows: RegisterFormRow[],
): RegisterRowView[] {
  const byId = new Map(rows.map((r) => [r.enrolmentId, r]));
  return items.map((item) => ({
    enrolmentId: item.enrolmentId,
    givenName: item.givenName,
    familyName: item.familyName,
    form: byId.get(item.enrolmentId) ?? {
      enrolmentId: item.enrolmentId,
      status: '',
      minutes: '',
      note: '',
    },
    detail: item.counts ? null : 'Session before they enrolled: does not count',
    checkedInAt: item.record?.checkedInAt ?? null,
  }));
}
