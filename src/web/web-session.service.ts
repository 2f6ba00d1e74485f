import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/access.decorators';
import type { Actor, JwtClaims } from '../auth/actor';

/**
 * Who is signed in on a page request. Protected pages get the actor from the access guard;
 * public pages (sign-in, error pages, certificate verification) read the session cookie here,
 * only to choose a redirect or show the header's navigation, never to grant access.
 */
@Injectable()
export class WebSession {
  constructor(private readonly jwt: JwtService) {}

  actorOf(request: FastifyRequest): Actor | null {
    const known = (request as AuthenticatedRequest).actor;
    if (known) return known;
    if (!request.sessionToken) return null;
    try {
      const claims = this.jwt.verify<JwtClaims>(request.sessionToken, { algorithms: ['HS256'] });
      return {
        userId: claims.sub,
        role: claims.role,
        studentId: claims.studentId ?? null,
        requestId: String(request.id),
      };
    } catch {
      return null;
    }
  }
}
