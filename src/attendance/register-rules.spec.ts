import { checkMinutes } from './register-rules';

describe('checkMinutes (session of 360 contact minutes)', () => {
  it.each([
    ['present, omitted: the whole session', 'present', undefined, 360],
    ['present, the whole session given', 'present', 360, 360],
    ['present, fewer minutes refused', 'present', 300, 'error'],
    ['late, omitted refused', 'late', undefined, 'error'],
    ['late, 1 minute is the lower bound', 'late', 1, 1],
    ['late, 359 minutes is the upper bound', 'late', 359, 359],
    ['late, 0 minutes refused (that is absent)', 'late', 0, 'error'],
    ['late, the whole session refused (that is present)', 'late', 360, 'error'],
    ['late, more than the session refused', 'late', 361, 'error'],
    ['left early, within bounds', 'left_early', 180, 180],
    ['left early, omitted refused', 'left_early', null, 'error'],
    ['excused, omitted: 0', 'excused', undefined, 0],
    ['excused, 0 given', 'excused', 0, 0],
    ['excused, minutes refused', 'excused', 30, 'error'],
    ['absent, omitted: 0', 'absent', undefined, 0],
    ['absent, minutes refused', 'absent', 1, 'error'],
  ] as const)('%s', (_name, status, given, expected) => {
    const result = checkMinutes(status, given, 360);
    if (expected === 'error') expect(typeof result).toBe('string');
    else expect(result).toBe(expected);
  });

  it('a session of 0 contact minutes can only be present (0), excused or absent', () => {
    expect(checkMinutes('present', undefined, 0)).toBe(0);
    expect(typeof checkMinutes('late', 0, 0)).toBe('string');
  });
});
