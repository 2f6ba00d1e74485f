import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../infrastructure/queues/queue-names';

export type NotificationsJob =
  /** Send one outbox row (by id); sending is idempotent on the row's status. */
  | { kind: 'send'; notificationId: string }
  /**
   * A register of this cohort was saved (risk_check_requests holds the request, `version` its
   * number): check its enrolments for at-risk crossings.
   */
  | { kind: 'risk-check'; cohortId: string; version: number }
  /** Scheduled by the worker: re-enqueue pending rows whose job was lost (Redis restart). */
  | { kind: 'sweep' };

export const OUTBOX_SWEEP_SCHEDULER = 'notifications-sweep';
const sendJobId = (notificationId: string) => `send-${notificationId}`;
const riskJobId = (r: RiskCheckRef) => `risk-${r.cohortId}-${r.version}`;

/** One recorded at-risk check request: the cohort and the version its save wrote. */
export interface RiskCheckRef {
  cohortId: string;
  version: number;
}

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
    await this.removeFinished(notificationIds.map(sendJobId));
    await this.send(notificationIds);
  }

  /**
   * All ids at once: ioredis sends the commands without waiting for each answer, so the sweep's
   * up to 500 ids take a few round trips to Redis instead of three each.
   */
  private async removeFinished(jobIds: string[]): Promise<void> {
    await Promise.all(
      jobIds.map(async (id) => {
        const job = await this.queue.getJob(id);
        const state = job ? await job.getState() : null;
        if (job && (state === 'completed' || state === 'failed')) await job.remove();
      }),
    );
  }

  /** Idempotent: every worker calls it at boot; one scheduler exists per id. */
  async scheduleSweep(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      OUTBOX_SWEEP_SCHEDULER,
      { every: everyMs },
      { name: 'sweep', data: { kind: 'sweep' } },
    );
  }

  /** After a register save commits; the worker compares at-risk state before and after. */
  async riskCheck(requests: RiskCheckRef[]): Promise<void> {
    if (requests.length === 0) return;
    await this.queue.addBulk(
      requests.map((r) => ({
        name: 'risk-check',
        data: { kind: 'risk-check', cohortId: r.cohortId, version: r.version },
        opts: { jobId: riskJobId(r) },
      })),
    );
  }

  /** For the sweep: requests still pending, a finished job under the same id removed first. */
  async recheck(requests: RiskCheckRef[]): Promise<void> {
    await this.removeFinished(requests.map(riskJobId));
    await this.riskCheck(requests);
  }
}
