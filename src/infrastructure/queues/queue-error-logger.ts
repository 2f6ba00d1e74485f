import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { QUEUES } from './queue-names';

/** While Redis is away every reconnect attempt fails; one line per queue per this long is plenty. */
const QUIET_MS = 30_000;

/**
 * A BullMQ queue with no 'error' listener writes each connection error to the console, past the
 * logger, once per reconnect attempt. This listens on every queue and logs a warning instead,
 * at most once per queue every QUIET_MS while the errors go on.
 */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  private readonly lastLogged = new Map<string, number>();

  constructor(private readonly modules: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QUEUES)) {
      const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (error: Error) => {
        const now = Date.now();
        if (now - (this.lastLogged.get(name) ?? 0) < QUIET_MS) return;
        this.lastLogged.set(name, now);
        this.logger.warn(`Queue ${name}: ${error.message}`);
      });
    }
  }
}
