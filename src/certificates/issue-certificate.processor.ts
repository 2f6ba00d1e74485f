import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../infrastructure/config/app-config';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { keepScheduled } from '../notifications/keep-scheduled';
import { CertificatesJob, CertificatesQueue } from './certificates.queue';
import { CertificateIssuingService, IssueResult } from './certificate-issuing.service';

/** How often the worker looks for completions that never got an issue job. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Hands each job to CertificateIssuingService.issue (idempotent, one transaction). Registered in the
 * worker module only.
 *
 * The jobs of a worker that died are found stalled once their 30 s lock lapses (checked every
 * 10 s) and handed to another worker; a false stall only runs a job twice, which the database
 * makes harmless. The worker starts after boot, once its concurrency is set from the config.
 */
@Processor(QUEUES.certificates, {
  autorun: false,
  lockDuration: 30_000,
  stalledInterval: 10_000,
})
export class IssueCertificateProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger(IssueCertificateProcessor.name);
  private stopScheduling?: () => void;

  constructor(
    private readonly certificates: CertificateIssuingService,
    private readonly queue: CertificatesQueue,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopScheduling = await keepScheduled(
      () => this.queue.scheduleSweep(SWEEP_EVERY_MS),
      this.logger,
    );
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
    this.worker.run().catch((error: unknown) => this.logger.error(error));
  }

  onModuleDestroy(): void {
    this.stopScheduling?.();
  }

  async process(job: Job<CertificatesJob>): Promise<IssueResult | { queued: number }> {
    const data = job.data;
    if ('sweep' in data) return { queued: await this.certificates.sweep() };
    return this.certificates.issue(data.enrolmentId, {
      supersedesId: data.supersedesId,
      reason: data.reason,
    });
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
    this.logger.warn(`${QUEUES.certificates} worker: ${error.message}`);
  }
}
