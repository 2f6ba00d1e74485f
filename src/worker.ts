import 'reflect-metadata';
import { exitOnConfigError, loadConfigFromEnvironment } from './infrastructure/config/app-config';
import { assertProductionSecrets } from './infrastructure/config/secret-strength';
import { startWorker } from './bootstrap';

/** Worker entry point: runs the BullMQ processors and job schedulers, no HTTP. */
async function main() {
  let config;
  try {
    config = loadConfigFromEnvironment();
    assertProductionSecrets(config);
  } catch (error) {
    exitOnConfigError(error);
  }
  await startWorker(config);
}

void main();
