import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Role } from '../users/user.entity';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './access.decorators';
import type { JwtClaims } from './actor';

/**
 * Global guard: a route is closed unless it declares Public() or Roles(...). A route with
 * neither is refused even with a valid token, so a forgotten decorator fails closed.
 *
 * A valid signature is not enough: the user must still exist, and their role and student link
 * are read from the database, so an erased student's or a deleted user's token stops working at
 * once, and a role change takes effect on the next request (one primary-key lookup).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const claims = await this.claimsFrom(request);
    const user = claims ? await this.currentUser(claims.sub) : null;
    if (!claims || !user) {
      throw new UnauthorizedException({
        code: 'unauthorized',
        message: 'A valid bearer token is required',
      });
    }
    request.actor = {
      userId: claims.sub,
      role: user.role,
      studentId: user.student_id,
      requestId: String(request.id),
    };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || !roles.includes(user.role)) {
      throw new ForbiddenException({ code: 'forbidden', message: 'Your role may not do this' });
    }
    return true;
  }

  private async currentUser(id: string): Promise<{ role: Role; student_id: string | null } | null> {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows: Array<{ role: Role; student_id: string | null }> = await this.dataSource.query(
      'SELECT role, student_id FROM users WHERE id = $1',
      [id],
    );
    return rows[0] ?? null;
  }

  private async claimsFrom(request: AuthenticatedRequest): Promise<JwtClaims | null> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const token = match?.[1] ?? request.sessionToken;
    if (!token) return null;
    try {
      return await this.jwt.verifyAsync<JwtClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the web pages' session cookie handling; the same JWT as the API's bearer token. */
    sessionToken?: string;
  }
}
