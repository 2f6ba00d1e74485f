import type { CellValue } from './spreadsheet-safe';

/** The annual summary's figures, per cohort and for the whole course (definitions in docs/reports.md). */
export interface SummaryFigures {
  intake: number;
  seated: number;
  withdrawn: number;
  deferred: number;
  transferred: number;
  completed: number;
  notCompleted: number;
  completionRate: number | null;
  meanAttendancePercent: number | null;
  contactHoursScheduled: number;
  certificatesIssued: number;
}

export interface CohortSummary extends SummaryFigures {
  cohortId: string;
  number: number;
  name: string;
  status: string;
  startDate: string;
  endDate: string;
}

export interface AccreditationSummary {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  /** The instant the figures were measured at (attendance counts sessions ended by then). */
  asOf: string;
  cohorts: CohortSummary[];
  totals: SummaryFigures;
}

const FIGURES: Array<[header: string, key: keyof SummaryFigures]> = [
  ['Intake', 'intake'],
  ['Seated', 'seated'],
  ['Withdrawn', 'withdrawn'],
  ['Deferred', 'deferred'],
  ['Transferred', 'transferred'],
  ['Completed', 'completed'],
  ['Not completed', 'notCompleted'],
  ['Completion rate %', 'completionRate'],
  ['Mean attendance %', 'meanAttendancePercent'],
  ['Contact hours scheduled', 'contactHoursScheduled'],
  ['Certificates issued', 'certificatesIssued'],
];

/** The summary sheet: one row per cohort, then a 'Total' row with the course figures. */
export const SUMMARY_HEADERS = [
  'Cohort number',
  'Cohort name',
  'Start date',
  'End date',
  ...FIGURES.map(([h]) => h),
];

export function summarySheetRows(summary: AccreditationSummary): CellValue[][] {
  const figures = (f: SummaryFigures) => FIGURES.map(([, key]) => f[key]);
  return [
    ...summary.cohorts.map((c) => [c.number, c.name, c.startDate, c.endDate, ...figures(c)]),
    [null, 'Total', null, null, ...figures(summary.totals)],
  ];
}
