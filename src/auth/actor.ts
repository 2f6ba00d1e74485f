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

/**
 * An access token's claims. `sid` names the server-side session that must still be live; role
 * and student link are informative only (the guard reads both from the database).
 */
export interface JwtClaims {
  sub: string;
  sid?: string;
  role: Role;
  studentId: string | null;
  exp?: number;
}
