import { minutesBetween, parseRangeBound, parseSessionTime, toLocalIso } from './session-time';

const LONDON = 'Europe/London';

describe('parseSessionTime', () => {
  it.each([
    // Local wall-clock times follow the zone's rules across clock changes.
    ['2018-03-26T09:30', LONDON, '2018-03-26T08:30:00.000Z', true],
    ['2018-03-24T09:30', LONDON, '2018-03-24T09:30:00.000Z', true],
    ['2018-10-29T09:30', LONDON, '2018-10-29T09:30:00.000Z', true],
    ['2018-10-26T09:30:15', LONDON, '2018-10-26T08:30:15.000Z', true],
    ['2018-06-01T17:00:00.5', LONDON, '2018-06-01T16:00:00.500Z', true],
    ['2018-03-26T09:30', 'America/New_York', '2018-03-26T13:30:00.000Z', true],
    ['2018-01-15T09:00', 'UTC', '2018-01-15T09:00:00.000Z', true],
    // An explicit offset or Z is an instant whatever the zone.
    ['2018-03-26T09:30Z', LONDON, '2018-03-26T09:30:00.000Z', false],
    ['2018-03-26T09:30:00+01:00', 'America/New_York', '2018-03-26T08:30:00.000Z', false],
    ['2018-03-25T01:30+00:00', LONDON, '2018-03-25T01:30:00.000Z', false],
    ['2018-10-28T01:30+01:00', LONDON, '2018-10-28T00:30:00.000Z', false],
    ['2018-10-28T01:30-0500', LONDON, '2018-10-28T06:30:00.000Z', false],
  ])('%s in %s is %s', (value, zone, expected, local) => {
    expect(parseSessionTime(value, zone)).toEqual({
      ok: true,
      instant: new Date(expected),
      local,
    });
  });

  it.each([
    ['2018-03-25T01:30', LONDON, 'nonexistent'],
    ['2018-03-25T01:00', LONDON, 'nonexistent'],
    ['2018-10-28T01:30', LONDON, 'ambiguous'],
    ['2018-02-30T09:00', LONDON, 'invalid'],
    ['2018-03-26T24:00', LONDON, 'invalid'],
    ['2018-03-26T09:60', LONDON, 'invalid'],
    ['2018-13-01T09:00Z', LONDON, 'invalid'],
    ['2018-03-26', LONDON, 'malformed'],
    ['26/03/2018 09:30', LONDON, 'malformed'],
    ['2018-03-26 09:30', LONDON, 'malformed'],
    ['2018-W13-1T09:30', LONDON, 'malformed'],
    ['', LONDON, 'malformed'],
  ])('%s in %s is refused as %s', (value, zone, problem) => {
    expect(parseSessionTime(value, zone)).toMatchObject({ ok: false, problem });
  });

  it('accepts the first minute after the spring-forward gap and the last before it', () => {
    expect(parseSessionTime('2018-03-25T00:59', LONDON)).toMatchObject({
      instant: new Date('2018-03-25T00:59:00Z'),
    });
    expect(parseSessionTime('2018-03-25T02:00', LONDON)).toMatchObject({
      instant: new Date('2018-03-25T01:00:00Z'),
    });
  });
});

describe('parseRangeBound', () => {
  it.each([
    ['2018-03-26', 'from', '2018-03-25T23:00:00.000Z'],
    ['2018-03-26', 'to', '2018-03-26T23:00:00.000Z'],
    ['2018-03-25', 'to', '2018-03-25T23:00:00.000Z'],
    ['2018-01-10', 'from', '2018-01-10T00:00:00.000Z'],
    ['2018-03-26T09:30', 'from', '2018-03-26T08:30:00.000Z'],
    ['2018-03-26T09:30Z', 'to', '2018-03-26T09:30:00.000Z'],
    ['2018-10-28T01:30', 'from', '2018-10-28T00:30:00.000Z'],
  ] as const)('%s as %s is %s', (value, bound, expected) => {
    expect(parseRangeBound(value, LONDON, bound)).toMatchObject({
      ok: true,
      instant: new Date(expected),
    });
  });

  it('refuses a date that does not exist', () => {
    expect(parseRangeBound('2018-02-30', LONDON, 'from')).toMatchObject({ ok: false });
  });
});

describe('toLocalIso and minutesBetween', () => {
  it.each([
    ['2018-03-26T08:30:00Z', LONDON, '2018-03-26T09:30:00'],
    ['2018-10-29T09:30:00Z', LONDON, '2018-10-29T09:30:00'],
    ['2018-10-28T00:30:00Z', LONDON, '2018-10-28T01:30:00'],
    ['2018-10-28T01:30:00Z', LONDON, '2018-10-28T01:30:00'],
    ['2018-03-26T13:30:00Z', 'America/New_York', '2018-03-26T09:30:00'],
  ])('%s in %s reads %s', (instant, zone, local) => {
    expect(toLocalIso(new Date(instant), zone)).toBe(local);
  });

  it('counts real elapsed minutes across a clock change', () => {
    // 00:00 to 03:00 local on the night the clocks go forward is two hours.
    const start = parseSessionTime('2018-03-25T00:00', LONDON);
    const end = parseSessionTime('2018-03-25T03:00', LONDON);
    if (!start.ok || !end.ok) throw new Error('parse failed');
    expect(minutesBetween(start.instant, end.instant)).toBe(120);
  });
});
