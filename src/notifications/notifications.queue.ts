import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../infrastructure/queues/queue-names';

export type NotificationsJob =
  /** Send one outbox row (by id); sending is idempotent on the row's status. */
  | { kind: 'send'; notificationId: string }
  /** A register of this session was saved: check its enrolments for at-risk crossings. */
  | { kind: 'risk-check'; sessionId: string; savedAt: string }
  /** Scheduled by the worker: re-enqueue pending rows whose job was lost (Redis restart). */
  | { kind: 'sweep' };

export const OUTBOX_SWEEP_SCHEDULER = 'notifications-sweep';
const sendJobId = (notificationId: string) => `send-${notificationId}`;

@Injectable()
export class NotificationsQueue {
  constructor(@InjectQueue(QUEUES.notifications) private readonly queue: Queue<NotificationsJob>) {}

  async send(notificationIds: string[]): Promise<void> {
    if (notificationIds.length === 0) return;
    await this.queue.addBulk(
      notificationIds.map((notificationId) => ({
        name: 'send',
        data: { kind: 'send', notificationId },
        opts: { jobId: sendJobId(notificationId) },
      })),
    );
  }

  /**
   * For rows the outbox still holds as pending: a job id that finished (completed or failed)
   * would swallow a plain re-add, so such a job is removed first. Waiting, delayed (backing off)
   * and active jobs are left alone; adding them again is a no-op.
   */
  async resend(notificationIds: string[]): Promise<void> {
    for (const id of notificationIds) {
      const job = await this.queue.getJob(sendJobId(id));
      const state = job ? await job.getState() : null;
      if (job && (state === 'completed' || state === 'failed')) await job.remove();
    }
    await this.send(notificationIds);
  }

  /** Idempotent: every worker calls it at boot; one scheduler exists per id. */
  async scheduleSweep(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      OUTBOX_SWEEP_SCHEDULER,
      { every: everyMs },
      { name: 'sweep', data: { kind: 'sweep' } },
    );
  }

  /** Called after a register save; the worker compares at-risk state before and after. */
  async riskCheck(sessionId: string): Promise<void> {
    const savedAt = new Date().toISOString();
    await this.queue.add(
      'risk-check',
      { kind: 'risk-check', sessionId, savedAt },
      {
        jobId: `risk-${sessionId}-${Date.parse(savedAt)}`,
      },
    );
  }
}
