import {
  AttendanceWarningFacts,
  studentAttendanceWarningEmail,
  tutorAttendanceWarningEmail,
} from './attendance-warning-email';

const facts: AttendanceWarningFacts = {
  courseTitle: 'Peer-supported Open Dialogue',
  cohortName: 'Cohort 3',
  studentName: 'Amara Okafor',
  attendancePercent: 62.5,
  maxReachablePercent: 71.25,
  consecutiveAbsences: 3,
  requiredPercent: 80,
  reasons: [
    { type: 'attendance_unreachable', maxReachablePercent: 71.3, requiredPercent: 80 },
    { type: 'consecutive_absences', absences: 3, warnAfter: 3 },
  ],
};

describe('attendance warning emails', () => {
  it('tells the student where they stand and why they are at risk', () => {
    const email = studentAttendanceWarningEmail({ ...facts, givenName: 'Amara' });
    expect(email.subject).toBe('Your attendance on Peer-supported Open Dialogue needs attention');
    expect(email.text).toBe(
      [
        'Dear Amara,',
        '',
        'Your attendance on Peer-supported Open Dialogue (Cohort 3) now puts your completion at risk.',
        '',
        '- Attendance so far: 62.5% (the course requires 80%)',
        '- The most that can still be reached by attending every remaining session: 71.3%',
        '- Consecutive absences: 3',
        '- At risk because even full attendance from now on cannot reach the required 80%',
        '- At risk because of 3 sessions missed in a row (the warning level is 3)',
        '',
        'Please contact your tutor or the course administrator soon to talk about how to catch up.',
      ].join('\n'),
    );
  });

  it('tells each tutor who is at risk, with the same figures and reasons', () => {
    const email = tutorAttendanceWarningEmail({
      ...facts,
      attendancePercent: null,
      requiredPercent: null,
      reasons: [{ type: 'consecutive_absences', absences: 4, warnAfter: 3 }],
      tutorName: null,
    });
    expect(email.subject).toBe('Attendance warning: Amara Okafor (Cohort 3)');
    expect(email.text.split('\n')).toEqual([
      'Dear colleague,',
      '',
      'Amara Okafor on Peer-supported Open Dialogue (Cohort 3) is now at risk of not completing.',
      '',
      '- Attendance so far: not yet measured',
      '- The most that can still be reached by attending every remaining session: 71.3%',
      '- Consecutive absences: 3',
      '- At risk because of 4 sessions missed in a row (the warning level is 3)',
    ]);
  });
});
