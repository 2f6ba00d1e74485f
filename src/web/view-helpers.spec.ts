import {
  apologyStatusTag,
  assessmentOutcomeTag,
  attendanceLabel,
  certificateStatusTag,
  cohortStatusTag,
  enrolmentStatusTag,
  formatDate,
  formatDateTime,
  formatDay,
  formatPercent,
  formatTime,
  routeLabel,
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
    expect(routeLabel(route)).toBe(text);
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
  ])('attendance %s -> %s', (status, label) => {
    expect(attendanceLabel(status)).toBe(label);
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

describe('one filter per code family, worded by common/labels.ts', () => {
  it.each([
    ['professionLabel', 'peer_support_worker', 'Peer support worker'],
    ['ruleLabel', 'min_block_attendance_percent', 'Minimum attendance in every block'],
    ['studyKindLabel', 'reflective_writing', 'Reflective writing'],
    ['studyStatusLabel', 'submitted', 'Waiting for review'],
    ['apologyStatusLabel', 'pending', 'Waiting for a decision'],
    ['awardResultLabel', 'distinction', 'Distinction'],
    ['roleLabel', 'admin', 'Administrator'],
    ['sessionKindLabel', 'peer_group', 'Peer group'],
    ['decisionLabel', 'not_completed', 'Not completed'],
    ['outcomeLabel', 'refer', 'Referred'],
    ['enrolmentStatusLabel', 'waitlisted', 'On waiting list'],
    ['cohortStatusLabel', 'archived', 'Archived'],
    ['certificateStatusLabel', 'superseded', 'Superseded'],
    ['professionLabel', 'astronaut', 'astronaut'],
    ['professionLabel', null, ''],
  ] as const)('%s(%j) -> %j', (filter, code, label) => {
    expect(VIEW_FILTERS[filter](code)).toBe(label);
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
