import type { Actor } from '../auth/actor';

/** What a student reads where a record names no staff member they may see. */
export const COURSE_TEAM = 'Course team';

export interface StaffMember {
  id: string | null;
  displayName: string | null;
  email: string | null;
}

/**
 * Who marked, recorded or decided something, as the viewer may see it. Staff see the colleague's
 * display name (or email) and id. Students see a display name or "Course team", never a staff
 * email or user id (ASVS 8.2.3: a field a role does not need is not returned to it).
 */
export function staffAttribution(
  viewer: Pick<Actor, 'role'>,
  staff: StaffMember,
): { id: string | null; name: string | null } {
  if (viewer.role === 'student') {
    return { id: null, name: staff.id ? (staff.displayName ?? COURSE_TEAM) : null };
  }
  return { id: staff.id, name: staff.displayName ?? staff.email };
}
