import type { Role } from '../users/user.entity';

export interface NavigationItem {
  text: string;
  href: string;
}

/**
 * The header navigation of each role, in display order. A page belongs to the item whose href
 * is its path or a parent of it, so /admin/cohorts/x highlights "Cohorts". Add an item here when
 * a page is reachable from the header; pages reached from another page need no entry.
 */
export const NAVIGATION: Record<Role, readonly NavigationItem[]> = {
  admin: [
    { text: 'Cohorts', href: '/admin' },
    { text: 'Students', href: '/admin/students' },
    { text: 'Import students', href: '/admin/students/import' },
    { text: 'Certificates', href: '/admin/certificates' },
    { text: 'Annual return', href: '/admin/annual-return' },
    { text: 'Users', href: '/admin/users' },
  ],
  tutor: [{ text: 'Your cohorts', href: '/tutor' }],
  student: [
    { text: 'Your progress', href: '/progress' },
    { text: 'Your timetable', href: '/timetable' },
    { text: 'Your study', href: '/study-log' },
  ],
};

/** Where each role lands after signing in, and where `/` sends them. */
export function homeFor(role: Role): string {
  switch (role) {
    case 'admin':
      return '/admin';
    case 'tutor':
      return '/tutor';
    case 'student':
      return '/progress';
  }
}

/**
 * The navigation for `role` with the item of `path` marked: `current` when the page is the item
 * itself (aria-current="page"), `active` when it is below it. The longest matching href wins.
 */
export function navigationFor(
  role: Role,
  path: string,
): Array<NavigationItem & { current: boolean; active: boolean }> {
  const items = NAVIGATION[role];
  const within = (href: string) => path === href || path.startsWith(`${href}/`);
  const best = items
    .filter((item) => within(item.href))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((item) => ({
    ...item,
    current: item === best && path === item.href,
    active: item === best && path !== item.href,
  }));
}

/**
 * A `next` parameter made safe to redirect to: only a path on this site. Anything that a browser
 * could read as another origin (`//host`, `/\host`, a scheme) or that is not a string gives null.
 */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return null;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (/\p{Cc}/u.test(next)) return null;
  // Sending someone back to the sign-in or sign-out pages would loop.
  if (/^\/sign-(in|out)(?:[/?#]|$)/.test(next)) return null;
  return next;
}
