import 'reflect-metadata';
import { closeOnSignals, startWorker } from '../../src/bootstrap';
import { testConfig } from './test-app';

/**
 * A real worker process on the test run's database and Redis prefix (spawned by the kill test
 * through swc-register.js), with the entry point's signal handling. Prints "worker ready" once its processors are running.
 */
async function main() {
  const overrides = JSON.parse(process.env.WORKER_OVERRIDES ?? '{}') as Record<string, string>;
  const config = testConfig(overrides);
  closeOnSignals(await startWorker(config), config);
  process.stdout.write('worker ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
