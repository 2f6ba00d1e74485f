import type { Role } from '../users/user.entity';

/** Who is acting, carried from the request into services for access checks and audit. */
export interface Actor {
  userId: string | null;
  role: Role | 'system';
  studentId: string | null;
  requestId: string | null;
}

export const SYSTEM_ACTOR: Actor = {
  userId: null,
  role: 'system',
  studentId: null,
  requestId: null,
};

export interface JwtClaims {
  sub: string;
  role: Role;
  studentId: string | null;
}
