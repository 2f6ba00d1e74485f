import {
  checkInCode,
  checkInOutcome,
  checkInStep,
  CHECK_IN_STEP_MS,
  matchCode,
} from './check-in-rules';

const KEY = 'test-key';
const S = '6f1c9a2e-0000-4000-8000-000000000001';
const OTHER = '6f1c9a2e-0000-4000-8000-000000000002';

describe('check-in codes', () => {
  const at = Date.parse('2027-10-28T08:31:10Z');
  const step = checkInStep(at);

  it('are six digits, differ by session and by 30-second step, and are stable', () => {
    const code = checkInCode(KEY, S, step);
    expect(code).toMatch(/^\d{6}$/);
    expect(checkInCode(KEY, S, step)).toBe(code);
    expect(checkInCode(KEY, S.toUpperCase(), step)).toBe(code);
    expect(checkInCode(KEY, OTHER, step)).not.toBe(code);
    expect(checkInCode(KEY, S, step + 1)).not.toBe(code);
    expect(checkInCode('other-key', S, step)).not.toBe(code);
  });

  it.each([
    ['this step', 0, 'current'],
    ['the step before (scanned at the end of it)', -1, 'current'],
    ['two steps ago', -2, 'stale'],
    ['nine minutes ago', -18, 'stale'],
    ['an hour ago', -120, 'none'],
  ] as const)('a code of %s (step %i) is %s', (_label, offset, expected) => {
    expect(matchCode(KEY, S, checkInCode(KEY, S, step + offset), at)).toBe(expected);
  });

  it("another session's code does not match", () => {
    expect(matchCode(KEY, S, checkInCode(KEY, OTHER, step), at)).toBe('none');
    expect(CHECK_IN_STEP_MS).toBe(30_000);
  });
});

describe('checkInOutcome', () => {
  const session = {
    startsAt: new Date('2027-10-28T08:30:00Z'),
    endsAt: new Date('2027-10-28T15:30:00Z'),
    contactMinutes: 420,
  };
  it.each([
    ['31 minutes before the start', '2027-10-28T07:59:00Z', { ok: false, reason: 'not_open_yet' }],
    ['20 minutes early', '2027-10-28T08:10:00Z', { ok: true, status: 'present', minutes: 420 }],
    [
      '10 minutes late: still present',
      '2027-10-28T08:40:00Z',
      { ok: true, status: 'present', minutes: 420 },
    ],
    ['an hour late', '2027-10-28T09:30:00Z', { ok: true, status: 'late', minutes: 360 }],
    ['one minute before the end', '2027-10-28T15:29:00Z', { ok: true, status: 'late', minutes: 1 }],
    ['at the end', '2027-10-28T15:30:00Z', { ok: false, reason: 'closed' }],
    ['in the last half minute', '2027-10-28T15:29:40Z', { ok: false, reason: 'closed' }],
  ])('%s', (_label, at, expected) => {
    expect(checkInOutcome(session, Date.parse(at))).toEqual(expected);
  });
});
