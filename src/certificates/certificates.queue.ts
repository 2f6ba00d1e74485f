import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../infrastructure/queues/queue-names';

/** Issue a certificate for a completed enrolment (idempotent: the database allows one issued). */
export interface IssueCertificateJob {
  enrolmentId: string;
  /** Set when reissuing: the certificate the new one supersedes. */
  supersedesId?: string;
  reason?: string;
}

/** Scheduled by the worker: find completions that never got a certificate and queue them. */
export interface SweepCertificatesJob {
  sweep: true;
}

export type CertificatesJob = IssueCertificateJob | SweepCertificatesJob;

export const CERTIFICATES_SWEEP_SCHEDULER = 'certificates-sweep';
const issueJobId = (enrolmentId: string) => `issue-${enrolmentId}`;
const reissueJobId = (certificateId: string) => `reissue-${certificateId}`;

@Injectable()
export class CertificatesQueue {
  constructor(@InjectQueue(QUEUES.certificates) private readonly queue: Queue<CertificatesJob>) {}

  /**
   * Deterministic job ids: enqueueing the same completion twice is one job while it is waiting.
   * The job's effect is idempotent anyway (partial unique index on issued certificates).
   */
  async issue(enrolmentIds: string[]): Promise<void> {
    if (enrolmentIds.length === 0) return;
    await this.queue.addBulk(
      enrolmentIds.map((enrolmentId) => ({
        name: 'issue',
        data: { enrolmentId },
        opts: { jobId: issueJobId(enrolmentId) },
      })),
    );
  }

  async reissue(enrolmentId: string, supersedesId: string, reason: string): Promise<void> {
    await this.queue.add(
      'issue',
      { enrolmentId, supersedesId, reason },
      { jobId: reissueJobId(supersedesId) },
    );
  }

  /** For the sweep: pending reissue requests, past jobs under the same id removed first. */
  async requeueReissue(
    requests: Array<{ enrolmentId: string; certificateId: string; reason: string }>,
  ): Promise<void> {
    for (const r of requests) {
      const job = await this.queue.getJob(reissueJobId(r.certificateId));
      const state = job ? await job.getState() : null;
      if (state === 'failed') continue;
      if (job && state === 'completed') await job.remove();
      await this.reissue(r.enrolmentId, r.certificateId, r.reason);
    }
  }

  /**
   * For the sweep: a completed job under the same id (it ran before the enrolment was
   * completed) would swallow a plain re-add, so it is removed first. A failed job is left as it
   * is: it stays visible on the dashboard for someone to look at and retry.
   */
  async requeueIssue(enrolmentIds: string[]): Promise<void> {
    const add: string[] = [];
    for (const enrolmentId of enrolmentIds) {
      const job = await this.queue.getJob(issueJobId(enrolmentId));
      const state = job ? await job.getState() : null;
      if (state === 'failed') continue;
      if (job && state === 'completed') await job.remove();
      add.push(enrolmentId);
    }
    await this.issue(add);
  }

  /** Idempotent: every worker calls it at boot; one scheduler exists per id. */
  async scheduleSweep(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      CERTIFICATES_SWEEP_SCHEDULER,
      { every: everyMs },
      { name: 'sweep', data: { sweep: true } },
    );
  }
}
