import 'reflect-metadata';
import { RedisEvictionRefused } from './infrastructure/queues/redis-eviction-check';
import { exitOnConfigError, loadConfigFromEnvironment } from './infrastructure/config/app-config';
import { assertProductionSecrets } from './infrastructure/config/secret-strength';
import { closeOnSignals, startWorker } from './bootstrap';

/** Worker entry point: runs the BullMQ processors and job schedulers, no HTTP. */
async function main() {
  let config;
  try {
    config = loadConfigFromEnvironment();
    assertProductionSecrets(config);
  } catch (error) {
    exitOnConfigError(error);
  }
  let app;
  try {
    app = await startWorker(config);
  } catch (error) {
    // A deliberate refusal at boot is one line naming the remedy, not a stack trace.
    if (!(error instanceof RedisEvictionRefused)) throw error;
    process.stderr.write(`Cannot start: ${error.message}\n`);
    process.exit(1);
  }
  closeOnSignals(app, config);
}

void main();
