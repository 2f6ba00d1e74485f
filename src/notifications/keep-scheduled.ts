import { Logger } from '@nestjs/common';

/** How often a worker re-asserts its job schedulers. */
export const RESCHEDULE_EVERY_MS = 5 * 60_000;

/**
 * Upserts a job scheduler now (awaited: the worker does not start without its schedulers) and
 * again every few minutes, so schedulers lost with Redis's data come back without a worker
 * restart. Upserting an existing scheduler changes nothing. Returns a stop function.
 */
export async function keepScheduled(
  upsert: () => Promise<void>,
  logger: Logger,
  everyMs = RESCHEDULE_EVERY_MS,
): Promise<() => void> {
  await upsert();
  const timer = setInterval(() => {
    upsert().catch((error: unknown) =>
      logger.warn(`Could not re-assert a job scheduler: ${(error as Error).message}`),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
