/**
 * Runs before each e2e spec file, in its Jest worker: points the spec at that worker's own
 * database and BullMQ prefix (made by global-setup.ts), so two workers never share rows or jobs.
 */
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
const urls = JSON.parse(process.env.TEST_DATABASE_URLS ?? '[]') as string[];
const names = JSON.parse(process.env.TEST_DATABASE_NAMES ?? '[]') as string[];
const slot = (worker - 1) % Math.max(1, urls.length);

process.env.TEST_DATABASE_URL = urls[slot];
process.env.TEST_DATABASE_NAME = names[slot];
process.env.TEST_QUEUE_PREFIX = `${process.env.TEST_QUEUE_PREFIX_BASE}-w${slot + 1}`;
