import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { JobSchedule, ScheduleKeeper } from './keep-scheduled';

/**
 * The start-up wiring every processor shares. Processors are declared with `autorun: false`:
 * after boot this keeps the queue's job schedulers (see ScheduleKeeper), sets the worker's
 * concurrency from the config, applies the queue's own settings, then starts the worker.
 * It also logs jobs that failed for good and the worker's connection errors (BullMQ recovers
 * from those by itself; without a listener they would be thrown).
 */
export abstract class QueueWorkerHost
  extends WorkerHost
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  protected abstract readonly logger: Logger;
  private keeper?: ScheduleKeeper;

  constructor(protected readonly config: AppConfig) {
    super();
  }

  /** The job schedulers this queue owns (none by default). */
  protected schedules(): JobSchedule[] {
    return [];
  }

  /** Settings of this queue's worker beyond concurrency (e.g. a rate limit). */
  protected configure(_worker: Worker): void {}

  async onApplicationBootstrap(): Promise<void> {
    this.keeper = new ScheduleKeeper(
      this.worker,
      this.schedules(),
      this.config.SCHEDULES_CHECK_SECONDS * 1000,
      this.logger,
    );
    await this.keeper.start();
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
    this.configure(this.worker);
    this.worker.run().catch((error: unknown) => this.logger.error(error));
  }

  onModuleDestroy(): void {
    this.keeper?.stop();
  }

  /**
   * Stop taking jobs and let the active ones finish, before any shutdown hook closes the
   * database or Redis under them (BullMQ's own close comes later and then has nothing to do).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
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

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn(`${this.worker.name} worker: ${error.message}`);
  }
}
