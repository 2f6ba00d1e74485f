import { ATTENDANCE_STATUSES } from '../attendance/attendance-record.entity';
import type { AttendanceStatus } from '../attendance/attendance-record.entity';
import type { FieldProblem } from '../common/errors';
import { formError, FormError } from './forms';

/**
 * The take-the-register form. Fields are keyed by enrolment id, not by position, so a register
 * that changed between showing the page and sending it (a student seated meanwhile) never puts
 * one student's mark on another:
 *
 *   records.<enrolmentId>.status            present | late | left_early | excused | absent
 *   records.<enrolmentId>.minutesLate       revealed under "Late"
 *   records.<enrolmentId>.minutesLeftEarly  revealed under "Left early"
 *   records.<enrolmentId>.note
 *
 * Two minutes inputs, one under each radio that needs minutes, because the design system's
 * conditional reveal belongs to one radio. This file only reads the form and words its errors;
 * the rules on minutes stay in the attendance service (register-rules.ts), whose refusals are
 * mapped back onto the right field here.
 */

export interface RegisterStudent {
  enrolmentId: string;
  studentName: string;
}

export interface RegisterFormRow {
  enrolmentId: string;
  status: string;
  minutesLate: string;
  minutesLeftEarly: string;
  note: string;
}

/** A record as AttendanceService.save takes it. */
export interface RegisterRecord {
  enrolmentId: string;
  status: AttendanceStatus;
  minutesAttended?: number;
  note: string | null;
}

type MinutesField = 'minutesLate' | 'minutesLeftEarly';

const MINUTES_FIELD: Partial<Record<AttendanceStatus, MinutesField>> = {
  late: 'minutesLate',
  left_early: 'minutesLeftEarly',
};

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
    minutesLate: text(fields, registerField(enrolmentId, 'minutesLate')).trim(),
    minutesLeftEarly: text(fields, registerField(enrolmentId, 'minutesLeftEarly')).trim(),
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
 * number typed under a radio that was then changed does not count.
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
    const minutesField = MINUTES_FIELD[row.status];
    if (minutesField) {
      const given = row[minutesField];
      const field = registerField(row.enrolmentId, minutesField);
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

/** The rows with every student marked present (the "Mark everyone present" button without script). */
export function allPresent(rows: RegisterFormRow[]): RegisterFormRow[] {
  return rows.map((row) => ({ ...row, status: 'present' }));
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
      const field = MINUTES_FIELD[record.status] ?? 'status';
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
    minutesLate: record?.status === 'late' ? String(record.minutesAttended) : '',
    minutesLeftEarly: record?.status === 'left_early' ? String(record.minutesAttended) : '',
    note: record?.note ?? '',
  }));
}
