import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessTokens } from '../auth/access-tokens';
import type { Actor } from '../auth/actor';
import type { SessionKind } from '../auth/auth-session.entity';
import { AuthSessions } from '../auth/auth-sessions.service';
import { checkNewPassword } from '../auth/password-policy';
import { hashPassword } from '../auth/passwords';
import { AuditService } from '../audit/audit.service';
import { GoneError, InvalidInputError } from '../common/errors';
import { AppConfig } from '../infrastructure/config/app-config';
import type { Role } from '../users/user.entity';
import type { AccountTokenPurpose } from './account-token.entity';

/** How long a link works: an invitation a week (people are busy), a reset an hour. */
export const TOKEN_LIFETIME_SECONDS: Record<AccountTokenPurpose, number> = {
  invitation: 7 * 24 * 60 * 60,
  password_reset: 60 * 60,
};

/** Whom a live link is for, as the set-password page greets them. */
export interface TokenHolder {
  userId: string;
  email: string;
  displayName: string | null;
  purpose: AccountTokenPurpose;
}

export interface SignedIn {
  accessToken: string;
  expiresIn: number;
  role: Role;
}

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const GONE = () =>
  new GoneError(
    'token_expired_or_used',
    'This link has expired, has been used, or was replaced by a newer one',
  );

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * One-time links to set a password (invitations and resets). The token is 256 random bits in the
 * link and only its SHA-256 in the database; a new link for the same user and purpose replaces
 * the old one; using a link deletes every link of that user, so each works once.
 */
@Injectable()
export class AccountTokens {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: AuthSessions,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** Creates (or replaces) the user's link for `purpose` in the caller's transaction. */
  async issue(
    em: EntityManager,
    userId: string,
    purpose: AccountTokenPurpose,
  ): Promise<{ id: string; link: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const [row]: Array<{ id: string; expires_at: Date }> = await em.query(
      `INSERT INTO account_tokens (user_id, purpose, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       ON CONFLICT (user_id, purpose)
       DO UPDATE SET token_hash = EXCLUDED.token_hash, expires_at = EXCLUDED.expires_at,
                     created_at = now(), id = gen_random_uuid()
       RETURNING id, expires_at`,
      [userId, purpose, hashToken(token), TOKEN_LIFETIME_SECONDS[purpose]],
    );
    const base = this.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    return {
      id: row.id,
      link: `${base}/account/set-password?token=${token}`,
      expiresAt: row.expires_at,
    };
  }

  /** Whom a link is for while it is live; 410 otherwise. Does not use the link up. */
  async holder(token: unknown): Promise<TokenHolder> {
    if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) throw GONE();
    const [row]: Array<TokenHolder> = await this.dataSource.query(
      `SELECT u.id AS "userId", u.email, u.display_name AS "displayName", t.purpose
         FROM account_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.expires_at > now() AND u.disabled_at IS NULL`,
      [hashToken(token)],
    );
    if (!row) throw GONE();
    return row;
  }

  /**
   * Sets the password from a link: checks the password policy first (a weak password does not
   * use the link up), then in one transaction deletes the link (the DELETE decides a race between
   * two uses), sets the hash, ends every session of the user and audits. With `signIn`, opens a
   * new session afterwards, the only one the user then has.
   */
  async setPassword(
    token: unknown,
    password: string,
    requestId: string | null,
    signIn?: SessionKind,
  ): Promise<SignedIn | null> {
    const holder = await this.holder(token);
    const verdict = checkNewPassword(password, [holder.email, holder.displayName ?? '']);
    if (!verdict.ok) {
      throw new InvalidInputError('weak_password', `The password ${verdict.reason}`, [
        { field: 'password', message: verdict.reason },
      ]);
    }
    const passwordHash = await hashPassword(password);
    const user = await this.dataSource.transaction(async (em) => {
      const [used]: [Array<{ purpose: AccountTokenPurpose }>, number] = await em.query(
        `DELETE FROM account_tokens WHERE token_hash = $1 AND expires_at > now() RETURNING purpose`,
        [hashToken(token as string)],
      );
      if (!used[0]) throw GONE();
      const [[updated]]: [Array<{ id: string; role: Role; student_id: string | null }>, number] =
        await em.query(
          `UPDATE users SET password_hash = $2, password_set = true, updated_at = now()
            WHERE id = $1 AND disabled_at IS NULL
          RETURNING id, role, student_id`,
          [holder.userId, passwordHash],
        );
      if (!updated) throw GONE();
      await em.query('DELETE FROM account_tokens WHERE user_id = $1', [holder.userId]);
      const sessionsEnded = await this.sessions.endAllFor(holder.userId, em);
      const actor: Actor = {
        userId: updated.id,
        role: updated.role,
        studentId: updated.student_id,
        requestId,
      };
      await this.audit.record(em, actor, {
        action: used[0].purpose === 'invitation' ? 'user.invitation_accept' : 'user.password_reset',
        entityType: 'user',
        entityId: updated.id,
        after: { sessionsEnded },
      });
      return updated;
    });
    if (!signIn) return null;
    const session = await this.sessions.open(user.id, signIn);
    const accessToken = await this.accessTokens.sign(
      { sub: user.id, sid: session.id, role: user.role, studentId: user.student_id },
      session.expiresIn,
    );
    return { accessToken, expiresIn: session.expiresIn, role: user.role };
  }
}
