import 'reflect-metadata';
import { exitOnConfigError, loadConfigFromEnvironment } from './infrastructure/config/app-config';
import { startApi } from './bootstrap';

/** HTTP API entry point (production: `npm run start:api`, after `npm run migration:run`). */
async function main() {
  let config;
  try {
    config = loadConfigFromEnvironment();
  } catch (error) {
    exitOnConfigError(error);
  }
  await startApi(config);
}

void main();
