import { COURSE_TEAM, staffAttribution } from './staff-attribution';

describe('staffAttribution', () => {
  const tutor = { id: 'u-1', displayName: 'Dr Ruth Okonjo', email: 'ruth@nelft.nhs.uk' };
  const unnamed = { id: 'u-2', displayName: null, email: 'tutor7@nelft.nhs.uk' };
  const nobody = { id: null, displayName: null, email: null };

  it.each([
    ['a student, a named tutor', 'student', tutor, { id: null, name: 'Dr Ruth Okonjo' }],
    [
      'a student, a tutor without a display name',
      'student',
      unnamed,
      { id: null, name: COURSE_TEAM },
    ],
    ['a student, no one', 'student', nobody, { id: null, name: null }],
    ['a tutor, a named colleague', 'tutor', tutor, { id: 'u-1', name: 'Dr Ruth Okonjo' }],
    [
      'an admin, an unnamed colleague',
      'admin',
      unnamed,
      { id: 'u-2', name: 'tutor7@nelft.nhs.uk' },
    ],
    ['the system, no one', 'system', nobody, { id: null, name: null }],
  ] as const)('%s', (_label, role, staff, expected) => {
    expect(staffAttribution({ role }, staff)).toEqual(expected);
  });
});
