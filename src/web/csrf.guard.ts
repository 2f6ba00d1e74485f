import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { sessionIdOfCookie } from '../auth/access-tokens';
import { deriveKey } from '../auth/token-keys';
import { AppConfig } from '../infrastructure/config/app-config';
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, csrfTokenMatches } from './csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CSRF_FAILED = 'csrf_failed';

/**
 * Refuses a state-changing page request whose `_csrf` field (or X-CSRF-Token header, for
 * scripts) does not match the browser's CSRF cookie and signed-in session. Applied to every web controller; it runs
 * after the global access guard, so an anonymous request is still a 401 first.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly jwt: JwtService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(request.method)) return true;
    const body = request.body as Record<string, unknown> | null | undefined;
    const given =
      (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined) ??
      request.headers[CSRF_HEADER];
    const key = deriveKey(this.config.JWT_SECRET, 'csrf');
    const sessionId = sessionIdOfCookie(this.jwt, request);
    if (!csrfTokenMatches(key, request.cookies[CSRF_COOKIE], sessionId, given)) {
      throw new ForbiddenException({
        code: CSRF_FAILED,
        message: 'The form was sent without a valid security token',
      });
    }
    return true;
  }
}
