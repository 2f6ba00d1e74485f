import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../infrastructure/queues/queue-names';
import type { PingJob } from './system.queue';
import { SystemService } from './system.service';

@Processor(QUEUES.system)
export class PingProcessor extends WorkerHost {
  constructor(private readonly system: SystemService) {
    super();
  }

  async process(job: Job<PingJob>): Promise<void> {
    await this.system.markProcessed(job.data.pingId);
  }
}
