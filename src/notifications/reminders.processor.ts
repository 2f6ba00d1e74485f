import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../infrastructure/config/app-config';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { keepScheduled } from './keep-scheduled';
import { ReminderScanJob, RemindersQueue } from './reminders.queue';
import { RemindersService } from './reminders.service';

/**
 * Runs reminder scans. At boot it upserts the scan's job scheduler (REMINDER_SCAN_CRON): the
 * scheduler lives in Redis under one id, so any number of workers make one scan per tick.
 * Registered in the worker module only.
 */
@Processor(QUEUES.reminders, { autorun: false })
export class RemindersProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger(RemindersProcessor.name);
  private stopScheduling?: () => void;

  constructor(
    private readonly reminders: RemindersService,
    private readonly queue: RemindersQueue,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopScheduling = await keepScheduled(
      () => this.queue.schedule(this.config.REMINDER_SCAN_CRON),
      this.logger,
    );
    this.worker.run().catch((error: unknown) => this.logger.error(error));
  }

  onModuleDestroy(): void {
    this.stopScheduling?.();
  }

  async process(job: Job<ReminderScanJob>): Promise<{ queued: number }> {
    const at = job.data.at ? new Date(job.data.at) : new Date();
    const ids = await this.reminders.scan(Number.isNaN(at.getTime()) ? new Date() : at);
    return { queued: ids.length };
  }

  /** A job that failed for good stays in the failed set (removeOnFail: false); say so in the log. */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      this.logger.error(
        `Job ${job.name} ${job.id} failed after ${job.attemptsMade} attempt(s): ${error.message}`,
      );
    }
  }

  /** Connection and lock errors: BullMQ recovers by itself; without a listener they would throw. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn(`${QUEUES.reminders} worker: ${error.message}`);
  }
}
