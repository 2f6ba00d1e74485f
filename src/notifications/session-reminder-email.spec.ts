import { sessionReminderEmail, SessionReminderFacts } from './session-reminder-email';

describe('sessionReminderEmail', () => {
  const facts: SessionReminderFacts = {
    givenName: 'Amara',
    title: 'Residential week 2, day 1',
    kind: 'peer_group',
    courseTitle: 'POD certificate',
    cohortName: 'Cohort 4',
    blockTitle: 'Residential week 2',
    startsAt: new Date('2018-10-29T09:30:00Z'),
    endsAt: new Date('2018-10-29T16:30:00Z'),
    timezone: 'Europe/London',
    location: 'Goodmayes Hospital',
    mandatory: true,
    offset: 'P1D',
  };

  it.each([
    // 09:30 GMT on 29 October 2018 is the day after the clocks went back.
    [
      'after the clocks go back',
      '2018-10-29T09:30:00Z',
      '2018-10-29T16:30:00Z',
      'Monday 29 October 2018',
      'Monday 29 October 2018, 09:30 to 16:30 (GMT, Europe/London)',
    ],
    [
      'in summer time',
      '2018-03-26T08:30:00Z',
      '2018-03-26T15:30:00Z',
      'Monday 26 March 2018',
      'Monday 26 March 2018, 09:30 to 16:30 (BST, Europe/London)',
    ],
    [
      'over two days',
      '2018-03-26T08:30:00Z',
      '2018-03-27T15:30:00Z',
      'Monday 26 March 2018',
      'Monday 26 March 2018, 09:30 to Tuesday 27 March 2018, 16:30 (BST, Europe/London)',
    ],
  ])('states the local day and times %s', (_label, startsAt, endsAt, day, when) => {
    const email = sessionReminderEmail({
      ...facts,
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
    });
    expect(email.subject).toBe(`Reminder: Residential week 2, day 1, ${day} at 09:30`);
    expect(email.text).toContain(`When: ${when}`);
  });

  it('greets the student and names the session, its block, place and kind', () => {
    expect(sessionReminderEmail(facts).text).toBe(
      [
        'Dear Amara,',
        '',
        'This is a reminder of your peer group session on POD certificate (Cohort 4).',
        '',
        'Residential week 2, day 1',
        'Residential week 2',
        'When: Monday 29 October 2018, 09:30 to 16:30 (GMT, Europe/London)',
        'Where: Goodmayes Hospital',
        '',
        'The session is attached as a calendar entry.',
        '',
        '(Sent 1 day before the session.)',
      ].join('\n'),
    );
  });

  it.each([
    ['P7D', '(Sent 1 week before the session.)'],
    ['PT2H', '(Sent 2 hours before the session.)'],
    ['PT90M', '(Sent 1 hour and 30 minutes before the session.)'],
  ])('says how long before the session %s is', (offset, line) => {
    expect(sessionReminderEmail({ ...facts, offset }).text).toContain(line);
  });

  it('says when the place is not known yet, there is no block, or the session is optional', () => {
    const text = sessionReminderEmail({
      ...facts,
      location: null,
      blockTitle: null,
      mandatory: false,
    }).text;
    expect(text).toContain('Where: to be confirmed');
    expect(text).toContain('This session is optional.');
    expect(text.split('\n')).not.toContain('Residential week 2');
  });
});
