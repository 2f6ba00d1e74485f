import 'reflect-metadata';
import { exitOnConfigError, loadConfigFromEnvironment } from './infrastructure/config/app-config';
import { assertProductionSecrets } from './infrastructure/config/secret-strength';
import { startApi } from './bootstrap';

/** HTTP API entry point (production: `npm run start:api`, after `npm run migration:run`). */
async function main() {
  let config;
  try {
    config = loadConfigFromEnvironment();
    assertProductionSecrets(config);
  } catch (error) {
    exitOnConfigError(error);
  }
  await startApi(config);
}

void main();
