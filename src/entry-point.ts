import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from './infrastructure/config/app-config';
import { exitOnConfigError, loadConfigFromEnvironment } from './infrastructure/config/app-config';
import { assertProductionSecrets } from './infrastructure/config/secret-strength';
import { RedisEvictionRefused } from './infrastructure/queues/redis-eviction-check';
import { closeOnSignals } from './bootstrap';

/**
 * What the API and the worker do the same way on start: read and check the configuration (a bad
 * one is one line and exit 78), start, turn a deliberate refusal at boot into one line naming the
 * remedy (exit 1) instead of a stack trace, then close cleanly on SIGTERM/SIGINT.
 */
export async function runEntryPoint(
  start: (config: AppConfig) => Promise<INestApplicationContext>,
): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfigFromEnvironment();
    assertProductionSecrets(config);
  } catch (error) {
    exitOnConfigError(error);
  }
  let app: INestApplicationContext;
  try {
    app = await start(config);
  } catch (error) {
    if (!(error instanceof RedisEvictionRefused)) throw error;
    process.stderr.write(`Cannot start: ${error.message}\n`);
    process.exit(1);
  }
  closeOnSignals(app, config);
}
