import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { createHmac } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { tooMany } from '../auth/login-rate-limiter';
import { deriveKey } from '../auth/token-keys';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../infrastructure/config/app-config';
import { REDIS } from '../infrastructure/redis/redis.module';
import { NotificationsService } from '../notifications/notifications.service';
import type { Role } from '../users/user.entity';
import { passwordResetEmail } from './account-emails';
import { AccountTokens } from './account-tokens.service';

/** Reset requests per email address per hour, and per client address per 15 minutes. */
export const RESET_LIMIT_PER_EMAIL = 5;
export const RESET_LIMIT_PER_ADDRESS = 20;

/**
 * "Forgotten your password?". The answer never says whether the email has a login: the limits
 * are counted for any email, and the link is made and emailed after the answer has gone, so an
 * address with a login takes no longer to answer than one without. The emails are keyed in
 * Redis by an HMAC, as the login limits are.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);
  private readonly byEmail: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;
  private readonly key: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) redis: Redis,
    config: AppConfig,
    private readonly tokens: AccountTokens,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {
    this.byEmail = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: false,
      keyPrefix: `${config.QUEUE_PREFIX}:password-reset-email`,
      points: RESET_LIMIT_PER_EMAIL,
      duration: 60 * 60,
    });
    this.byAddress = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: false,
      keyPrefix: `${config.QUEUE_PREFIX}:password-reset-ip`,
      points: RESET_LIMIT_PER_ADDRESS,
      duration: 15 * 60,
    });
    this.key = deriveKey(config.JWT_SECRET, 'rate-limit');
  }

  /** Counts the request (429 past a limit), then sends a link in the background if the email has a login. */
  async request(emailInput: string, address: string, requestId: string | null): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    const emailKey = createHmac('sha256', this.key).update(`reset:${email}`).digest('base64url');
    try {
      await this.byAddress.consume(address);
      await this.byEmail.consume(emailKey);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooMany(error.msBeforeNext);
      throw error;
    }
    void this.sendLink(email, requestId).catch((error: unknown) =>
      this.logger.error({
        event: 'auth.password_reset_failed',
        requestId,
        message: (error as Error).message,
      }),
    );
  }

  private async sendLink(email: string, requestId: string | null): Promise<void> {
    const ids = await this.dataSource.transaction(async (em) => {
      const [user]: Array<{
        id: string;
        role: Role;
        student_id: string | null;
        name: string | null;
        password_set: boolean;
      }> = await em.query(
        `SELECT u.id, u.role, u.student_id, u.password_set,
                COALESCE(u.display_name, s.given_name || ' ' || s.family_name) AS name
           FROM users u LEFT JOIN students s ON s.id = u.student_id
          WHERE u.email = $1 AND u.disabled_at IS NULL`,
        [email],
      );
      if (!user) return [];
      const issued = await this.tokens.issue(em, user.id, 'password_reset');
      const message = passwordResetEmail({
        name: user.name,
        link: issued.link,
        expiresAt: issued.expiresAt,
      });
      await this.audit.record(
        em,
        { userId: user.id, role: user.role, studentId: user.student_id, requestId },
        {
          action: 'user.password_reset_request',
          entityType: 'user',
          entityId: user.id,
          after: { expiresAt: issued.expiresAt },
        },
      );
      return this.notifications.enqueue(em, {
        dedupeKey: `password_reset:${user.id}:${issued.id}`,
        kind: 'password_reset',
        recipient: email,
        ...message,
      });
    });
    await this.notifications.dispatch(ids);
  }
}
