import { CalendarSession, sessionsToIcs } from './session-calendar';

const session = (over: Partial<CalendarSession> = {}): CalendarSession => ({
  id: '6f1c9a2e-0000-4000-8000-000000000001',
  title: 'Open Dialogue practice',
  kind: 'residential',
  startsAt: new Date('2018-03-26T08:30:00Z'),
  endsAt: new Date('2018-03-26T16:30:00Z'),
  location: 'Goodmayes Hospital, Ilford',
  blockTitle: 'Residential week 2',
  cohortName: 'Cohort 4',
  updatedAt: new Date('2018-01-02T10:00:00Z'),
  ...over,
});

/** Unfolds RFC 5545 continuation lines so assertions can read whole properties. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');
const props = (ics: string, name: string) =>
  unfold(ics)
    .split('\r\n')
    .filter((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`))
    .map((l) => l.slice(l.indexOf(':') + 1));

describe('sessionsToIcs', () => {
  it('writes a calendar with one VEVENT per session, times in UTC and a stable UID', () => {
    const ics = sessionsToIcs('Cohort 4 timetable', [
      session(),
      session({
        id: '6f1c9a2e-0000-4000-8000-000000000002',
        startsAt: new Date('2018-10-29T09:30:00Z'),
        endsAt: new Date('2018-10-29T12:30:00Z'),
        blockTitle: null,
        location: null,
        kind: 'peer_group',
        mandatory: false,
      }),
    ]);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    expect(props(ics, 'VERSION')).toEqual(['2.0']);
    expect(props(ics, 'X-WR-CALNAME')).toEqual(['Cohort 4 timetable']);
    expect(props(ics, 'BEGIN')).toEqual(['VCALENDAR', 'VEVENT', 'VEVENT']);
    expect(props(ics, 'UID')).toEqual([
      '6f1c9a2e-0000-4000-8000-000000000001@pod-cohorts',
      '6f1c9a2e-0000-4000-8000-000000000002@pod-cohorts',
    ]);
    expect(props(ics, 'DTSTART')).toEqual(['20180326T083000Z', '20181029T093000Z']);
    expect(props(ics, 'DTEND')).toEqual(['20180326T163000Z', '20181029T123000Z']);
    expect(props(ics, 'SUMMARY')).toEqual(['Open Dialogue practice', 'Open Dialogue practice']);
    expect(props(ics, 'LOCATION')).toEqual(['Goodmayes Hospital\\, Ilford']);
    expect(props(ics, 'DESCRIPTION')).toEqual([
      'Cohort 4\\nBlock: Residential week 2\\nKind: residential',
      'Cohort 4\\nKind: peer group\\nOptional session',
    ]);
  });

  it('escapes text and folds long lines as RFC 5545 requires', () => {
    const title = 'Reflecting teams; dialogue, polyphony and ' + 'x'.repeat(100);
    const ics = sessionsToIcs('POD', [session({ title })]);
    expect(props(ics, 'SUMMARY')).toEqual([title.replace(/([;,])/g, '\\$1')]);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('gives byte-identical output for an unchanged timetable', () => {
    expect(sessionsToIcs('POD', [session()])).toBe(sessionsToIcs('POD', [session()]));
  });

  it('writes an empty but valid calendar when there are no sessions', () => {
    const ics = sessionsToIcs('POD', []);
    expect(props(ics, 'BEGIN')).toEqual(['VCALENDAR']);
    expect(props(ics, 'END')).toEqual(['VCALENDAR']);
  });

  it('carries changes and cancellations: SEQUENCE and STATUS:CANCELLED under the same UID', () => {
    const ics = sessionsToIcs('Feed', [
      session(),
      session({
        id: '6f1c9a2e-0000-4000-8000-000000000002',
        sequence: 3,
        cancelledAt: new Date('2018-03-20T10:00:00Z'),
      }),
    ]);
    expect(props(ics, 'SEQUENCE')).toEqual(['0', '3']);
    expect(props(ics, 'STATUS')).toEqual(['CONFIRMED', 'CANCELLED']);
    expect(props(ics, 'SUMMARY')).toEqual([
      'Open Dialogue practice',
      'Cancelled: Open Dialogue practice',
    ]);
    expect(props(ics, 'UID')[1]).toBe('6f1c9a2e-0000-4000-8000-000000000002@pod-cohorts');
  });
});
