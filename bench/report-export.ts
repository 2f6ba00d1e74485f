import 'reflect-metadata';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  BENCH_JWT_SECRET,
  cliOptions,
  databaseName,
  DEFAULT_BENCH_DATABASE_URL,
  DEFAULT_REDIS_URL,
  positiveInt,
} from './bench-env';
import { downloadExport, ExportMeasure } from './export-scenario';
import { DEFAULT_DATASET, ensureDataset } from './generate-data';
import {
  freePort,
  RssSampler,
  sleep,
  spawnService,
  stopAll,
  stopChildrenOnExit,
  waitForHttp,
} from './processes';
import { loadTargets } from './scenarios';
import { signToken } from './tokens';

/**
 * The accreditation export, CSV and XLSX, over the whole benchmark course: wall time and the
 * API process's peak RSS (sampled every 50 ms), each format on a fresh API process so one
 * export's heap does not inflate the other's figure. Reuses the benchmark data set when it is
 * already there (`--reuse`), otherwise generates it.
 *
 *   node <dist>/bench/report-export.js --dist <dist> [--database-url …] [--cohorts 200] [--reuse]
 *     [--repeat 3] [--heap-mb 96] [--echo]
 *
 * With --heap-mb the API runs with that V8 heap limit: an export that kept rows in memory would
 * fail on a large data set; one that streams completes with the same peak as a small one.
 */
interface Settings {
  dist: string;
  databaseUrl: string;
  redisUrl: string;
  cohorts: number;
  reuse: boolean;
  repeat: number;
  /** V8 old-space limit for the API (--max-old-space-size), to show the export fits any heap. */
  heapMb: number | null;
  /** Forward the API's output to stderr. */
  echo: boolean;
}

interface Measure extends ExportMeasure {
  peakRss: number;
  /** Before any export, right after boot. */
  idleRss: number;
  /** Peak during the warm-up export of one cohort (70 rows). */
  oneCohortRss: number;
}

async function measure(s: Settings, path: string, token: string, warmPath: string) {
  const port = await freePort();
  const api = spawnService(
    'api',
    join(s.dist, 'src/main.js'),
    [],
    {
      NODE_ENV: 'production',
      DATABASE_URL: s.databaseUrl,
      REDIS_URL: s.redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: BENCH_JWT_SECRET,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      QUEUE_PREFIX: `pod-report-bench-${process.pid}`,
      LOG_LEVEL: 'warn',
      ...(s.heapMb ? { NODE_OPTIONS: `--max-old-space-size=${s.heapMb}` } : {}),
    },
    { echo: s.echo },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health/ready`, api);
    const headers = { authorization: `Bearer ${token}` };
    const idleRss = await new RssSampler(api.pid).start().stop();
    // Warm the code path (JIT, pool, exceljs) on a one-cohort export first; its peak is the
    // reference for "memory does not grow with rows".
    const warm = new RssSampler(api.pid).start();
    await downloadExport(url, { method: 'GET', path: warmPath, headers });
    const oneCohortRss = await warm.stop();
    await sleep(500);
    const runs: Measure[] = [];
    for (let i = 0; i < s.repeat; i++) {
      const sampler = new RssSampler(api.pid).start();
      const result = await downloadExport(url, { method: 'GET', path, headers });
      const peakRss = await sampler.stop();
      if (result.status !== 200) throw new Error(`${path} answered ${result.status}`);
      runs.push({ ...result, peakRss, idleRss, oneCohortRss });
    }
    return runs;
  } finally {
    await api.stop();
  }
}

async function main(): Promise<void> {
  const args = cliOptions({
    dist: { type: 'string', default: 'dist' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    cohorts: { type: 'string', default: String(DEFAULT_DATASET.cohorts) },
    reuse: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
    'heap-mb': { type: 'string' },
    echo: { type: 'boolean', default: false },
  });
  const s: Settings = {
    dist: String(args.dist),
    databaseUrl: args['database-url'] ?? DEFAULT_BENCH_DATABASE_URL,
    redisUrl: args['redis-url'] ?? DEFAULT_REDIS_URL,
    cohorts: positiveInt(args.cohorts, 'cohorts'),
    reuse: Boolean(args.reuse),
    repeat: positiveInt(args.repeat, 'repeat'),
    heapMb: args['heap-mb'] ? positiveInt(args['heap-mb'], 'heap-mb') : null,
    echo: Boolean(args.echo),
  };
  stopChildrenOnExit();
  const data = await ensureDataset(
    s.databaseUrl,
    { ...DEFAULT_DATASET, cohorts: s.cohorts, today: new Date() },
    { reuse: s.reuse, log: console.log },
  );
  const c = data.counts;
  console.log(
    `Data set in ${databaseName(s.databaseUrl)}${data.reused ? ' (reused)' : ''}: ${c.cohorts} cohorts, ` +
      `${c.enrolments} enrolments, ${c.sessions} sessions, ${c.attendanceRecords} attendance records`,
  );
  const db = new Client({ connectionString: s.databaseUrl });
  await db.connect();
  const targets = await loadTargets({
    query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows,
  }).finally(() => db.end());
  const token = signToken(BENCH_JWT_SECRET, {
    sub: targets.adminUserId,
    role: 'admin',
    studentId: null,
  });

  const lines: string[] = [];
  for (const format of ['csv', 'xlsx']) {
    const path = `/api/v1/reports/accreditation?courseId=${targets.courseId}&format=${format}`;
    const warm = `/api/v1/reports/accreditation?cohortId=${targets.cohortIds[0]}&format=${format}`;
    const runs = await measure(s, path, token, warm);
    const best = Math.min(...runs.map((r) => r.ms));
    const peak = Math.max(...runs.map((r) => r.peakRss));
    lines.push(
      // Lines are rows only in the CSV; the XLSX (a zip) carries the same rows.
      `| ${format.toUpperCase()} | ${format === 'csv' ? runs[0].rows.toLocaleString('en-GB') : 'same'} | ${(runs[0].bytes / 1048576).toFixed(1)} MB | ` +
        `${runs.map((r) => (r.ms / 1000).toFixed(2)).join(' / ')} s (best ${(best / 1000).toFixed(2)} s) | ` +
        `${runs[0].idleRss.toFixed(0)} MB | ${runs[0].oneCohortRss.toFixed(0)} MB | ${peak.toFixed(0)} MB |`,
    );
  }
  console.log(
    [
      '',
      '| format | rows | size | time per run | RSS after boot | peak RSS, one cohort | peak RSS, whole course |',
      '|---|---|---|---|---|---|---|',
      ...lines,
    ].join('\n'),
  );
}

if (require.main === module) {
  main()
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(() => void stopAll());
}
