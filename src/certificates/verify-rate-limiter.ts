import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../infrastructure/config/app-config';
import { REDIS } from '../infrastructure/redis/redis.module';

export class VerifyRateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many verification requests; try again in ${retryAfterSeconds} s`);
  }
}

/**
 * Public verification lookups per client address per minute, counted in Redis so every API
 * replica shares the budget. While Redis is unreachable an in-memory limiter (per replica)
 * stands in, so verification keeps working and stays limited.
 */
@Injectable()
export class VerifyRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    const points = config.VERIFY_MAX_PER_MINUTE;
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: false,
      keyPrefix: `${config.QUEUE_PREFIX}:verify`,
      points,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
  }

  /** Throws VerifyRateLimited when the address has used its minute's lookups. */
  async consume(address: string): Promise<void> {
    try {
      await this.limiter.consume(address || 'unknown');
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new VerifyRateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      throw rejection;
    }
  }
}
