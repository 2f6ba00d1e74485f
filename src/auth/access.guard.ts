import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LOG_USER_ID, type LoggedRequest } from '../infrastructure/logging/request-log';
import type { Role } from '../users/user.entity';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './access.decorators';
import { AccessTokens } from './access-tokens';
import { AuthSessions } from './auth-sessions.service';
import { authenticate } from './authenticate';

/**
 * Global guard: a route is closed unless it declares Public() or Roles(...). A route with
 * neither is refused even with a valid token, so a forgotten decorator fails closed.
 *
 * A valid signature is not enough: the token's session must still be live on the server
 * (signed out, idle or past its absolute limit ends it) and its user must still exist; role
 * and student link come from the database, so a role change or an erasure takes effect on the
 * next request. That is one prepared statement by primary key per request (see authenticate.ts).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly sessions: AuthSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const session = await authenticate(this.tokens, this.sessions, request);
    if (!session) {
      throw new UnauthorizedException({
        code: 'unauthorized',
        message: 'A valid bearer token is required',
      });
    }
    request.actor = {
      userId: session.userId,
      role: session.role,
      studentId: session.studentId,
      requestId: String(request.id),
    };
    request.sessionId = session.sessionId;
    (request.raw as LoggedRequest)[LOG_USER_ID] = session.userId;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || !roles.includes(session.role)) {
      throw new ForbiddenException({ code: 'forbidden', message: 'Your role may not do this' });
    }
    return true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The web pages' session cookie (see web-setup.ts); never read on /api/ paths. */
    sessionToken?: string;
    /** The live server-side session of an authenticated request. */
    sessionId?: string;
  }
}
