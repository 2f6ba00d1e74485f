import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../infrastructure/config/app-config';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { QueueWorkerHost } from '../infrastructure/queues/queue-worker-host';
import type { PingJob } from './system.queue';
import { SystemService } from './system.service';

@Processor(QUEUES.system, { autorun: false })
export class PingProcessor extends QueueWorkerHost {
  protected readonly logger = new Logger(PingProcessor.name);

  constructor(
    private readonly system: SystemService,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job<PingJob>): Promise<void> {
    await this.system.markProcessed(job.data.pingId);
  }
}
