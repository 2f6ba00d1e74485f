import type { AtRiskReason } from '../completion/completion-rules';

/**
 * The words of the attendance warning emails (to the student and to each tutor), as pure
 * functions of the progress service's figures and at-risk reasons: the email explains the same
 * flag the progress page shows, never a test of its own.
 */
export interface AttendanceWarningFacts {
  courseTitle: string;
  cohortName: string;
  studentName: string;
  attendancePercent: number | null;
  maxReachablePercent: number | null;
  consecutiveAbsences: number;
  /** The strictest attendance rule of the cohort, if any. */
  requiredPercent: number | null;
  reasons: readonly AtRiskReason[];
}

const pct = (n: number | null) => (n === null ? 'not yet measured' : `${n.toFixed(1)}%`);

function reasonLine(reason: AtRiskReason): string {
  switch (reason.type) {
    case 'attendance_unreachable':
      return `- At risk because even full attendance from now on cannot reach the required ${reason.requiredPercent}%`;
    case 'consecutive_absences':
      return `- At risk because of ${reason.absences} sessions missed in a row (the warning level is ${reason.warnAfter})`;
  }
}

function factLines(f: AttendanceWarningFacts): string[] {
  return [
    `- Attendance so far: ${pct(f.attendancePercent)}${f.requiredPercent !== null ? ` (the course requires ${f.requiredPercent}%)` : ''}`,
    `- The most that can still be reached by attending every remaining session: ${pct(f.maxReachablePercent)}`,
    `- Consecutive absences: ${f.consecutiveAbsences}`,
    ...f.reasons.map(reasonLine),
  ];
}

export function studentAttendanceWarningEmail(f: AttendanceWarningFacts & { givenName: string }): {
  subject: string;
  text: string;
} {
  return {
    subject: `Your attendance on ${f.courseTitle} needs attention`,
    text: [
      `Dear ${f.givenName},`,
      '',
      `Your attendance on ${f.courseTitle} (${f.cohortName}) now puts your completion at risk.`,
      '',
      ...factLines(f),
      '',
      'Please contact your tutor or the course administrator soon to talk about how to catch up.',
    ].join('\n'),
  };
}

export function tutorAttendanceWarningEmail(
  f: AttendanceWarningFacts & { tutorName: string | null },
): { subject: string; text: string } {
  return {
    subject: `Attendance warning: ${f.studentName} (${f.cohortName})`,
    text: [
      `Dear ${f.tutorName ?? 'colleague'},`,
      '',
      `${f.studentName} on ${f.courseTitle} (${f.cohortName}) is now at risk of not completing.`,
      '',
      ...factLines(f),
    ].join('\n'),
  };
}
