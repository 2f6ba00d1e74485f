import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../users/user.entity';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './access.decorators';
import { AccessTokens } from './access-tokens';
import { AuthSessions } from './auth-sessions.service';

/**
 * Global guard: a route is closed unless it declares Public() or Roles(...). A route with
 * neither is refused even with a valid token, so a forgotten decorator fails closed.
 *
 * A valid signature is not enough: the token's session must still be live on the server
 * (signed out, idle or past its absolute limit ends it) and its user must still exist; role
 * and student link come from the database, so a role change or an erasure takes effect on the
 * next request. That is one prepared statement by primary key per request (AuthSessions.live).
 * A web session's token is accepted only from the page cookie, never as a bearer token, so a
 * copied cookie cannot be replayed against the API. (An API token may open pages: its holder
 * already has every power the pages give.)
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
    const presented = this.tokens.presented(request);
    const claims = presented ? await this.tokens.verify(presented.token) : null;
    const session = claims?.sid ? await this.sessions.live(claims.sid) : null;
    const misplaced = session?.kind === 'web' && presented?.kind !== 'web';
    if (!claims || !session || session.userId !== claims.sub || misplaced) {
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
    request.sessionId = claims.sid;
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
