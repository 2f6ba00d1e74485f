import 'reflect-metadata';
import { closeOnSignals, startApi } from '../../src/bootstrap';
import { testConfig } from './test-app';

/**
 * A real API process on the test run's database and Redis prefix, with the entry point's
 * signal handling (spawned through swc-register.js). Prints "api ready" once listening.
 */
async function main() {
  const overrides = JSON.parse(process.env.API_OVERRIDES ?? '{}') as Record<string, string>;
  const config = testConfig(overrides);
  const app = await startApi(config);
  closeOnSignals(app, config);
  process.stdout.write('api ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
