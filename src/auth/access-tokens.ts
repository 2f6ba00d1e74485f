import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import type { JwtClaims } from './actor';
import type { SessionKind } from './auth-session.entity';

/**
 * Signing and reading access tokens. A token is an HS256 JWT, signed with the key derived for
 * access tokens (auth.module.ts), naming its user and server-side session. Tokens without an
 * expiry or a session are refused, whoever signed them.
 */
@Injectable()
export class AccessTokens {
  constructor(private readonly jwt: JwtService) {}

  sign(claims: JwtClaims & { sid: string }, expiresInSeconds: number): Promise<string> {
    return this.jwt.signAsync(
      { sub: claims.sub, sid: claims.sid, role: claims.role, studentId: claims.studentId },
      { expiresIn: expiresInSeconds, algorithm: 'HS256' },
    );
  }

  /** The claims of a well-signed, unexpired token with an expiry and a session; else null. */
  async verify(token: string): Promise<(JwtClaims & { sid: string }) | null> {
    try {
      const claims = await this.jwt.verifyAsync<JwtClaims>(token, { algorithms: ['HS256'] });
      if (typeof claims.exp !== 'number' || typeof claims.sid !== 'string') return null;
      return claims as JwtClaims & { sid: string };
    } catch {
      return null;
    }
  }

  /** Same as verify, synchronously, for public pages that only choose what to show. */
  verifySync(token: string): (JwtClaims & { sid: string }) | null {
    return verifyTokenSync(this.jwt, token);
  }

  sessionIdOf(request: FastifyRequest): string | null {
    return sessionIdOfCookie(this.jwt, request);
  }

  /** The token a request carries and how: a bearer header (API) or the page cookie (web). */
  presented(request: FastifyRequest): { token: string; kind: SessionKind } | null {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (match) return { token: match[1], kind: 'api' };
    if (request.sessionToken) return { token: request.sessionToken, kind: 'web' };
    return null;
  }
}

function verifyTokenSync(jwt: JwtService, token: string): (JwtClaims & { sid: string }) | null {
  try {
    const claims = jwt.verify<JwtClaims>(token, { algorithms: ['HS256'] });
    if (typeof claims.exp !== 'number' || typeof claims.sid !== 'string') return null;
    return claims as JwtClaims & { sid: string };
  } catch {
    return null;
  }
}

/**
 * The session a page request belongs to, by the cookie's signature alone: the access guard's
 * answer when it ran, else the cookie's `sid` claim. Binds CSRF tokens; grants nothing.
 */
export function sessionIdOfCookie(jwt: JwtService, request: FastifyRequest): string | null {
  if (request.sessionId) return request.sessionId;
  return request.sessionToken ? (verifyTokenSync(jwt, request.sessionToken)?.sid ?? null) : null;
}
