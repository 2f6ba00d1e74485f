import type { EnrolmentAttendanceEntry } from '../attendance/attendance.service';
import type { ProgressView } from '../progress/progress.service';
import { atRiskRows, lastMissed } from './tutor-overview';

function entry(
  n: number,
  over: Partial<EnrolmentAttendanceEntry> & { status?: string | null } = {},
): EnrolmentAttendanceEntry {
  const { status = null, ...rest } = over;
  return {
    sessionId: `s${n}`,
    title: `Session ${n}`,
    kind: 'residential',
    blockId: null,
    startsAt: new Date(Date.UTC(2027, 0, n, 9)),
    endsAt: new Date(Date.UTC(2027, 0, n, 16)),
    contactMinutes: 420,
    mandatory: true,
    ended: true,
    counts: true,
    record: status
      ? ({ status, minutesAttended: 0 } as unknown as EnrolmentAttendanceEntry['record'])
      : null,
    ...rest,
  };
}

describe('lastMissed', () => {
  it.each<[string, EnrolmentAttendanceEntry[], string | null]>([
    ['the latest absence', [entry(1, { status: 'absent' }), entry(2, { status: 'absent' })], 's2'],
    ['an unmarked ended session is missed', [entry(1, { status: 'absent' }), entry(2)], 's2'],
    [
      'attended, excused and late sessions are not missed',
      [
        entry(1, { status: 'absent' }),
        entry(2, { status: 'present' }),
        entry(3, { status: 'excused' }),
        entry(4, { status: 'late' }),
      ],
      's1',
    ],
    [
      'sessions not ended or not counting are skipped',
      [entry(1, { status: 'absent' }), entry(2, { ended: false }), entry(3, { counts: false })],
      's1',
    ],
    ['nothing missed', [entry(1, { status: 'present' })], null],
  ])('%s', (_label, items, expected) => {
    expect(lastMissed(items)?.sessionId ?? null).toBe(expected);
  });
});

describe('atRiskRows', () => {
  const view = (name: string, atRisk: boolean): ProgressView =>
    ({
      enrolmentId: `e-${name}`,
      studentId: `st-${name}`,
      studentName: name,
      attendance: { percent: 50 },
      atRisk,
      atRiskReasons: atRisk ? [{ type: 'consecutive_absences', absences: 3, warnAfter: 3 }] : [],
    }) as unknown as ProgressView;

  it('keeps only the flagged students, worded for staff, with their missed session', () => {
    const missed = new Map([['e-Ann', { sessionId: 's9', title: 'Day 9', startsAt: new Date(0) }]]);
    expect(atRiskRows([view('Ann', true), view('Bea', false), view('Cy', true)], missed)).toEqual([
      {
        studentId: 'st-Ann',
        enrolmentId: 'e-Ann',
        studentName: 'Ann',
        attendancePercent: 50,
        reasons: ['Missed the last 3 sessions in a row (the warning level is 3).'],
        lastMissed: { sessionId: 's9', title: 'Day 9', startsAt: new Date(0) },
      },
      {
        studentId: 'st-Cy',
        enrolmentId: 'e-Cy',
        studentName: 'Cy',
        attendancePercent: 50,
        reasons: ['Missed the last 3 sessions in a row (the warning level is 3).'],
        lastMissed: null,
      },
    ]);
  });
});
