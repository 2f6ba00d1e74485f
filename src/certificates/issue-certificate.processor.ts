import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../infrastructure/config/app-config';
import { JobSchedule } from '../infrastructure/queues/keep-scheduled';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { QueueWorkerHost } from '../infrastructure/queues/queue-worker-host';
import { CertificateIssuingService, IssueResult } from './certificate-issuing.service';
import {
  CERTIFICATES_SWEEP_SCHEDULER,
  CertificatesJob,
  CertificatesQueue,
} from './certificates.queue';

/**
 * Hands each job to CertificateIssuingService.issue (idempotent, one transaction). Registered in the
 * worker module only.
 *
 * The jobs of a worker that died are found stalled once their 30 s lock lapses (checked every
 * 10 s) and handed to another worker; a false stall only runs a job twice, which the database
 * makes harmless.
 */
@Processor(QUEUES.certificates, {
  autorun: false,
  lockDuration: 30_000,
  stalledInterval: 10_000,
})
export class IssueCertificateProcessor extends QueueWorkerHost {
  protected readonly logger = new Logger(IssueCertificateProcessor.name);

  constructor(
    private readonly certificates: CertificateIssuingService,
    private readonly queue: CertificatesQueue,
    config: AppConfig,
  ) {
    super(config);
  }

  /** The sweep finds completions that never got an issue job (lost with Redis, or never sent). */
  protected override schedules(): JobSchedule[] {
    return [
      {
        id: CERTIFICATES_SWEEP_SCHEDULER,
        upsert: () => this.queue.scheduleSweep(this.config.CERTIFICATES_SWEEP_SECONDS * 1000),
      },
    ];
  }

  async process(job: Job<CertificatesJob>): Promise<IssueResult | { queued: number }> {
    const data = job.data;
    if ('sweep' in data) {
      return { queued: await this.certificates.sweep(this.config.CERTIFICATES_SWEEP_AGE_SECONDS) };
    }
    return this.certificates.issue(data.enrolmentId, {
      supersedesId: data.supersedesId,
      reason: data.reason,
    });
  }
}
