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

@Injectable()
export class CertificatesQueue {
  constructor(
    @InjectQueue(QUEUES.certificates) private readonly queue: Queue<IssueCertificateJob>,
  ) {}

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
        opts: { jobId: `issue-${enrolmentId}` },
      })),
    );
  }

  async reissue(enrolmentId: string, supersedesId: string, reason: string): Promise<void> {
    await this.queue.add(
      'issue',
      { enrolmentId, supersedesId, reason },
      { jobId: `reissue-${supersedesId}` },
    );
  }
}
