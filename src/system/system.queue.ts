import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../infrastructure/queues/queue-names';

export interface PingJob {
  pingId: string;
}

@Injectable()
export class SystemQueue {
  constructor(@InjectQueue(QUEUES.system) private readonly queue: Queue<PingJob>) {}

  /** Deterministic job id: enqueueing the same ping twice is one job. */
  async ping(pingId: string): Promise<void> {
    await this.queue.add('ping', { pingId }, { jobId: `ping-${pingId}` });
  }
}
