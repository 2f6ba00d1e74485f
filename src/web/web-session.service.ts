import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/access.decorators';
import { AccessTokens } from '../auth/access-tokens';
import type { Actor } from '../auth/actor';
import { AuthSessions } from '../auth/auth-sessions.service';

/**
 * Who is signed in on a page request. Protected pages get the actor from the access guard;
 * public pages (sign-in, error pages, certificate verification) read the session cookie here,
 * only to choose a redirect or show the header's navigation, never to grant access.
 */
@Injectable()
export class WebSession {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly sessions: AuthSessions,
  ) {}

  actorOf(request: FastifyRequest): Actor | null {
    const known = (request as AuthenticatedRequest).actor;
    if (known) return known;
    const claims = request.sessionToken ? this.tokens.verifySync(request.sessionToken) : null;
    if (!claims) return null;
    return {
      userId: claims.sub,
      role: claims.role,
      studentId: claims.studentId ?? null,
      requestId: String(request.id),
    };
  }

  /**
   * The session the page cookie names, from its signature alone (no database): what CSRF tokens
   * are bound to. Null for a browser that is not signed in.
   */
  sessionIdOf(request: FastifyRequest): string | null {
    return this.tokens.sessionIdOf(request);
  }

  /** Ends the cookie's session on the server (signing out). */
  async end(request: FastifyRequest): Promise<void> {
    const sid = this.sessionIdOf(request);
    if (sid) await this.sessions.end(sid);
  }
}
