import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../infrastructure/config/app-config';
import { JobSchedule } from '../infrastructure/queues/keep-scheduled';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { QueueWorkerHost } from '../infrastructure/queues/queue-worker-host';
import { REMINDER_SCAN_SCHEDULER, ReminderScanJob, RemindersQueue } from './reminders.queue';
import { RemindersService } from './reminders.service';

/**
 * Runs reminder scans on the scan's job scheduler (REMINDER_SCAN_CRON): the scheduler lives in
 * Redis under one id, so any number of workers make one scan per tick. Registered in the worker
 * module only.
 */
@Processor(QUEUES.reminders, { autorun: false })
export class RemindersProcessor extends QueueWorkerHost {
  protected readonly logger = new Logger(RemindersProcessor.name);

  constructor(
    private readonly reminders: RemindersService,
    private readonly queue: RemindersQueue,
    config: AppConfig,
  ) {
    super(config);
  }

  protected override schedules(): JobSchedule[] {
    return [
      {
        id: REMINDER_SCAN_SCHEDULER,
        upsert: () => this.queue.schedule(this.config.REMINDER_SCAN_CRON),
      },
    ];
  }

  async process(job: Job<ReminderScanJob>): Promise<{ queued: number }> {
    const at = job.data.at ? new Date(job.data.at) : new Date();
    const ids = await this.reminders.scan(Number.isNaN(at.getTime()) ? new Date() : at);
    return { queued: ids.length };
  }
}
