import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JwtClaims } from '../src/auth/actor';
import { deriveKey } from '../src/auth/token-keys';

/**
 * HS256 JWTs with node:crypto alone. The runner signs one token per benchmark user instead of
 * logging in thousands of times (argon2 would dominate the set-up); the raw baseline verifies
 * them the same way the API does (signature, algorithm, expiry), without a JWT library. As the
 * API does, they sign with the key derived from the secret for access tokens, and name a
 * server-side session: by default the one loadTargets opens per user, whose id is the user's.
 */
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

export function signToken(secret: string, claims: JwtClaims, ttlSeconds = 8 * 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = base64url(
    JSON.stringify({ sid: claims.sub, ...claims, iat: now, exp: now + ttlSeconds }),
  );
  const signature = createHmac('sha256', deriveKey(secret, 'access-token'))
    .update(`${HEADER}.${payload}`)
    .digest();
  return `${HEADER}.${payload}.${base64url(signature)}`;
}

/** The claims of a valid, unexpired HS256 token signed with `secret`; null otherwise. */
export function verifyToken(secret: string, token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts;
  try {
    if (
      (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg !== 'HS256'
    )
      return null;
    const expected = createHmac('sha256', deriveKey(secret, 'access-token'))
      .update(`${header}.${payload}`)
      .digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JwtClaims & {
      exp?: number;
    };
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) return null;
    return claims;
  } catch {
    return null;
  }
}

/** The bearer token of an Authorization header value. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? null;
}
