import { sessionCancelledEmail } from './session-cancelled-email';

describe('sessionCancelledEmail', () => {
  const facts = {
    givenName: 'Amara',
    title: 'Residential week 2, day 1',
    cohortName: 'Cohort 4',
    courseTitle: 'POD certificate',
    reason: 'Venue flooded',
    location: 'Goodmayes Hospital',
    timezone: 'Europe/London',
  };

  it.each([
    // 09:30 BST on 29 October 2018 is the day after the clocks went back: 09:30Z.
    [
      'after the clocks go back',
      '2018-10-29T09:30:00Z',
      '2018-10-29T16:30:00Z',
      'Monday 29 October 2018, 09:30 to 16:30',
    ],
    [
      'in summer time',
      '2018-03-26T08:30:00Z',
      '2018-03-26T15:30:00Z',
      'Monday 26 March 2018, 09:30 to 16:30',
    ],
  ])('states the local day and times %s', (_label, startsAt, endsAt, when) => {
    const email = sessionCancelledEmail({
      ...facts,
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
    });
    expect(email.subject).toBe(`Cancelled: Residential week 2, day 1, ${when.split(',')[0]}`);
    expect(email.text).toContain(`When it was due: ${when} (Europe/London)`);
    expect(email.text).toContain('Reason: Venue flooded');
    expect(email.text).toMatch(/^Dear Amara,/);
  });

  it('leaves out the place when there is none', () => {
    const email = sessionCancelledEmail({
      ...facts,
      location: null,
      startsAt: new Date('2018-03-26T08:30:00Z'),
      endsAt: new Date('2018-03-26T15:30:00Z'),
    });
    expect(email.text).not.toContain('Where:');
  });
});
