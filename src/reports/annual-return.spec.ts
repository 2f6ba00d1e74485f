import type { AccreditationRow } from './accreditation-columns';
import { annualReturnCohort, AnnualReturnCohortInput } from './annual-return';
import { annualReturnTable } from './annual-return-writers';

const input: AnnualReturnCohortInput = {
  cohortId: 'c3',
  number: 3,
  name: 'Cohort 3',
  status: 'completed',
  startDate: '2016-10-17',
  endDate: '2017-10-06',
  scheduledMinutes: 7200,
  deliveredMinutes: 7170,
  assessmentResults: [
    { code: 'ESSAY', attempt: 1, outcome: 'pass', count: 2 },
    { code: 'ESSAY', attempt: 2, outcome: 'fail', count: 1 },
  ],
  certificates: { issued: 2, onPaper: 2, revoked: 0 },
};

let n = 0;
const row = (over: Partial<AccreditationRow>): AccreditationRow => ({
  cohortNumber: 3,
  cohortName: 'Cohort 3',
  givenName: `G${n}`,
  familyName: `F${n++}`,
  email: `${n}@x.test`,
  profession: 'nurse',
  employer: 'NELFT',
  route: 'graduate_certificate',
  enrolmentStatus: 'completed',
  enrolledOn: '2016-10-01',
  endedOn: '2017-10-20',
  sessionsEligible: 40,
  sessionsAttended: 40,
  attendancePercent: 100,
  commitmentPercent: 100,
  attendedHours: 120,
  approvedIndependentHours: 0,
  approvedIndependentMinutes: 0,
  seatedOn: '2016-10-01',
  blockPercents: [],
  assessments: {},
  completionDecision: 'completed',
  decidedOn: '2017-10-20',
  overridden: false,
  certificateSerial: null,
  certificateStatus: null,
  awardingBody: null,
  awardTitle: null,
  awardLevel: null,
  awardCredits: null,
  awardResult: null,
  awardConferredOn: null,
  ...over,
});

describe('annualReturnCohort', () => {
  it('counts intake, statuses and breakdowns from the export rows', () => {
    const r = annualReturnCohort(
      input,
      [
        row({ profession: 'peer_support_worker', awardResult: 'merit' }),
        row({ profession: 'peer_support_worker', employer: null }),
        row({ enrolmentStatus: 'not_completed', attendancePercent: 79.9 }),
        row({ enrolmentStatus: 'withdrawn', attendancePercent: 10 }),
        row({ enrolmentStatus: 'waitlisted', seatedOn: null, attendancePercent: null }),
      ],
      120,
    );
    expect(r).toMatchObject({
      intake: 4,
      peerSupportWorkers: 2,
      intakeByProfession: [
        { profession: 'nurse', count: 2 },
        { profession: 'peer_support_worker', count: 2 },
      ],
      intakeByEmployer: [
        { employer: 'NELFT', count: 3 },
        { employer: 'not recorded', count: 1 },
      ],
      seated: 3,
      withdrawn: 1,
      completed: 2,
      notCompleted: 1,
      completionRate: 66.7,
      contactHoursScheduled: 120,
      contactHoursDelivered: 119.5,
      universityResults: { merit: 1, notRecorded: 3, pass: 0 },
      assessments: [
        { code: 'ESSAY', attempt: 1, pass: 2, refer: 0, fail: 0 },
        { code: 'ESSAY', attempt: 2, pass: 0, refer: 0, fail: 1 },
      ],
    });
  });

  it.each([
    [[100, 90], '90-100%', 2],
    [[89.9, 80], '80-89.9%', 2],
    [[79.9, 70], '70-79.9%', 2],
    [[69.9, 60], '60-69.9%', 2],
    [[59.9, 0], 'under 60%', 2],
  ])('puts attendance %j in the band %s (as shown, one decimal)', (percents, band, count) => {
    const r = annualReturnCohort(
      input,
      percents.map((p) => row({ attendancePercent: p })),
      120,
    );
    expect(r.attendance.bands.find((b) => b.band === band)?.count).toBe(count);
    expect(r.attendance.bands.reduce((s, b) => s + b.count, 0)).toBe(2);
  });

  it.each([
    ['exactly the target meets it', 7200, 1],
    ['one minute short does not, though it shows 120.0 h', 7199, 0],
  ])('independent study: %s', (_name, minutes, meeting) => {
    const r = annualReturnCohort(
      input,
      [row({ approvedIndependentMinutes: minutes, approvedIndependentHours: 120 }), row({})],
      120,
    );
    expect(r.independentStudy).toEqual({
      enrolments: 2,
      meanApprovedHours: 60,
      meetingTarget: meeting,
      meetingTargetPercent: meeting * 50,
    });
  });

  it('leaves rates and means empty when there is nothing to measure', () => {
    const r = annualReturnCohort(
      input,
      [row({ enrolmentStatus: 'enrolled', attendancePercent: null })],
      120,
    );
    expect(r.completionRate).toBeNull();
    expect(r.attendance).toMatchObject({ measured: 0, meanPercent: null });
  });
});

describe('annualReturnTable', () => {
  it('words the figures with labels: professions, outcomes by assessment title, status, results', () => {
    const cohort = annualReturnCohort(
      {
        ...input,
        assessmentResults: [
          { code: 'ESSAY', attempt: 1, outcome: 'refer', count: 1 },
          { code: 'VIVA', attempt: 1, outcome: 'pass', count: 1 },
        ],
      },
      [row({ profession: 'peer_support_worker', awardResult: 'merit' }), row({})],
      120,
    );
    const { rows } = annualReturnTable({
      courseId: 'c',
      courseCode: 'POD',
      courseTitle: 'Peer-supported Open Dialogue',
      accreditationBody: 'AFT',
      accreditationLevel: 'Foundation',
      year: 2017,
      asOf: '2026-11-30T10:00:00.000Z',
      targets: { contactHours: 120, independentHours: 120 },
      assessments: [{ code: 'ESSAY', title: 'Reflective essay' }],
      cohorts: [cohort],
    });
    const figures = new Map(rows.map(([label, value]) => [label, value]));
    expect(figures.get('Status')).toBe('Completed');
    expect(figures.get('Intake: Peer support worker')).toBe(1);
    expect(figures.get('Intake: Nurse')).toBe(1);
    expect(figures.get('Reflective essay attempt 1: Referred')).toBe(1);
    expect(figures.get('Reflective essay attempt 1: Passed')).toBe(0);
    // An assessment the course no longer defines keeps its code.
    expect(figures.get('VIVA attempt 1: Passed')).toBe(1);
    expect(figures.get('University result: Merit')).toBe(1);
    expect(figures.get('University result: not recorded')).toBe(1);
    expect([...figures.keys()].join('\n')).not.toMatch(/peer_support_worker|: pass$|: refer$/m);
  });
});
