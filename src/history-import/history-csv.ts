/**
 * The history import's CSV, parsed and validated line by line: a pure function (no Nest,
 * TypeORM or database), so every line is judged before anything is written, and the rules are
 * unit-tested. The format is documented in docs/history-import.md.
 *
 * One data line per enrolment of the past cohort. Line numbers are the file's physical lines
 * (the header is line 1). Profession, route, status, decision, attendance marks and outcomes
 * may be written as codes or as their labels (common/labels.ts): "Peer support worker",
 * "Left early:120", "Passed:2".
 */
import { isEmail } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { InvalidInputError } from '../common/errors';
import {
  acceptedLabels,
  ASSESSMENT_OUTCOMES,
  ATTENDANCE_STATUSES,
  COMPLETION_OUTCOMES,
  ENROLMENT_STATUSES,
  parseCode,
  PROFESSIONS,
  ROUTES,
} from '../common/labels';
import { parseProfession } from '../students/student-csv';

export const HISTORY_STATUSES = [
  'completed',
  'not_completed',
  'withdrawn',
  'deferred',
  'transferred',
] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];
export type AttendanceMark = 'present' | 'late' | 'left_early' | 'excused' | 'absent';
export type Outcome = 'pass' | 'refer' | 'fail';

export const FIXED_COLUMNS = [
  'email',
  'givenName',
  'familyName',
  'profession',
  'employer',
  'registrationNumber',
  'route',
  'enrolledOn',
  'status',
  'endedOn',
  'reason',
  'decision',
  'decidedOn',
  'override',
  'overrideReason',
  'certificateSerial',
  'certificateIssuedOn',
] as const;
type FixedColumn = (typeof FIXED_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly FixedColumn[] = [
  'email',
  'route',
  'enrolledOn',
  'status',
  'endedOn',
];
export const SESSION_PREFIX = 'session:';
export const ASSESSMENT_PREFIX = 'assessment:';

/** A session of the cohort, keyed in the file by its local start `YYYY-MM-DDTHH:mm`. */
export interface HistorySession {
  id: string;
  contactMinutes: number;
}

export interface HistoryContext {
  /** Local start (cohort's time zone) -> session. */
  sessions: ReadonlyMap<string, HistorySession>;
  assessmentCodes: readonly string[];
  professions: readonly string[];
  routes: readonly string[];
  /** Today in the cohort's time zone, YYYY-MM-DD: nothing in the history may be later. */
  today: string;
}

export interface HistoryRow {
  line: number;
  email: string;
  givenName: string;
  familyName: string;
  profession: string;
  employer: string | null;
  registrationNumber: string | null;
  route: string;
  enrolledOn: string;
  status: HistoryStatus;
  endedOn: string;
  reason: string | null;
  attendance: Array<{ sessionId: string; status: AttendanceMark; minutes: number }>;
  assessments: Array<{ code: string; outcome: Outcome; attempt: number }>;
  decision: {
    outcome: 'completed' | 'not_completed';
    decidedOn: string;
    override: boolean;
    reason: string | null;
  } | null;
  certificate: { serial: string; issuedOn: string } | null;
}

export interface HistoryLineError {
  line: number;
  message: string;
}

export const MAX_HISTORY_LINES = 1000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string) => DATE.test(v) && DateTime.fromISO(v, { zone: 'UTC' }).isValid;

/**
 * Header problems (no header, an unknown or repeated column, a missing required column, a
 * session the cohort does not have, an assessment the course does not define) are a 400: no line
 * can be judged without the header. Line problems are collected, every one of them.
 */
export function parseHistoryCsv(
  text: string,
  ctx: HistoryContext,
): { rows: HistoryRow[]; errors: HistoryLineError[]; records: number } {
  let records: Array<{ fields: string[]; line: number }>;
  try {
    records = (
      parse(text, {
        bom: true,
        trim: true,
        skip_empty_lines: true,
        relax_column_count: true,
        info: true,
      }) as unknown as Array<{ record: string[]; info: { lines: number } }>
    ).map((r) => ({
      fields: r.record,
      line: r.info.lines - r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0),
    }));
  } catch (error) {
    const e = error as { lines?: number; message?: string };
    throw new InvalidInputError('malformed_csv', 'The CSV cannot be read', [
      { field: 'body', message: `malformed CSV near line ${e.lines ?? 1}` },
    ]);
  }
  const [header, ...data] = records;
  if (!header) {
    throw new InvalidInputError('empty_csv', 'The CSV has no header line', [
      { field: 'body', message: 'the first line must be the header' },
    ]);
  }
  const columns = header.fields;
  const headerProblems: string[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) headerProblems.push(`column ${c} appears twice`);
    seen.add(c);
    if (c.startsWith(SESSION_PREFIX)) {
      if (!ctx.sessions.has(c.slice(SESSION_PREFIX.length))) {
        headerProblems.push(`${c}: the cohort has no session starting then (local time)`);
      }
    } else if (c.startsWith(ASSESSMENT_PREFIX)) {
      if (!ctx.assessmentCodes.includes(c.slice(ASSESSMENT_PREFIX.length))) {
        headerProblems.push(`${c}: not an assessment of the course`);
      }
    } else if (!(FIXED_COLUMNS as readonly string[]).includes(c)) {
      headerProblems.push(`unknown column ${c}`);
    }
  }
  for (const c of REQUIRED_COLUMNS) {
    if (!seen.has(c)) headerProblems.push(`required column ${c} is missing`);
  }
  if (headerProblems.length) {
    throw new InvalidInputError(
      'history_csv_header',
      'The header line is not valid',
      headerProblems.map((message) => ({ field: 'body', message: `line 1: ${message}` })),
    );
  }
  if (data.length > MAX_HISTORY_LINES) {
    throw new InvalidInputError('too_many_records', `At most ${MAX_HISTORY_LINES} lines`, [
      { field: 'body', message: `at most ${MAX_HISTORY_LINES} data lines` },
    ]);
  }

  const errors: HistoryLineError[] = [];
  const rows: HistoryRow[] = [];
  const emails = new Map<string, number>();
  const serials = new Map<string, number>();
  for (const record of data) {
    const { line } = record;
    if (record.fields.length !== columns.length) {
      errors.push({
        line,
        message: `expected ${columns.length} fields (as in the header), found ${record.fields.length}`,
      });
      continue;
    }
    const cell = (c: string) => {
      const i = columns.indexOf(c);
      return i < 0 ? '' : record.fields[i];
    };
    const problems: string[] = [];
    const problem = (field: string, message: string) => problems.push(`${field}: ${message}`);

    const email = cell('email').toLowerCase();
    if (!isEmail(email)) problem('email', `"${cell('email')}" is not a valid email address`);
    else if (emails.has(email))
      problem('email', `${email} also appears on line ${emails.get(email)}`);
    else emails.set(email, line);
    const profession =
      cell('profession') === '' ? '' : parseProfession(cell('profession'), ctx.professions);
    if (profession === null) {
      problem(
        'profession',
        `"${cell('profession')}" is not one of ${acceptedLabels(PROFESSIONS, ctx.professions)}`,
      );
    }
    for (const [field, max] of [
      ['givenName', 100],
      ['familyName', 100],
      ['employer', 200],
      ['registrationNumber', 50],
      ['reason', 1000],
      ['overrideReason', 1000],
    ] as const) {
      if (cell(field).length > max) problem(field, `must be at most ${max} characters`);
    }
    const route = parseCode(ROUTES, cell('route'), ctx.routes);
    if (route === null) problem('route', `must be one of ${acceptedLabels(ROUTES, ctx.routes)}`);

    const date = (field: FixedColumn, required: boolean): string | null => {
      const v = cell(field);
      if (v === '') {
        if (required) problem(field, 'is required');
        return null;
      }
      if (!isDate(v)) {
        problem(field, `"${v}" is not a date written YYYY-MM-DD`);
        return null;
      }
      if (v > ctx.today) problem(field, `${v} is in the future`);
      return v;
    };
    const enrolledOn = date('enrolledOn', true);
    const endedOn = date('endedOn', true);
    if (enrolledOn && endedOn && endedOn < enrolledOn) {
      problem('endedOn', 'must not be before enrolledOn');
    }
    const status = parseCode(ENROLMENT_STATUSES, cell('status'), HISTORY_STATUSES);
    if (status === null) {
      problem(
        'status',
        `must be one of ${acceptedLabels(ENROLMENT_STATUSES, HISTORY_STATUSES)} (a finished cohort)`,
      );
    }

    const attendance: HistoryRow['attendance'] = [];
    for (const c of columns.filter((h) => h.startsWith(SESSION_PREFIX))) {
      const v = cell(c);
      if (v === '') continue;
      const session = ctx.sessions.get(c.slice(SESSION_PREFIX.length)) as HistorySession;
      const [markText, minutesText] = v.split(':');
      const mark = parseCode(ATTENDANCE_STATUSES, markText);
      if (mark === 'present' || mark === 'excused' || mark === 'absent') {
        if (minutesText !== undefined) problem(c, `${mark} takes no minutes`);
        const minutes = mark === 'present' ? session.contactMinutes : 0;
        attendance.push({ sessionId: session.id, status: mark, minutes });
      } else if (mark === 'late' || mark === 'left_early') {
        const minutes = Number(minutesText);
        if (!/^\d+$/.test(minutesText ?? '') || minutes <= 0 || minutes >= session.contactMinutes) {
          problem(
            c,
            `${mark} needs the minutes attended, more than 0 and less than ${session.contactMinutes} (e.g. ${mark}:120)`,
          );
        } else attendance.push({ sessionId: session.id, status: mark, minutes });
      } else {
        problem(
          c,
          `"${cell(c)}" must be present, late:<minutes>, left_early:<minutes>, excused, absent or empty (or their labels, e.g. Left early:120)`,
        );
      }
    }

    const assessments: HistoryRow['assessments'] = [];
    for (const c of columns.filter((h) => h.startsWith(ASSESSMENT_PREFIX))) {
      const v = cell(c);
      if (v === '') continue;
      const [outcomeText, attemptText] = v.split(':');
      const outcome = parseCode(ASSESSMENT_OUTCOMES, outcomeText);
      const attempt = attemptText === undefined ? 1 : Number(attemptText);
      if (outcome === null || !Number.isInteger(attempt) || attempt < 1 || attempt > 9) {
        problem(
          c,
          `"${cell(c)}" must be pass, refer or fail (or Passed, Referred, Failed), optionally with the attempt (pass:2)`,
        );
      } else {
        assessments.push({
          code: c.slice(ASSESSMENT_PREFIX.length),
          outcome,
          attempt,
        });
      }
    }

    let decision: HistoryRow['decision'] = null;
    const decided = status === 'completed' || status === 'not_completed';
    const decisionText = cell('decision');
    const decisionCode = decisionText === '' ? '' : parseCode(COMPLETION_OUTCOMES, decisionText);
    const decidedOn = date('decidedOn', decided);
    const override = cell('override').toLowerCase();
    if (!['', 'yes', 'no'].includes(override)) problem('override', 'must be yes, no or empty');
    if (decided) {
      if (decisionCode !== status) problem('decision', `must be ${status}, as the status`);
      if (override === 'yes' && cell('overrideReason') === '') {
        problem('overrideReason', 'is required when override is yes');
      }
      if (decidedOn && enrolledOn && decidedOn < enrolledOn) {
        problem('decidedOn', 'must not be before enrolledOn');
      }
      if (decidedOn) {
        decision = {
          outcome: status,
          decidedOn,
          override: override === 'yes',
          reason: cell('overrideReason') || null,
        };
      }
    } else {
      if (decisionText !== '')
        problem('decision', `must be empty for a ${status ?? cell('status')} enrolment`);
      if (cell('decidedOn') !== '')
        problem('decidedOn', `must be empty for a ${status ?? cell('status')} enrolment`);
    }

    let certificate: HistoryRow['certificate'] = null;
    const serial = cell('certificateSerial');
    const issuedOn = date('certificateIssuedOn', serial !== '');
    if (serial !== '') {
      if (status !== 'completed')
        problem('certificateSerial', 'only a completed enrolment holds a certificate');
      if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(serial)) {
        problem('certificateSerial', 'must be up to 40 letters, digits and hyphens');
      } else if (serials.has(serial)) {
        problem('certificateSerial', `${serial} also appears on line ${serials.get(serial)}`);
      } else serials.set(serial, line);
      if (issuedOn) certificate = { serial, issuedOn };
    } else if (cell('certificateIssuedOn') !== '') {
      problem('certificateIssuedOn', 'needs a certificateSerial');
    }

    if (problems.length) {
      errors.push(...problems.map((message) => ({ line, message })));
      continue;
    }
    rows.push({
      line,
      email,
      givenName: cell('givenName'),
      familyName: cell('familyName'),
      // No problem on the line: each of these was read.
      profession: profession as string,
      employer: cell('employer') || null,
      registrationNumber: cell('registrationNumber') || null,
      route: route as string,
      enrolledOn: enrolledOn as string,
      status: status as HistoryStatus,
      endedOn: endedOn as string,
      reason: cell('reason') || null,
      attendance,
      assessments,
      decision,
      certificate,
    });
  }
  return { rows, errors, records: data.length };
}
