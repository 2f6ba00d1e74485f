import {
  apologyStatusTag,
  assessmentOutcomeTag,
  certificateStatusTag,
  cohortStatusTag,
  enrolmentStatusTag,
  formatDate,
  formatDateTime,
  formatDay,
  formatPercent,
  formatTime,
  label,
  VIEW_FILTERS,
} from './view-helpers';

describe('formatDate', () => {
  it.each([
    ['2014-10-20', '20 October 2014'],
    ['2018-01-08', '8 January 2018'],
    // An instant just before midnight UTC in summer is the next day in London.
    ['2017-06-30T23:30:00Z', '1 July 2017'],
    [new Date('2017-12-31T23:30:00Z'), '31 December 2017'],
    ['not a date', ''],
    [null, ''],
    [undefined, ''],
  ])('%j -> %j', (value, expected) => {
    expect(formatDate(value)).toBe(expected);
  });

  it('never shifts a calendar date through a far time zone', () => {
    expect(formatDate('2018-01-08', 'Pacific/Kiritimati')).toBe('8 January 2018');
  });
});

describe('formatTime and formatDateTime', () => {
  it.each([
    ['2018-01-08T09:30:00Z', 'Europe/London', '9:30am'],
    ['2018-07-09T09:30:00Z', 'Europe/London', '10:30am'],
    ['2018-01-08T12:00:00Z', 'Europe/London', '12pm'],
    ['2018-01-08T17:05:00Z', 'Europe/London', '5:05pm'],
    ['2018-01-08T09:00:00Z', 'America/New_York', '4am'],
    ['nonsense', 'Europe/London', ''],
  ])('%s in %s -> %s', (value, zone, expected) => {
    expect(formatTime(value, zone)).toBe(expected);
  });

  it('joins date and time in the given zone', () => {
    expect(formatDateTime('2018-03-25T09:30:00Z')).toBe('25 March 2018 at 10:30am');
    expect(formatDateTime('')).toBe('');
  });
});

describe('formatPercent', () => {
  it.each([
    [83.33, '83.3%'],
    [80, '80%'],
    [0, '0%'],
    [99.96, '100%'],
    [null, ''],
    [Number.NaN, ''],
    ['80', ''],
  ])('%j -> %j', (value, expected) => {
    expect(formatPercent(value)).toBe(expected);
  });
});

describe('labels', () => {
  it.each([
    ['waitlisted', 'On waiting list'],
    ['enrolled', 'Enrolled'],
    ['not_completed', 'Not completed'],
    ['mystery', 'mystery'],
  ])('enrolment status %s reads %s', (status, text) => {
    expect(enrolmentStatusTag(status).text).toBe(text);
  });

  it.each([
    ['running', 'Running'],
    ['archived', 'Archived'],
  ])('cohort status %s reads %s', (status, text) => {
    expect(cohortStatusTag(status).text).toBe(text);
  });

  it.each([
    ['graduate_certificate', 'Graduate certificate (level 6)'],
    ['postgraduate_certificate', 'Postgraduate certificate (level 7)'],
  ])('route %s reads %s', (route, text) => {
    expect(label(route, 'ROUTES')).toBe(text);
  });
});

describe('formatDay', () => {
  it.each([
    ['2018-01-08T09:30:00Z', 'Europe/London', 'Monday 8 January 2018'],
    ['2018-01-08T23:30:00Z', 'Europe/London', 'Monday 8 January 2018'],
    ['2018-01-08T23:30:00Z', 'Europe/Berlin', 'Tuesday 9 January 2018'],
    ['2018-01-08', 'Pacific/Kiritimati', 'Monday 8 January 2018'],
    ['nonsense', 'Europe/London', ''],
  ])('%s in %s -> %s', (value, zone, expected) => {
    expect(formatDay(value, zone)).toBe(expected);
  });
});

describe('labels and tags', () => {
  it.each([
    ['present', 'Present'],
    ['left_early', 'Left early'],
    ['odd', 'odd'],
  ])('attendance %s -> %s', (status, text) => {
    expect(VIEW_FILTERS.label(status, 'ATTENDANCE_STATUSES')).toBe(text);
  });

  it.each([
    ['issued', { text: 'Issued', classes: 'nhsuk-tag--green' }],
    ['revoked', { text: 'Revoked', classes: 'nhsuk-tag--red' }],
    ['superseded', { text: 'Superseded', classes: 'nhsuk-tag--grey' }],
  ])('certificate %s', (status, tag) => {
    expect(certificateStatusTag(status)).toEqual(tag);
  });

  it.each([
    ['pass', 'Passed'],
    ['refer', 'Referred'],
    ['fail', 'Failed'],
    [null, 'Not marked yet'],
  ])('assessment %s -> %s', (outcome, text) => {
    expect(assessmentOutcomeTag(outcome).text).toBe(text);
  });
});

describe('the label filter: any code family, worded by common/labels.ts', () => {
  it.each([
    ['PROFESSIONS', 'peer_support_worker', 'Peer support worker'],
    ['COMPLETION_RULE_TYPES', 'min_block_attendance_percent', 'Minimum attendance in every block'],
    ['STUDY_KINDS', 'reflective_writing', 'Reflective writing'],
    ['STUDY_ENTRY_STATUSES', 'submitted', 'Waiting for review'],
    ['ABSENCE_REQUEST_STATUSES', 'pending', 'Waiting for a decision'],
    ['AWARD_RESULTS', 'distinction', 'Distinction'],
    ['ROLES', 'admin', 'Administrator'],
    ['SESSION_KINDS', 'peer_group', 'Peer group'],
    ['COMPLETION_OUTCOMES', 'not_completed', 'Not completed'],
    ['ASSESSMENT_OUTCOMES', 'refer', 'Referred'],
    ['ENROLMENT_STATUSES', 'waitlisted', 'On waiting list'],
    ['COHORT_STATUSES', 'archived', 'Archived'],
    ['CERTIFICATE_STATUSES', 'superseded', 'Superseded'],
    ['PROFESSIONS', 'astronaut', 'astronaut'],
    ['PROFESSIONS', null, ''],
  ] as const)('%s: %j -> %j', (family, code, text) => {
    expect(VIEW_FILTERS.label(code, family)).toBe(text);
  });

  it("lists a family as radio items in its labels' order", () => {
    expect(VIEW_FILTERS.labelItems('ATTENDANCE_STATUSES')).toEqual([
      { value: 'present', text: 'Present' },
      { value: 'late', text: 'Late' },
      { value: 'left_early', text: 'Left early' },
      { value: 'excused', text: 'Excused' },
      { value: 'absent', text: 'Absent' },
    ]);
  });

  it('fails on a family that does not exist, rather than showing codes', () => {
    expect(() => label('nurse', 'PROFESSION' as never)).toThrow('No code family named PROFESSION');
  });

  it('colours an apology by its status', () => {
    expect(apologyStatusTag('approved')).toEqual({
      text: 'Approved',
      classes: 'nhsuk-tag--green',
    });
    expect(apologyStatusTag('declined')).toEqual({ text: 'Declined', classes: 'nhsuk-tag--red' });
    expect(apologyStatusTag('pending')).toEqual({
      text: 'Waiting for a decision',
      classes: 'nhsuk-tag--grey',
    });
  });
});
