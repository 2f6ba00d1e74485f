import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../infrastructure/config/app-config';
import { REDIS } from '../infrastructure/redis/redis.module';
import { deriveKey } from './token-keys';

/** What to do with a login attempt that passed the limits. */
export interface LoginAttempt {
  /** The caller verified the password: give the attempt back. */
  succeeded(): Promise<void>;
  /** The password was wrong: the attempt stays counted, and the email's slow-down grows. */
  failed(): Promise<void>;
}

/**
 * Login limits in Redis, shared by every API replica (ASVS 6.3.1):
 * - per email *and* address: LOGIN_MAX_FAILURES_PER_EMAIL failures, then 429 for
 *   LOGIN_BLOCK_SECONDS. Keyed by both, so someone elsewhere cannot lock the owner out;
 * - per address: LOGIN_MAX_FAILURES_PER_IP failures across emails, then 429;
 * - per email from anywhere: past LOGIN_SLOW_AFTER_FAILURES_PER_EMAIL failures every attempt
 *   waits a little longer, never refused, so spreading guesses over many addresses is slow and
 *   the owner still gets in.
 * An attempt is consumed atomically (one Redis INCRBY) before the password is checked, and given
 * back on success, so parallel guesses can never exceed a limit. Emails are keyed by an HMAC, so
 * Redis holds no address a person could be found by.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly byEmailAndAddress: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;
  private readonly byEmail: RateLimiterRedis;
  private readonly key: Buffer;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly config: AppConfig,
  ) {
    const common = {
      storeClient: redis,
      duration: config.LOGIN_BLOCK_SECONDS,
      useRedisPackage: false,
    };
    this.byEmailAndAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: `${config.QUEUE_PREFIX}:login-fail-email-ip`,
      points: config.LOGIN_MAX_FAILURES_PER_EMAIL,
    });
    this.byAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: `${config.QUEUE_PREFIX}:login-fail-ip`,
      points: config.LOGIN_MAX_FAILURES_PER_IP,
    });
    this.byEmail = new RateLimiterRedis({
      ...common,
      duration: config.LOGIN_BLOCK_SECONDS * 4,
      keyPrefix: `${config.QUEUE_PREFIX}:login-fail-email`,
      points: Number.MAX_SAFE_INTEGER,
    });
    this.key = deriveKey(config.JWT_SECRET, 'rate-limit');
  }

  /**
   * Takes one attempt for this email from this address, or throws 429. Waits first when the
   * email has had many failures lately.
   */
  async begin(email: string, address: string): Promise<LoginAttempt> {
    const emailKey = createHmac('sha256', this.key).update(email).digest('base64url');
    const pairKey = `${emailKey}:${address}`;
    const [pair, fromAddress] = await Promise.allSettled([
      this.byEmailAndAddress.consume(pairKey),
      this.byAddress.consume(address),
    ]);
    const refused = [pair, fromAddress].find((r) => r.status === 'rejected');
    if (refused) {
      const reason = refused.reason as unknown;
      if (!(reason instanceof RateLimiterRes)) throw reason;
      // The one not refused was still counted: a refused request is not an attempt.
      if (pair.status === 'fulfilled') await this.byEmailAndAddress.reward(pairKey, 1);
      if (fromAddress.status === 'fulfilled') await this.byAddress.reward(address, 1);
      throw tooMany(reason.msBeforeNext);
    }

    const recent = await this.byEmail.get(emailKey);
    const excess = (recent?.consumedPoints ?? 0) - this.config.LOGIN_SLOW_AFTER_FAILURES_PER_EMAIL;
    if (excess >= 0) {
      await sleep(
        Math.min((excess + 1) * this.config.LOGIN_DELAY_STEP_MS, this.config.LOGIN_DELAY_MAX_MS),
      );
    }

    return {
      succeeded: async () => {
        await Promise.all([
          this.byEmailAndAddress.delete(pairKey),
          this.byAddress.reward(address, 1),
          this.byEmail.delete(emailKey),
        ]);
      },
      failed: async () => {
        await this.byEmail.penalty(emailKey, 1);
      },
    };
  }
}

export function tooMany(msBeforeNext: number): HttpException {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const error = new HttpException(
    { code: 'rate_limited', message: `Too many attempts; try again in ${retryAfter} s` },
    HttpStatus.TOO_MANY_REQUESTS,
  );
  (error as HttpException & { headers: Record<string, string> }).headers = {
    'retry-after': String(retryAfter),
  };
  return error;
}
