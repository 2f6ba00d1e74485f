import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../infrastructure/config/app-config';
import { CSRF_COOKIE } from './csrf';

/** The web session: the same JWT the API hands out as a bearer token, in an httpOnly cookie. */
export const SESSION_COOKIE = 'pod_session';

/**
 * httpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), whole site, and
 * Secure whenever the service is published over HTTPS (a proxy may terminate TLS, so the
 * public URL decides, not the request).
 */
export function cookieOptions(config: AppConfig): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.PUBLIC_BASE_URL.startsWith('https:'),
    path: '/',
  };
}

/** Signs the browser in for as long as the token lives. */
export function setSessionCookie(
  reply: FastifyReply,
  config: AppConfig,
  token: string,
  expiresInSeconds: number,
): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    ...cookieOptions(config),
    maxAge: expiresInSeconds,
  });
}

/** Signs the browser out and drops its CSRF secret, so the next form gets a fresh one. */
export function clearSessionCookies(reply: FastifyReply, config: AppConfig): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
  void reply.clearCookie(CSRF_COOKIE, cookieOptions(config));
}
