import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { User } from '../users/user.entity';
import { AccessTokens } from './access-tokens';
import type { Actor } from './actor';
import type { SessionKind } from './auth-session.entity';
import { AuthSessions } from './auth-sessions.service';
import { LoginRateLimiter } from './login-rate-limiter';
import { dummyHash, verifyPassword } from './passwords';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; email: string; role: User['role']; studentId: string | null };
}

/** Where a sign-in comes from: the client address and the request, for limits and the audit. */
export interface LoginSource {
  address: string;
  requestId: string | null;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: AccessTokens,
    private readonly sessions: AuthSessions,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditService,
  ) {}

  /**
   * One answer for an unknown email and a wrong password, taking the same time for both. The
   * attempt is counted before the password is checked (see LoginRateLimiter). A success opens a
   * server-side session of `kind`: `api` for bearer tokens, `web` for the page cookie.
   */
  async login(
    emailInput: string,
    password: string,
    source: LoginSource,
    kind: SessionKind = 'api',
  ): Promise<LoginResult> {
    const email = emailInput.trim().toLowerCase();
    const attempt = await this.limiter.begin(email, source.address);
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      // A disabled login answers as an unknown email does: the same message, the same time.
      .andWhere('u.disabledAt IS NULL')
      .getOne();
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    if (!user || !ok) {
      await attempt.failed();
      if (user) await this.record(user, 'auth.login_failed', source, { kind });
      // Unknown emails are not stored (they may be someone's mistyped address): the log line says
      // only that it happened, with the request id.
      this.logger.warn({
        event: 'auth.login_failed',
        knownUser: Boolean(user),
        requestId: source.requestId,
      });
      throw new UnauthorizedException({
        code: 'invalid_credentials',
        message: 'Email or password is incorrect',
      });
    }
    await attempt.succeeded();
    const session = await this.sessions.open(user.id, kind);
    await this.record(user, 'auth.login', source, { kind, sessionId: session.id });
    this.logger.log({ event: 'auth.login', userId: user.id, kind, requestId: source.requestId });
    const accessToken = await this.tokens.sign(
      { sub: user.id, sid: session.id, role: user.role, studentId: user.studentId },
      session.expiresIn,
    );
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: session.expiresIn,
      user: { id: user.id, email: user.email, role: user.role, studentId: user.studentId },
    };
  }

  /** Ends the session the caller is using. */
  async logout(actor: Actor, sessionId: string): Promise<void> {
    await this.sessions.end(sessionId);
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'auth.logout',
      entityType: 'user',
      entityId: actor.userId as string,
      after: { sessionId },
    });
  }

  private async record(
    user: User,
    action: string,
    source: LoginSource,
    after: Record<string, unknown>,
  ): Promise<void> {
    const actor: Actor = {
      userId: user.id,
      role: user.role,
      studentId: user.studentId,
      requestId: source.requestId,
    };
    await this.audit.record(this.dataSource.manager, actor, {
      action,
      entityType: 'user',
      entityId: user.id,
      after,
    });
  }
}
