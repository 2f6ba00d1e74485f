/**
 * The annual return: per course and calendar year, the figures AFT's annual review reads, for
 * every cohort running in that year. A pure function over the rows of the per-enrolment
 * accreditation export (the same measures as progress), plus the few facts the export does not
 * carry per row (sessions, assessment attempts, certificate counts). docs/reports.md explains
 * every figure; FIGURE_DEFINITIONS below is the same text for the spreadsheet and the PDF.
 */
import type { AccreditationRow } from './accreditation-columns';

const SEATED = new Set(['enrolled', 'completed', 'not_completed']);
export const ATTENDANCE_BANDS = [
  { label: '90-100%', min: 90 },
  { label: '80-89.9%', min: 80 },
  { label: '70-79.9%', min: 70 },
  { label: '60-69.9%', min: 60 },
  { label: 'under 60%', min: -Infinity },
] as const;
export const AWARD_RESULT_KEYS = ['pass', 'merit', 'distinction', 'fail', 'pending'] as const;

export interface AnnualReturnCohortInput {
  cohortId: string;
  number: number;
  name: string;
  status: string;
  startDate: string;
  endDate: string;
  /** Contact minutes of the cohort's mandatory sessions: all of them, and those that have ended. */
  scheduledMinutes: number;
  deliveredMinutes: number;
  /** Latest result per enrolment and assessment, counted by attempt and outcome. */
  assessmentResults: Array<{ code: string; attempt: number; outcome: string; count: number }>;
  certificates: { issued: number; onPaper: number; revoked: number };
}

export interface AnnualReturnCohort {
  cohortId: string;
  number: number;
  name: string;
  status: string;
  startDate: string;
  endDate: string;
  intake: number;
  intakeByProfession: Array<{ profession: string; count: number }>;
  peerSupportWorkers: number;
  intakeByEmployer: Array<{ employer: string; count: number }>;
  seated: number;
  withdrawn: number;
  deferred: number;
  transferred: number;
  completed: number;
  notCompleted: number;
  completionRate: number | null;
  contactHoursScheduled: number;
  contactHoursDelivered: number;
  attendance: {
    measured: number;
    meanPercent: number | null;
    bands: Array<{ band: string; count: number }>;
  };
  independentStudy: {
    enrolments: number;
    meanApprovedHours: number | null;
    meetingTarget: number;
    meetingTargetPercent: number | null;
  };
  assessments: Array<{ code: string; attempt: number; pass: number; refer: number; fail: number }>;
  certificates: { issued: number; onPaper: number; revoked: number };
  universityResults: Record<(typeof AWARD_RESULT_KEYS)[number] | 'notRecorded', number>;
}

export interface AnnualReturn {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  accreditationBody: string;
  accreditationLevel: string;
  year: number;
  asOf: string;
  targets: { contactHours: number; independentHours: number };
  /** The course's assessments, whose titles label the assessment rows of the XLSX and PDF. */
  assessments: Array<{ code: string; title: string }>;
  cohorts: AnnualReturnCohort[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const mean = (values: number[]) =>
  values.length > 0 ? round1(values.reduce((a, b) => a + b, 0) / values.length) : null;
const percent = (part: number, whole: number) => (whole > 0 ? round1((100 * part) / whole) : null);

function tally(values: string[]): Array<{ key: string; count: number }> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  // Largest first, then by name: the order a reader scans a breakdown in.
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** One cohort's figures from its export rows (every status) and the extra facts. */
export function annualReturnCohort(
  input: AnnualReturnCohortInput,
  rows: readonly AccreditationRow[],
  independentTargetHours: number,
): AnnualReturnCohort {
  const intake = rows.filter((r) => r.seatedOn !== null);
  const seated = rows.filter((r) => SEATED.has(r.enrolmentStatus));
  const status = (s: string) => rows.filter((r) => r.enrolmentStatus === s).length;
  const completed = status('completed');
  const notCompleted = status('not_completed');
  const percents = seated.flatMap((r) =>
    r.attendancePercent === null ? [] : [r.attendancePercent],
  );
  const meeting = seated.filter(
    (r) =>
      (r.approvedIndependentMinutes ?? Math.round(r.approvedIndependentHours * 60)) >=
      independentTargetHours * 60,
  ).length;
  const attempts = new Map<string, AnnualReturnCohort['assessments'][number]>();
  for (const a of input.assessmentResults) {
    const key = `${a.code}:${a.attempt}`;
    const entry = attempts.get(key) ?? {
      code: a.code,
      attempt: a.attempt,
      pass: 0,
      refer: 0,
      fail: 0,
    };
    if (a.outcome === 'pass' || a.outcome === 'refer' || a.outcome === 'fail')
      entry[a.outcome] += a.count;
    attempts.set(key, entry);
  }
  const awards = { pass: 0, merit: 0, distinction: 0, fail: 0, pending: 0, notRecorded: 0 };
  for (const r of intake) {
    const result = r.awardResult as keyof typeof awards | null;
    awards[result && result in awards ? result : 'notRecorded'] += 1;
  }
  return {
    cohortId: input.cohortId,
    number: input.number,
    name: input.name,
    status: input.status,
    startDate: input.startDate,
    endDate: input.endDate,
    intake: intake.length,
    intakeByProfession: tally(intake.map((r) => r.profession)).map((t) => ({
      profession: t.key,
      count: t.count,
    })),
    peerSupportWorkers: intake.filter((r) => r.profession === 'peer_support_worker').length,
    intakeByEmployer: tally(intake.map((r) => r.employer ?? 'not recorded')).map((t) => ({
      employer: t.key,
      count: t.count,
    })),
    seated: seated.length,
    withdrawn: status('withdrawn'),
    deferred: status('deferred'),
    transferred: status('transferred'),
    completed,
    notCompleted,
    completionRate: percent(completed, completed + notCompleted),
    contactHoursScheduled: round1(input.scheduledMinutes / 60),
    contactHoursDelivered: round1(input.deliveredMinutes / 60),
    attendance: {
      measured: percents.length,
      meanPercent: mean(percents),
      bands: ATTENDANCE_BANDS.map((b, i) => ({
        band: b.label,
        count: percents.filter((p) => p >= b.min && (i === 0 || p < ATTENDANCE_BANDS[i - 1].min))
          .length,
      })),
    },
    independentStudy: {
      enrolments: seated.length,
      meanApprovedHours: mean(seated.map((r) => r.approvedIndependentHours)),
      meetingTarget: meeting,
      meetingTargetPercent: percent(meeting, seated.length),
    },
    assessments: [...attempts.values()].sort(
      (a, b) => a.code.localeCompare(b.code) || a.attempt - b.attempt,
    ),
    certificates: input.certificates,
    universityResults: awards,
  };
}

/** The definitions shown beside the figures (spreadsheet, PDF); docs/reports.md says the same. */
export const FIGURE_DEFINITIONS: ReadonlyArray<readonly [string, string]> = [
  [
    'Cohorts',
    'Every cohort of the course running in the year: it starts on or before 31 December and ends on or after 1 January.',
  ],
  [
    'Intake',
    "Enrolments that took one of the cohort's places, whatever their status now (the waiting list is not intake; a student transferred between cohorts counts in both).",
  ],
  [
    'Intake by profession',
    'The intake counted by profession; peer support workers are also shown on their own line.',
  ],
  [
    'Intake by employer',
    'The intake counted by employer (e.g. an NHS trust); "not recorded" when none is held.',
  ],
  ['Seated', 'Enrolments holding a place now: enrolled, completed or not completed.'],
  [
    'Withdrawn, deferred, transferred, completed, not completed',
    'Enrolments with that status now.',
  ],
  [
    'Completion rate %',
    'Completed / (completed + not completed) x 100, one decimal; empty before any decision.',
  ],
  [
    'Contact hours scheduled',
    "Contact minutes of all the cohort's mandatory sessions, past and future, / 60.",
  ],
  [
    'Contact hours delivered',
    'Contact minutes of the mandatory sessions that have ended (cancelled sessions never count) / 60.',
  ],
  [
    'Attendance measured',
    'Seated enrolments with an attendance % (something eligible and not all excused).',
  ],
  [
    'Mean attendance %',
    "Mean of those enrolments' attendance % as the progress page and the export show them (one decimal each), rounded to one decimal.",
  ],
  [
    'Attendance bands',
    'Those enrolments counted by their attendance % as shown: 90-100, 80-89.9, 70-79.9, 60-69.9, under 60.',
  ],
  [
    'Mean approved independent hours',
    "Mean of the seated enrolments' approved study-log hours as the export shows them (one decimal each), rounded to one decimal.",
  ],
  [
    'Meeting the independent-hours target',
    'Seated enrolments whose approved study-log minutes reach the course target (the min_independent_hours comparison), and their share of the seated.',
  ],
  [
    'Assessment outcomes',
    'Per assessment and attempt, the latest recorded outcome of each enrolment (pass, refer, fail); attempt 2 is a resubmission.',
  ],
  [
    'Certificates issued',
    'Course certificates with status issued (revoked and superseded not counted), of which issued on paper before the system.',
  ],
  ['Certificates revoked', 'Course certificates with status revoked.'],
  [
    'University results',
    "The intake counted by the university award result recorded (pass, merit, distinction, fail, pending), or not recorded. The award is the university's credential, separate from the course certificate.",
  ],
];
