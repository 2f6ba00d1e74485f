import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../infrastructure/config/app-config';
import { JobSchedule } from '../infrastructure/queues/keep-scheduled';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { QueueWorkerHost } from '../infrastructure/queues/queue-worker-host';
import { AttendanceWarningsService, RiskCheckResult } from './attendance-warnings.service';
import {
  NotificationsJob,
  NotificationsQueue,
  OUTBOX_SWEEP_SCHEDULER,
} from './notifications.queue';
import { DeliveryOutcome, OutboxSender } from './outbox-sender.service';

/**
 * Sends outbox rows, runs risk checks after register saves, and sweeps both requests. Registered in
 * the worker module only. The send rate limit (MAIL_RATE_PER_SECOND) is enforced by BullMQ in
 * Redis, so it holds across all workers together.
 */
@Processor(QUEUES.notifications, { autorun: false })
export class NotificationsProcessor extends QueueWorkerHost {
  protected readonly logger = new Logger(NotificationsProcessor.name);

  constructor(
    private readonly sender: OutboxSender,
    private readonly warnings: AttendanceWarningsService,
    private readonly queue: NotificationsQueue,
    config: AppConfig,
  ) {
    super(config);
  }

  /** The sweep re-queues pending outbox rows and at-risk check requests whose job was lost. */
  protected override schedules(): JobSchedule[] {
    return [
      {
        id: OUTBOX_SWEEP_SCHEDULER,
        upsert: () => this.queue.scheduleSweep(this.config.OUTBOX_SWEEP_SECONDS * 1000),
      },
    ];
  }

  /** Read by BullMQ each time it fetches a job, so setting it before run() applies it throughout. */
  protected override configure(worker: Worker): void {
    worker.opts.limiter = { max: this.config.MAIL_RATE_PER_SECOND, duration: 1_000 };
  }

  async process(
    job: Job<NotificationsJob>,
  ): Promise<DeliveryOutcome | RiskCheckResult | { emails: number; riskChecks: number }> {
    const data = job.data;
    switch (data.kind) {
      case 'send':
        return this.sender.deliver(data.notificationId, isLastAttempt(job));
      case 'risk-check':
        return this.warnings.check(data.cohortId);
      case 'sweep': {
        const age = this.config.OUTBOX_SWEEP_AGE_SECONDS;
        return { emails: await this.sender.sweep(age), riskChecks: await this.warnings.sweep(age) };
      }
    }
  }
}

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
