import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

const READY_WAIT_MS = 5_000;

/** `maxmemory_policy:<policy>` from INFO memory (CONFIG GET is often disabled on managed Redis). */
export function evictionPolicy(info: string): string | undefined {
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

export class RedisEvictionRefused extends Error {}

/**
 * BullMQ keeps jobs, locks and schedulers in Redis: a Redis that evicts keys under memory
 * pressure silently drops jobs. At boot, a policy other than `noeviction` is logged as an error
 * on every start, and in production refuses the start unless REDIS_ALLOW_EVICTION is set (for
 * a deployment that knowingly accepts it). A Redis that cannot be reached at boot is not
 * checked (the readiness probe reports it); the check runs again at the next start.
 */
@Injectable()
export class RedisEvictionCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Redis');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let policy: string | undefined;
    try {
      await this.ready();
      policy = evictionPolicy(await this.redis.info('memory'));
    } catch (error) {
      this.logger.warn(`Could not read Redis's maxmemory-policy: ${(error as Error).message}`);
      return;
    }
    if (policy === undefined || policy === 'noeviction') return;
    const message =
      `Redis runs with maxmemory-policy ${policy}: under memory pressure it will evict queued jobs ` +
      `and they will be lost. Set maxmemory-policy noeviction on the Redis server.`;
    if (this.config.isProduction && !this.config.REDIS_ALLOW_EVICTION) {
      throw new RedisEvictionRefused(
        `${message} Refusing to start in production (set REDIS_ALLOW_EVICTION=true to override).`,
      );
    }
    this.logger.error(`!!! ${message}`);
  }

  private async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(new Error(`not ready after ${READY_WAIT_MS} ms`));
      }, READY_WAIT_MS);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }
}
