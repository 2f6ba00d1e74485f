import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * `npm test` runs the e2e spec files in a few batches, each one Jest test file
 * (`batch-<n>.e2e-batch.ts`) that requires several spec files, instead of one Jest test file per
 * spec. Jest gives every test file a fresh module registry, so each spec file loaded and booted
 * the whole app from cold: about 2 s of CPU each, a third of the suite's time on a 2-core machine.
 * A batch pays that once. The spec files stay as they are, each in its own describe block named
 * by its path; `JEST_E2E_FILES=1 npx jest test/auth.e2e-spec.ts` runs one on its own.
 *
 * The files are shared out by their last measured time (`spec-seconds.json`, written by
 * `scripts/e2e-timings.js`), longest first, each to the batch with the least so far, so the
 * batches take about as long as each other whatever order Jest starts them in. Every spec file on
 * disk is in exactly one batch: a new one needs no entry and is counted at the median time.
 * There are as many batches as `batch-<n>.e2e-batch.ts` files (nine: enough to keep three
 * workers evenly busy, few enough that loading the app nine times costs about 20 s of CPU).
 */

/**
 * Spec files set their own timeouts (`jest.setTimeout`), and in one Jest test file the last call
 * would win for all of them, so a batch gives every test the longest any spec asks for
 * (worker-kill's). A hung test therefore fails later in a batch; a passing one is unaffected.
 */
export const BATCH_TEST_TIMEOUT = 240_000;

const TEST_DIR = join(__dirname, '..');

export function e2eSpecFiles(): string[] {
  return readdirSync(TEST_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.e2e-spec.ts'))
    .sort();
}

function median(values: number[]): number {
  if (values.length === 0) return 1;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Longest first, each to the batch with the least time so far (ties: the lower number). */
export function shareOut(
  files: string[],
  seconds: Record<string, number>,
  count: number,
): string[][] {
  const fallback = median(Object.values(seconds));
  const weight = (file: string) => seconds[file] ?? fallback;
  const batches = Array.from({ length: count }, () => ({ files: [] as string[], total: 0 }));
  const longestFirst = [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  for (const file of longestFirst) {
    const lightest = batches.reduce((best, b) => (b.total < best.total ? b : best));
    lightest.files.push(file);
    lightest.total += weight(file);
  }
  return batches.map((b) => b.files.sort());
}

export function readSpecSeconds(): Record<string, number> {
  return JSON.parse(readFileSync(join(__dirname, 'spec-seconds.json'), 'utf8')) as Record<
    string,
    number
  >;
}

const BATCH_FILE = /^batch-(\d+)\.e2e-batch\.ts$/;

/** The batch numbers, from the batch files on disk: 1 to n, with none missing. */
export function batchNumbers(): number[] {
  const numbers = readdirSync(__dirname)
    .map((name) => BATCH_FILE.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  numbers.forEach((n, i) => {
    if (n !== i + 1) throw new Error(`test/batches has no batch-${i + 1}.e2e-batch.ts`);
  });
  return numbers;
}

/**
 * Declares the batch whose file calls it (`runBatch(__filename)`): one describe block per spec
 * file, in path order.
 */
export function runBatch(batchFile: string): void {
  const n = Number(BATCH_FILE.exec(basename(batchFile))?.[1]);
  const files = shareOut(e2eSpecFiles(), readSpecSeconds(), batchNumbers().length)[n - 1];
  if (!files) throw new Error(`${basename(batchFile)} is not a batch-<n>.e2e-batch.ts file`);
  for (const file of files) {
    describe(file, () => {
      // Jest collects a describe block's tests as its callback runs, so the spec loads right here.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(TEST_DIR, file));
    });
  }
  jest.setTimeout(BATCH_TEST_TIMEOUT);
}
