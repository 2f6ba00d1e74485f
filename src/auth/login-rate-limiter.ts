import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../infrastructure/config/app-config';
import { REDIS } from '../infrastructure/redis/redis.module';

/**
 * Counts failed logins per email and per client address in Redis (shared by every API replica).
 * After too many failures either key is blocked for LOGIN_BLOCK_SECONDS; a success clears the
 * email's count.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly byEmail: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    const common = {
      storeClient: redis,
      duration: config.LOGIN_BLOCK_SECONDS,
      useRedisPackage: false,
    };
    this.byEmail = new RateLimiterRedis({
      ...common,
      keyPrefix: `${config.QUEUE_PREFIX}:login-fail-email`,
      points: config.LOGIN_MAX_FAILURES_PER_EMAIL,
    });
    this.byAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: `${config.QUEUE_PREFIX}:login-fail-ip`,
      points: config.LOGIN_MAX_FAILURES_PER_IP,
    });
  }

  /** Throws 429 when either the email or the address has used up its failures. */
  async assertAllowed(email: string, address: string): Promise<void> {
    const [e, a] = await Promise.all([this.byEmail.get(email), this.byAddress.get(address)]);
    const blocked = [
      [e, this.byEmail.points],
      [a, this.byAddress.points],
    ].find(
      ([res, points]) => res && (res as RateLimiterRes).consumedPoints >= (points as number),
    ) as [RateLimiterRes, number] | undefined;
    if (blocked) throw tooMany(blocked[0].msBeforeNext);
  }

  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.all([this.byEmail.penalty(email, 1), this.byAddress.penalty(address, 1)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byEmail.delete(email);
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
