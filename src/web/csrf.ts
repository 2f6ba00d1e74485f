import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF protection for the web forms: a signed double-submit token.
 *
 * Each browser holds a random secret in the httpOnly `pod_csrf` cookie; every form carries
 * HMAC-SHA256(server key, secret) in its `_csrf` field. A cross-site page can neither read the
 * cookie nor compute the HMAC, so it cannot forge the field. Signing (rather than echoing the
 * cookie) means a cookie planted by a sibling subdomain or over plain HTTP gives an attacker no
 * valid token either. The HMAC also covers the session the page cookie names ("anonymous"
 * before sign-in), so a token minted anonymously, or in another session, is refused for a
 * signed-in session (ASVS 3.5.1), and the secret is replaced at sign-in and sign-out besides.
 * The key is derived from JWT_SECRET for this purpose alone (auth/token-keys.ts).
 */
export const CSRF_COOKIE = 'pod_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function newCsrfSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** `sessionId` is the signed-in session's id, or null before sign-in. */
export function csrfTokenFor(
  key: string | Buffer,
  secret: string,
  sessionId: string | null,
): string {
  return createHmac('sha256', key)
    .update(`pod-csrf:${sessionId ?? 'anonymous'}:${secret}`)
    .digest('base64url');
}

/** Constant-time check of a submitted token against the browser's secret and session. */
export function csrfTokenMatches(
  key: string | Buffer,
  secret: unknown,
  sessionId: string | null,
  token: unknown,
): boolean {
  if (typeof secret !== 'string' || secret === '' || typeof token !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(key, secret, sessionId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
