import * as labels from '../common/labels';
import { AssessmentName, CodeFamily, labelOf } from '../common/labels';
import { CellValue, safeCell } from './spreadsheet-safe';

/**
 * The accreditation export's columns: defined once here and used by both writers (CSV and
 * XLSX), so the two files always agree. docs/reports.md documents every column in this order;
 * accreditation-columns.spec.ts checks that the two match.
 *
 * Column order is part of the contract with the people who open the files (and any macro or
 * import they keep): append new columns at the end of their group, never reorder or rename.
 *
 * Wording: the CSV is the machine export and keeps the API's codes (`peer_support_worker`,
 * `not_completed`, `ESSAY`); the XLSX is read by people and shows the same cells as labels
 * (common/labels.ts), with each assessment column headed by its title and code.
 */

/** One enrolment as the export query returns it (aliases in accreditation.query.ts). */
export interface AccreditationRow {
  cohortNumber: number;
  cohortName: string;
  givenName: string;
  familyName: string;
  email: string;
  profession: string;
  employer: string | null;
  route: string;
  enrolmentStatus: string;
  /** Dates are YYYY-MM-DD in the cohort's time zone. */
  enrolledOn: string;
  endedOn: string | null;
  sessionsEligible: number;
  sessionsAttended: number;
  attendancePercent: number | null;
  commitmentPercent: number | null;
  attendedHours: number;
  /** Approved minutes of the independent study log / 60, one decimal. */
  approvedIndependentHours: number;
  /** The exact approved minutes behind approvedIndependentHours (not a column: for the rule). */
  approvedIndependentMinutes?: number;
  /** When the enrolment took a place (YYYY-MM-DD); null for one that never did. */
  seatedOn: string | null;
  /** Attendance % of each block of the cohort, in block order; null where nothing is measurable. */
  blockPercents: Array<number | null>;
  /** Latest outcome per assessment code. */
  assessments: Record<string, string>;
  completionDecision: string | null;
  decidedOn: string | null;
  overridden: boolean | null;
  certificateSerial: string | null;
  certificateStatus: string | null;
  /** The university award as recorded (a separate credential from the certificate). */
  awardingBody: string | null;
  awardTitle: string | null;
  awardLevel: number | null;
  awardCredits: number | null;
  awardResult: string | null;
  awardConferredOn: string | null;
}

/** What varies between exports: the course's assessment codes and the most blocks any cohort has. */
export interface ColumnLayout {
  blockCount: number;
  assessmentCodes: readonly string[];
  /** The course's assessment titles, for the headers of a labelled export. */
  assessments?: readonly AssessmentName[];
}

/** `codes` for the CSV (values as the API gives them), `labels` for the XLSX (words for people). */
export type Wording = 'codes' | 'labels';

export type CellKind = 'text' | 'number';

export interface ReportColumn {
  header: string;
  kind: CellKind;
  /** Spreadsheet column width in characters (XLSX only). */
  width: number;
  value: (row: AccreditationRow) => CellValue;
  /** The code family of a text column holding codes: a labelled export shows their labels. */
  codes?: CodeFamily;
}

const text =
  (pick: (row: AccreditationRow) => string | null | undefined) =>
  (row: AccreditationRow): CellValue =>
    pick(row) ?? null;
const num =
  (pick: (row: AccreditationRow) => number | null | undefined) =>
  (row: AccreditationRow): CellValue =>
    pick(row) ?? null;

const LEADING: ReportColumn[] = [
  { header: 'Cohort number', kind: 'number', width: 8, value: num((r) => r.cohortNumber) },
  { header: 'Cohort name', kind: 'text', width: 20, value: text((r) => r.cohortName) },
  { header: 'Given name', kind: 'text', width: 16, value: text((r) => r.givenName) },
  { header: 'Family name', kind: 'text', width: 18, value: text((r) => r.familyName) },
  { header: 'Email', kind: 'text', width: 30, value: text((r) => r.email) },
  {
    header: 'Profession',
    kind: 'text',
    width: 20,
    value: text((r) => r.profession),
    codes: labels.PROFESSIONS,
  },
  { header: 'Employer', kind: 'text', width: 30, value: text((r) => r.employer) },
  { header: 'Route', kind: 'text', width: 24, value: text((r) => r.route), codes: labels.ROUTES },
  {
    header: 'Enrolment status',
    kind: 'text',
    width: 14,
    value: text((r) => r.enrolmentStatus),
    codes: labels.ENROLMENT_STATUSES,
  },
  { header: 'Enrolled on', kind: 'text', width: 12, value: text((r) => r.enrolledOn) },
  { header: 'Ended on', kind: 'text', width: 12, value: text((r) => r.endedOn) },
  { header: 'Sessions eligible', kind: 'number', width: 10, value: num((r) => r.sessionsEligible) },
  { header: 'Sessions attended', kind: 'number', width: 10, value: num((r) => r.sessionsAttended) },
  { header: 'Attendance %', kind: 'number', width: 11, value: num((r) => r.attendancePercent) },
  { header: 'Commitment %', kind: 'number', width: 11, value: num((r) => r.commitmentPercent) },
  {
    header: 'Attended contact hours',
    kind: 'number',
    width: 11,
    value: num((r) => r.attendedHours),
  },
  {
    header: 'Approved independent hours',
    kind: 'number',
    width: 11,
    value: num((r) => r.approvedIndependentHours),
  },
  { header: 'Seated on', kind: 'text', width: 12, value: text((r) => r.seatedOn) },
];

const TRAILING: ReportColumn[] = [
  {
    header: 'Completion decision',
    kind: 'text',
    width: 14,
    value: text((r) => r.completionDecision),
    codes: labels.COMPLETION_OUTCOMES,
  },
  { header: 'Decided on', kind: 'text', width: 12, value: text((r) => r.decidedOn) },
  {
    header: 'Overridden',
    kind: 'text',
    width: 10,
    value: (r) => (r.overridden === null ? null : r.overridden ? 'yes' : 'no'),
  },
  {
    header: 'Certificate serial',
    kind: 'text',
    width: 16,
    value: text((r) => r.certificateSerial),
  },
  {
    header: 'Certificate status',
    kind: 'text',
    width: 12,
    value: text((r) => r.certificateStatus),
    codes: labels.CERTIFICATE_STATUSES,
  },
  { header: 'Awarding body', kind: 'text', width: 30, value: text((r) => r.awardingBody) },
  { header: 'Award title', kind: 'text', width: 40, value: text((r) => r.awardTitle) },
  { header: 'Award level', kind: 'number', width: 8, value: num((r) => r.awardLevel) },
  { header: 'Award credits', kind: 'number', width: 8, value: num((r) => r.awardCredits) },
  {
    header: 'Award result',
    kind: 'text',
    width: 12,
    value: text((r) => r.awardResult),
    codes: labels.AWARD_RESULTS,
  },
  {
    header: 'Award conferred on',
    kind: 'text',
    width: 12,
    value: text((r) => r.awardConferredOn),
  },
];

/** Header of the n-th block column (1-based). */
export const blockHeader = (n: number) => `Block ${n} %`;

/**
 * The columns of one export: the fixed leading columns, one 'Block n %' per block (the largest
 * block count among the exported cohorts; cohorts with fewer blocks leave the rest empty), one
 * column per assessment code of the course headed by the code, then the fixed trailing columns.
 * With `labels` wording, code cells show their labels and an assessment column is headed
 * "<title> (<code>)"; the column order and the other headers are the same.
 */
export function accreditationColumns(
  layout: ColumnLayout,
  wording: Wording = 'codes',
): ReportColumn[] {
  const blocks: ReportColumn[] = Array.from({ length: layout.blockCount }, (_, i) => ({
    header: blockHeader(i + 1),
    kind: 'number',
    width: 10,
    value: (r) => r.blockPercents[i] ?? null,
  }));
  const assessments: ReportColumn[] = layout.assessmentCodes.map((code) => {
    const title = layout.assessments?.find((a) => a.code === code)?.title;
    const header = wording === 'labels' && title && title !== code ? `${title} (${code})` : code;
    return {
      header,
      kind: 'text',
      width: Math.max(8, header.length + 2),
      value: (r) => r.assessments[code] ?? null,
      codes: labels.ASSESSMENT_OUTCOMES,
    };
  });
  const columns = [...LEADING, ...blocks, ...assessments, ...TRAILING];
  return wording === 'codes' ? columns : columns.map(labelled);
}

/** A column whose codes read as their labels (any other value is shown as it is). */
function labelled(column: ReportColumn): ReportColumn {
  const family = column.codes;
  if (!family) return column;
  return {
    ...column,
    value: (row) => {
      const v = column.value(row);
      return typeof v === 'string' ? labelOf(family, v) : v;
    },
  };
}

/** The fixed headers, for documentation checks: leading, then trailing. */
export const FIXED_HEADERS = {
  leading: LEADING.map((c) => c.header),
  trailing: TRAILING.map((c) => c.header),
};

/** The header row, neutralised like any text (an assessment code is course data). */
export function headerCells(columns: readonly ReportColumn[]): string[] {
  return columns.map((c) => safeCell(c.header) as string);
}

/**
 * A data row: every text cell goes through the formula-injection guard, numbers stay numbers,
 * and a value of the wrong type for its column is dropped rather than written ambiguously.
 */
export function rowCells(columns: readonly ReportColumn[], row: AccreditationRow): CellValue[] {
  return columns.map((c) => {
    const v = c.value(row);
    if (v === null) return null;
    if (c.kind === 'number') return typeof v === 'number' && Number.isFinite(v) ? v : null;
    return safeCell(String(v));
  });
}
