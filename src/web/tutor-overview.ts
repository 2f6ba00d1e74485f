import type { EnrolmentAttendanceEntry } from '../attendance/attendance.service';
import type { ProgressView } from '../progress/progress.service';
import { atRiskReasons } from './progress-wording';

/**
 * The tutor's overview of who is at risk and why. The flag and its reasons are the progress
 * service's (the same read as the API's cohort summary); this only picks the rows, words the
 * reasons for staff and chooses the register worth opening.
 */

export interface MissedSession {
  sessionId: string;
  title: string;
  startsAt: Date;
}

export interface AtRiskRow {
  studentId: string;
  enrolmentId: string;
  studentName: string;
  attendancePercent: number | null;
  reasons: string[];
  /** The register of the most recent session they missed, where a mark might be put right. */
  lastMissed: MissedSession | null;
}

/**
 * The most recent session that counts for the student, has ended, and that they missed (marked
 * absent, or not marked at all): the end of their run of absences, as the measures count it.
 */
export function lastMissed(items: readonly EnrolmentAttendanceEntry[]): MissedSession | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (!item.counts || !item.ended) continue;
    if (!item.record || item.record.status === 'absent') {
      return { sessionId: item.sessionId, title: item.title, startsAt: item.startsAt };
    }
  }
  return null;
}

/** The at-risk students of the cohort's progress rows, in the service's order (by name). */
export function atRiskRows(
  progress: readonly ProgressView[],
  missed: ReadonlyMap<string, MissedSession | null>,
): AtRiskRow[] {
  return progress
    .filter((p) => p.atRisk)
    .map((p) => ({
      studentId: p.studentId,
      enrolmentId: p.enrolmentId,
      studentName: p.studentName,
      attendancePercent: p.attendance.percent,
      reasons: atRiskReasons(p.atRiskReasons, 'staff'),
      lastMissed: missed.get(p.enrolmentId) ?? null,
    }));
}
