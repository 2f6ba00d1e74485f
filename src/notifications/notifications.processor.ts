import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../infrastructure/config/app-config';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { keepScheduled } from './keep-scheduled';
import { AttendanceWarningsService, RiskCheckResult } from './attendance-warnings.service';
import { NotificationsJob, NotificationsQueue } from './notifications.queue';
import { DeliveryOutcome, OutboxSender } from './outbox-sender.service';

/** How often the worker re-queues pending emails whose job was lost. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Sends outbox rows, runs risk checks after register saves, and sweeps the outbox. Registered in
 * the worker module only. The worker starts after boot, once its concurrency and the send rate
 * limit (MAIL_RATE_PER_SECOND, shared by all workers through Redis) are set from the config.
 */
@Processor(QUEUES.notifications, { autorun: false })
export class NotificationsProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger(NotificationsProcessor.name);
  private stopScheduling?: () => void;

  constructor(
    private readonly sender: OutboxSender,
    private readonly warnings: AttendanceWarningsService,
    private readonly queue: NotificationsQueue,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopScheduling = await keepScheduled(
      () => this.queue.scheduleSweep(SWEEP_EVERY_MS),
      this.logger,
    );
    // Read by BullMQ each time it fetches a job, so setting it before run() applies it throughout.
    this.worker.opts.limiter = { max: this.config.MAIL_RATE_PER_SECOND, duration: 1_000 };
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
    this.worker.run().catch((error: unknown) => this.logger.error(error));
  }

  onModuleDestroy(): void {
    this.stopScheduling?.();
  }

  async process(job: Job<NotificationsJob>): Promise<DeliveryOutcome | RiskCheckResult | number> {
    const data = job.data;
    switch (data.kind) {
      case 'send':
        return this.sender.deliver(data.notificationId, isLastAttempt(job));
      case 'risk-check':
        return this.warnings.check(data.sessionId);
      case 'sweep':
        return this.sender.sweep();
    }
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
    this.logger.warn(`${QUEUES.notifications} worker: ${error.message}`);
  }
}

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
