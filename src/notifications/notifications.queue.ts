import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../infrastructure/queues/queue-names';

export type NotificationsJob =
  /** Send one outbox row (by id); sending is idempotent on the row's status. */
  | { kind: 'send'; notificationId: string }
  /** A register of this session was saved: check its enrolments for at-risk crossings. */
  | { kind: 'risk-check'; sessionId: string; savedAt: string };

@Injectable()
export class NotificationsQueue {
  constructor(@InjectQueue(QUEUES.notifications) private readonly queue: Queue<NotificationsJob>) {}

  async send(notificationIds: string[]): Promise<void> {
    if (notificationIds.length === 0) return;
    await this.queue.addBulk(
      notificationIds.map((notificationId) => ({
        name: 'send',
        data: { kind: 'send', notificationId },
        opts: { jobId: `send-${notificationId}` },
      })),
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
