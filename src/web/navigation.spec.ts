import { homeFor, navigationFor, safeNextPath } from './navigation';

describe('homeFor', () => {
  it.each([
    ['admin', '/admin'],
    ['tutor', '/tutor'],
    ['student', '/progress'],
  ] as const)('sends %s to %s', (role, home) => {
    expect(homeFor(role)).toBe(home);
  });
});

describe('navigationFor', () => {
  it.each([
    ['/admin', { current: true, active: false }],
    ['/admin/cohorts/1', { current: false, active: true }],
    ['/administrators', { current: false, active: false }],
    ['/progress', { current: false, active: false }],
    ['/admin/certificates', { current: false, active: false }],
  ])('marks the admin Cohorts item on %s', (path, marks) => {
    expect(navigationFor('admin', path)[0]).toMatchObject({ href: '/admin', ...marks });
  });

  it('keeps a student record under Students and the import under Import students', () => {
    const marked = (path: string) =>
      navigationFor('admin', path)
        .filter((i) => i.current || i.active)
        .map((i) => i.href);
    expect(marked('/admin/students')).toEqual(['/admin/students']);
    expect(marked('/admin/students/0b6f4a3e-0000-4000-8000-000000000000')).toEqual([
      '/admin/students',
    ]);
    expect(marked('/admin/students/import')).toEqual(['/admin/students/import']);
  });

  it('marks the longest matching item only', () => {
    const items = navigationFor('admin', '/admin/certificates/x/revoke');
    expect(items.map((i) => [i.href, i.current, i.active])).toEqual([
      ['/admin', false, false],
      ['/admin/students', false, false],
      ['/admin/students/import', false, false],
      ['/admin/certificates', false, true],
      ['/admin/annual-return', false, false],
      ['/admin/users', false, false],
    ]);
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/admin', '/admin'],
    ['/admin/cohorts/1?tab=progress#x', '/admin/cohorts/1?tab=progress#x'],
    ['/', '/'],
    ['//evil.example/', null],
    ['/\\evil.example', null],
    ['https://evil.example/', null],
    ['javascript:alert(1)', null],
    ['admin', null],
    ['', null],
    ['/admin\r\nSet-Cookie: x=1', null],
    ['/sign-in?next=/admin', null],
    ['/sign-out', null],
    ['/sign-inner', '/sign-inner'],
    [['/admin'], null],
    [undefined, null],
    ['/' + 'a'.repeat(2000), null],
  ])('%j -> %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});
