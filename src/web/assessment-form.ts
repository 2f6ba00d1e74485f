import type { AssessmentOutcome } from '../assessments/assessment-result.entity';
import { ASSESSMENT_OUTCOMES } from '../assessments/assessment-result.entity';
import { formError, FormError } from './forms';

/**
 * The marking form of one assessment for a whole cohort. Fields are keyed by enrolment id:
 *
 *   results.<enrolmentId>.outcome   pass | refer | fail (none chosen: nothing recorded)
 *   results.<enrolmentId>.mark      optional, 0 to 100, at most one decimal
 *   results.<enrolmentId>.note      optional
 *
 * Only rows that differ from what is recorded are sent to AssessmentsService.record, whose
 * attempt rule (assessment-attempts.ts) decides whether a new result is a resubmission.
 */

export interface MarkingStudent {
  enrolmentId: string;
  givenName: string;
  familyName: string;
  result: { outcome: AssessmentOutcome; mark: number | null; note: string | null } | null;
}

export interface MarkingFormRow {
  enrolmentId: string;
  outcome: string;
  mark: string;
  note: string;
}

export interface MarkingChange {
  enrolmentId: string;
  outcome: AssessmentOutcome;
  mark: number | null;
  note: string | null;
}

export const MARKING_NOTE_MAX_LENGTH = 1000;

export function markingField(enrolmentId: string, field: keyof MarkingFormRow): string {
  return `results.${enrolmentId}.${field}`;
}

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

export function readMarkingForm(body: unknown, students: MarkingStudent[]): MarkingFormRow[] {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return students.map(({ enrolmentId }) => ({
    enrolmentId,
    outcome: text(fields, markingField(enrolmentId, 'outcome')),
    mark: text(fields, markingField(enrolmentId, 'mark')).trim(),
    note: text(fields, markingField(enrolmentId, 'note')).replace(/\0/g, '').trim(),
  }));
}

/** The form as recorded, for showing the page before anything is sent. */
export function storedMarkingRows(students: MarkingStudent[]): MarkingFormRow[] {
  return students.map(({ enrolmentId, result }) => ({
    enrolmentId,
    outcome: result?.outcome ?? '',
    mark: result?.mark === null || result?.mark === undefined ? '' : String(result.mark),
    note: result?.note ?? '',
  }));
}

/** The results to record (rows changed from what is stored) and the problems a person can fix. */
export function markingChanges(
  rows: MarkingFormRow[],
  students: MarkingStudent[],
): { changes: MarkingChange[]; errors: FormError[] } {
  const byId = new Map(students.map((s) => [s.enrolmentId, s]));
  const changes: MarkingChange[] = [];
  const errors: FormError[] = [];
  for (const row of rows) {
    const student = byId.get(row.enrolmentId);
    if (!student) continue;
    const name = `${student.givenName} ${student.familyName}`;
    if (row.outcome === '') {
      if (row.mark !== '' || row.note !== '') {
        errors.push(
          formError(markingField(row.enrolmentId, 'outcome'), `Select an outcome for ${name}`),
        );
      }
      continue;
    }
    if (!(ASSESSMENT_OUTCOMES as readonly string[]).includes(row.outcome)) {
      errors.push(
        formError(markingField(row.enrolmentId, 'outcome'), `Select an outcome for ${name}`),
      );
      continue;
    }
    let mark: number | null = null;
    if (row.mark !== '') {
      if (!/^\d{1,3}(\.\d)?$/.test(row.mark) || Number(row.mark) > 100) {
        errors.push(
          formError(
            markingField(row.enrolmentId, 'mark'),
            `Enter ${name}'s mark as a number from 0 to 100, like 65 or 72.5`,
          ),
        );
        continue;
      }
      mark = Number(row.mark);
    }
    if (row.note.length > MARKING_NOTE_MAX_LENGTH) {
      errors.push(
        formError(
          markingField(row.enrolmentId, 'note'),
          `The note about ${name} must be ${MARKING_NOTE_MAX_LENGTH} characters or fewer`,
        ),
      );
      continue;
    }
    const note = row.note === '' ? null : row.note;
    const current = student.result;
    const same =
      current !== null &&
      current.outcome === row.outcome &&
      current.mark === mark &&
      current.note === note;
    if (!same) {
      changes.push({
        enrolmentId: row.enrolmentId,
        outcome: row.outcome as AssessmentOutcome,
        mark,
        note,
      });
    }
  }
  return { changes, errors };
}
