import 'reflect-metadata';
import { Queue } from 'bullmq';
import { ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/infrastructure/database/database-options';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { makeCompletedCohort } from '../test/helpers/certificate-factories';

/**
 * Certificates per second for ONE worker process, and its memory while it works.
 *
 *   node --require ./test/helpers/swc-register.js bench/certificates.ts
 *   (env: N=1000 CONCURRENCY=4 POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
 *         REDIS_URL=redis://127.0.0.1:6379)
 *
 * It creates a scratch database (name containing "test", dropped at the end) with N completed
 * enrolments in cohorts of 70, starts a real worker process (test/helpers/run-worker.ts), queues
 * the N issue jobs as the API's producer does, and polls until every certificate exists, sampling
 * the worker's RSS from /proc. Emails go to a temporary MAIL_DIR; their time is reported apart
 * (it is bounded by MAIL_RATE_PER_SECOND, not by the worker). The worker runs from source via
 * swc, whose compiler adds about 30 MB to its RSS compared with `node dist/src/worker.js`.
 */
const ROOT = join(__dirname, '..');
const N = Number(process.env.N ?? 1000);
const CONCURRENCY = process.env.CONCURRENCY ?? '4';
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const name = `pod_cohorts_test_certbench_${randomBytes(3).toString('hex')}`;
  const server = new URL(POSTGRES_URL);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const prefix = `pod-certbench-${randomBytes(3).toString('hex')}`;
  const mailDir = mkdtempSync(join(tmpdir(), 'pod-certbench-mail-'));
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const ds = new DataSource(
    buildDataSourceOptions({ DATABASE_URL: url.toString(), DB_LOGGING: false, DB_POOL_SIZE: 4 }),
  );
  let worker: ChildProcessByStdio<null, Readable, null> | undefined;
  let queue: Queue | undefined;
  try {
    await ds.initialize();
    await ds.runMigrations();
    const ids: string[] = [];
    for (let left = N; left > 0; left -= 70) {
      const cohort = await makeCompletedCohort(ds, Math.min(70, left));
      ids.push(...cohort.enrolments.map((e) => e.id));
    }
    process.stdout.write(`prepared ${ids.length} completed enrolments\n`);

    worker = spawn(
      process.execPath,
      [
        '--require',
        join(ROOT, 'test/helpers/swc-register.js'),
        join(ROOT, 'test/helpers/run-worker.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TEST_DATABASE_URL: url.toString(),
          TEST_REDIS_URL: REDIS_URL,
          TEST_QUEUE_PREFIX: prefix,
          WORKER_OVERRIDES: JSON.stringify({ WORKER_CONCURRENCY: CONCURRENCY, MAIL_DIR: mailDir }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const child = worker;
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve()),
    );
    await sleep(2_000);
    const pid = child.pid as number;
    const idle = rssMb(pid);

    queue = new Queue('certificates', { connection: { url: REDIS_URL }, prefix });
    const t0 = Date.now();
    await queue.addBulk(
      ids.map((enrolmentId) => ({
        name: 'issue',
        data: { enrolmentId },
        opts: { jobId: `issue-${enrolmentId}` },
      })),
    );
    const samples: number[] = [];
    let issuedAt = 0;
    for (;;) {
      samples.push(rssMb(pid));
      const [{ n }]: Array<{ n: number }> = await ds.query(
        'SELECT count(*)::int AS n FROM certificates',
      );
      if (n >= N && !issuedAt) issuedAt = Date.now();
      if (issuedAt && readdirSync(mailDir).length >= N) break;
      if (Date.now() - t0 > 30 * 60_000) throw new Error('timed out');
      await sleep(100);
    }
    const mailedAt = Date.now();
    const seconds = (issuedAt - t0) / 1000;
    samples.sort((a, b) => a - b);
    process.stdout.write(
      `${JSON.stringify(
        {
          certificates: N,
          workerConcurrency: Number(CONCURRENCY),
          issueSeconds: seconds,
          certificatesPerSecond: Math.round((N / seconds) * 10) / 10,
          emailsWrittenSeconds: (mailedAt - t0) / 1000,
          workerRssMb: {
            idle: Math.round(idle),
            median: Math.round(samples[Math.floor(samples.length / 2)]),
            peak: Math.round(samples[samples.length - 1]),
          },
          loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    if (worker) {
      const child = worker;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await queue?.close();
    // Everything the run left in Redis (jobs, schedulers) lives under its own prefix.
    for (const name of Object.values(QUEUES)) {
      const q = new Queue(name, { connection: { url: REDIS_URL }, prefix });
      await q.obliterate({ force: true });
      await q.close();
    }
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    rmSync(mailDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
