import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../infrastructure/queues/queue-names';

/** Look for sessions whose reminder is due; `at` (ISO instant) defaults to the time of the run. */
export interface ReminderScanJob {
  at?: string;
}

export const REMINDER_SCAN_SCHEDULER = 'reminder-scan';

@Injectable()
export class RemindersQueue {
  constructor(@InjectQueue(QUEUES.reminders) private readonly queue: Queue<ReminderScanJob>) {}

  /**
   * One scheduler per id in Redis: every worker calls this at boot and there is still one scan
   * per tick, however many workers run. A changed pattern replaces the old one.
   */
  async schedule(pattern: string): Promise<void> {
    await this.queue.upsertJobScheduler(
      REMINDER_SCAN_SCHEDULER,
      { pattern },
      { name: 'reminder-scan', data: {} },
    );
  }

  /** A scan now (or as at `at`), besides the scheduled ones. */
  async scanNow(at?: Date): Promise<void> {
    await this.queue.add('reminder-scan', at ? { at: at.toISOString() } : {});
  }
}
