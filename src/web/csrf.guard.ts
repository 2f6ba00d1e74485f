import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../infrastructure/config/app-config';
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, csrfTokenMatches } from './csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CSRF_FAILED = 'csrf_failed';

/**
 * Refuses a state-changing page request whose `_csrf` field (or X-CSRF-Token header, for
 * scripts) does not match the browser's CSRF cookie. Applied to every web controller; it runs
 * after the global access guard, so an anonymous request is still a 401 first.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(request.method)) return true;
    const body = request.body as Record<string, unknown> | null | undefined;
    const given =
      (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined) ??
      request.headers[CSRF_HEADER];
    if (!csrfTokenMatches(this.config.JWT_SECRET, request.cookies[CSRF_COOKIE], given)) {
      throw new ForbiddenException({
        code: CSRF_FAILED,
        message: 'The form was sent without a valid security token',
      });
    }
    return true;
  }
}
