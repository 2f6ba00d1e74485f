import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QueueErrorLogger } from './queue-error-logger';
import { QUEUES } from './queue-names';
import { RedisEvictionCheck } from './redis-eviction-check';

const allQueues = Object.values(QUEUES).map((name) => ({ name }));

/**
 * BullMQ over the configured Redis, with a per-deployment (per test run) key prefix.
 * The API only produces: its connections fail fast while Redis is away (no offline queue), so a
 * request answers instead of hanging; what it meant to enqueue is recoverable from Postgres
 * (the worker's sweeps re-enqueue it). The worker's connections wait and retry forever.
 */
@Module({})
export class QueuesModule {
  static forRoot(role: 'api' | 'worker'): DynamicModule {
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            prefix: config.QUEUE_PREFIX,
            connection: {
              url: config.REDIS_URL,
              ...(role === 'api'
                ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
                : { maxRetriesPerRequest: null }),
            },
            defaultJobOptions: {
              attempts: 8,
              backoff: { type: 'exponential', delay: 2_000 },
              removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
              removeOnFail: false,
            },
          }),
        }),
        BullModule.registerQueue(...allQueues),
      ],
      providers: [QueueErrorLogger, RedisEvictionCheck],
      exports: [BullModule],
    };
  }
}
