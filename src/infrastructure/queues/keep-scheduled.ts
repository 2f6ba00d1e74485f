import { Logger } from '@nestjs/common';
import type { Worker } from 'bullmq';

/** A job scheduler a queue owns: its id in Redis and how to (re)create it. */
export interface JobSchedule {
  id: string;
  /** Idempotent: upserting an existing scheduler changes nothing. */
  upsert: () => Promise<void>;
}

/**
 * Keeps a queue's job schedulers in Redis. They live only there, so a Redis that restarts
 * without its data (or is flushed, or fails over to an empty replica) loses them, and with them
 * the sweeps that re-create lost jobs from PostgreSQL. So they are upserted:
 * - at boot (awaited: the worker does not start without them);
 * - at once whenever the worker's Redis connection becomes ready again (a restart, a failover);
 * - whenever a periodic check finds one missing (data lost without a reconnect).
 * Every worker does this; one scheduler exists per id however many workers do.
 */
export class ScheduleKeeper {
  private timer?: NodeJS.Timeout;
  private readonly onReady = () => {
    this.logger.log('Redis connection ready again: re-asserting the job schedulers');
    void this.upsertAll();
  };

  constructor(
    private readonly worker: Worker,
    private readonly schedules: JobSchedule[],
    private readonly checkEveryMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.schedules.length === 0) return;
    for (const schedule of this.schedules) await schedule.upsert();
    // The backend re-emits 'ready' each time one of the worker's connections is (re)established.
    this.worker.getBackend().on('ready', this.onReady);
    this.timer = setInterval(() => void this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.worker.getBackend().off('ready', this.onReady);
  }

  /** Job schedulers are members of the queue's `repeat` sorted set, by id. */
  private async check(): Promise<void> {
    try {
      const backend = this.worker.getBackend();
      const client = await backend.client;
      for (const schedule of this.schedules) {
        if ((await client.zscore(backend.keys.repeat, schedule.id)) === null) {
          this.logger.warn(
            `Job scheduler ${schedule.id} was missing (Redis lost its data?): re-created`,
          );
          await schedule.upsert();
        }
      }
    } catch (error) {
      this.logger.warn(`Could not check the job schedulers: ${(error as Error).message}`);
    }
  }

  private async upsertAll(): Promise<void> {
    for (const schedule of this.schedules) {
      await schedule
        .upsert()
        .catch((error: unknown) =>
          this.logger.warn(
            `Could not re-assert job scheduler ${schedule.id}: ${(error as Error).message}`,
          ),
        );
    }
  }
}
