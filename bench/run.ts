import 'reflect-metadata';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  CERTIFICATES_SWEEP_SCHEDULER,
  CertificatesJob,
} from '../src/certificates/certificates.queue';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import {
  assertBenchDatabase,
  BENCH_JWT_SECRET,
  cliOptions,
  databaseName,
  DEFAULT_BENCH_DATABASE_URL,
  DEFAULT_REDIS_URL,
  positiveInt,
  withDatabase,
} from './bench-env';
import {
  enqueueIssue,
  issueJobTimes,
  percentile,
  prepareCompletions,
  renderBaseline,
  resetCompletions,
  waitForIssued,
} from './certificates-scenario';
import { copyBaseline, downloadExport, ExportMeasure } from './export-scenario';
import { countDataset, DatasetCounts, ensureDataset } from './generate-data';
import {
  cpuMs,
  freePort,
  RssSampler,
  Service,
  sleep,
  spawnService,
  stopAll,
  stopChildrenOnExit,
  waitForHttp,
} from './processes';
import {
  BenchTargets,
  cohortProgressScenario,
  exportRequest,
  HttpScenario,
  loadTargets,
  meProgressScenario,
  registerSaveScenario,
  SqlRunner,
} from './scenarios';

/**
 * `npm run bench`: starts the BUILT API (and worker) as child processes against the bench
 * database, loads each hot path for a fixed time with autocannon, runs the same work through
 * the raw baseline, and prints one table (also written to bench/results/latest.md).
 */
const SCENARIOS = [
  'me-progress',
  'cohort-progress',
  'register-save',
  'export',
  'certificates',
] as const;
type ScenarioId = (typeof SCENARIOS)[number];

interface Row {
  scenario: string;
  throughput: string;
  p50: string;
  p99: string;
  rss: string;
  baseline: string;
  ratio: string;
  cpu: string;
  target: string;
}

interface Settings {
  databaseUrl: string;
  redisUrl: string;
  dist: string;
  duration: number;
  rounds: number;
  warmup: number;
  connections: number;
  registerConnections: number;
  certificates: number;
  workerConcurrency: string;
  exportScale: number | null;
  scenarios: ScenarioId[];
  echo: boolean;
  queuePrefix: string;
  mailDir: string;
}

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '–'
    : n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function appEnv(s: Settings, databaseUrl: string, port: number): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: s.redisUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_SECRET: BENCH_JWT_SECRET,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    QUEUE_PREFIX: s.queuePrefix,
    LOG_LEVEL: 'warn',
    MAIL_DIR: s.mailDir,
    WORKER_CONCURRENCY: s.workerConcurrency,
    // Tokens are signed by the runner, but nothing in a run may trip a rate limit.
    LOGIN_MAX_FAILURES_PER_EMAIL: '1000000',
    LOGIN_MAX_FAILURES_PER_IP: '1000000',
    VERIFY_MAX_PER_MINUTE: '1000000',
  };
}

async function startApi(s: Settings, databaseUrl: string): Promise<{ api: Service; url: string }> {
  const port = await freePort();
  const api = spawnService('api', join(s.dist, 'src/main.js'), [], appEnv(s, databaseUrl, port), {
    echo: s.echo,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health/ready`, api);
  return { api, url };
}

interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  /** Latency of every 2xx response, in ms. */
  latencies: number[];
}

async function load(
  url: string,
  scenario: HttpScenario,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon(
    {
      url,
      connections,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, ...scenario.next() }) }],
    },
    () => undefined,
  );
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await new Promise<autocannon.Result>((resolveResult) =>
    instance.once('done', resolveResult),
  );
  return {
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
    latencies,
  };
}

function merge(results: LoadResult[]): LoadResult & { rate: number } {
  const ok = results.reduce((n, r) => n + r.ok, 0);
  const seconds = results.reduce((n, r) => n + r.seconds, 0);
  return {
    ok,
    failed: results.reduce((n, r) => n + r.failed, 0),
    seconds,
    latencies: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
    rate: seconds > 0 ? ok / seconds : 0,
  };
}

/**
 * The API and the baseline take turns, in `rounds` slices of the duration (B-A, A-B, ...), so a
 * change of load on a shared machine falls on both alike; the slices are summed.
 */
async function httpScenarios(
  s: Settings,
  targets: BenchTargets,
  rows: Row[],
  ids: ScenarioId[],
): Promise<void> {
  const basePort = await freePort();
  const baseline = spawnService(
    'raw baseline',
    join(s.dist, 'bench/raw-baseline.js'),
    [
      '--port',
      String(basePort),
      '--database-url',
      s.databaseUrl,
      '--redis-url',
      s.redisUrl,
      '--queue-prefix',
      s.queuePrefix,
      '--pool-size',
      '10',
    ],
    {},
    { echo: s.echo },
  );
  const baseUrl = `http://127.0.0.1:${basePort}`;
  const { api, url } = await startApi(s, s.databaseUrl);
  await waitForHttp(`${baseUrl}/health/live`, baseline);
  const slice = Math.max(1, Math.round(s.duration / s.rounds));
  try {
    for (const id of ids) {
      const scenario =
        id === 'me-progress'
          ? meProgressScenario(targets, BENCH_JWT_SECRET, s.connections)
          : id === 'cohort-progress'
            ? cohortProgressScenario(targets, BENCH_JWT_SECRET, s.connections)
            : registerSaveScenario(targets, BENCH_JWT_SECRET, s.registerConnections);
      log(
        `${scenario.title}: ${scenario.connections} connections, warm-up ${s.warmup} s, ` +
          `then ${s.rounds} x ${slice} s each, taking turns`,
      );
      if (s.warmup > 0) {
        await load(baseUrl, scenario, s.warmup, scenario.connections);
        await load(url, scenario, s.warmup, scenario.connections);
      }
      const apiRuns: LoadResult[] = [];
      const baseRuns: LoadResult[] = [];
      let peak = 0;
      const cpu = { api: 0, base: 0 };
      const runApi = async () => {
        const sampler = new RssSampler(api.pid).start();
        const before = cpuMs(api.pid);
        apiRuns.push(await load(url, scenario, slice, scenario.connections));
        cpu.api += (cpuMs(api.pid) ?? NaN) - (before ?? NaN);
        peak = Math.max(peak, await sampler.stop());
      };
      const runBase = async () => {
        const before = cpuMs(baseline.pid);
        baseRuns.push(await load(baseUrl, scenario, slice, scenario.connections));
        cpu.base += (cpuMs(baseline.pid) ?? NaN) - (before ?? NaN);
      };
      for (let round = 0; round < s.rounds; round++) {
        if (round % 2 === 0) {
          await runBase();
          await runApi();
        } else {
          await runApi();
          await runBase();
        }
      }
      const res = merge(apiRuns);
      const base = merge(baseRuns);
      if (res.failed || base.failed) {
        log(`  ! failures: API ${res.failed}, baseline ${base.failed}`);
      }
      const p50 = percentile(res.latencies, 50);
      const ratio = base.rate > 0 ? res.rate / base.rate : null;
      const target =
        id === 'register-save'
          ? `p50 < 20 ms: ${p50 !== null && p50 < 20 ? 'met' : 'missed'}`
          : `≥ 50% of raw: ${ratio !== null && ratio >= 0.5 ? 'met' : 'missed'}`;
      rows.push({
        scenario: `${scenario.title} (c=${scenario.connections})${res.failed ? ` ⚠ ${res.failed} failed` : ''}`,
        throughput: `${fmt(res.rate)} req/s`,
        p50: fmt(p50, 1),
        p99: fmt(percentile(res.latencies, 99), 1),
        rss: fmt(peak),
        baseline: `${fmt(base.rate)} req/s (p50 ${fmt(percentile(base.latencies, 50), 1)} ms)`,
        ratio: ratio === null ? '–' : `${fmt(100 * ratio)}%`,
        cpu: `${fmt(cpu.api / res.ok, 2)} / ${fmt(cpu.base / base.ok, 2)}`,
        target,
      });
      log(`  API ${fmt(res.rate)} req/s p50 ${fmt(p50, 1)} ms; raw ${fmt(base.rate)} req/s`);
    }
  } finally {
    await api.stop();
    await baseline.stop();
  }
}

/** One export on a fresh API process, its RSS sampled every 50 ms. */
async function measureExport(
  s: Settings,
  databaseUrl: string,
  targets: BenchTargets,
): Promise<ExportMeasure & { peakRss: number; idleRss: number; cpuMs: number }> {
  const { api, url } = await startApi(s, databaseUrl);
  try {
    // Warm the code path (JIT, pool) on a one-cohort export first.
    const warm = exportRequest(targets, BENCH_JWT_SECRET);
    await downloadExport(url, {
      ...warm,
      path: `/api/v1/reports/accreditation?cohortId=${targets.cohortIds[0]}&format=csv`,
    });
    await sleep(500);
    const idle = new RssSampler(api.pid).start();
    const idleRss = await idle.stop();
    const sampler = new RssSampler(api.pid).start();
    const before = cpuMs(api.pid);
    const result = await downloadExport(url, exportRequest(targets, BENCH_JWT_SECRET));
    const cpu = (cpuMs(api.pid) ?? NaN) - (before ?? NaN);
    const peakRss = await sampler.stop();
    if (result.status !== 200) throw new Error(`export answered ${result.status}`);
    return { ...result, peakRss, idleRss, cpuMs: cpu };
  } finally {
    await api.stop();
  }
}

async function exportScenario(
  s: Settings,
  targets: BenchTargets,
  counts: DatasetCounts,
  rows: Row[],
  notes: string[],
): Promise<void> {
  log(`CSV export of ${targets.cohortIds.length} cohorts (fresh API process)`);
  const api = await measureExport(s, s.databaseUrl, targets);
  const copy = await copyBaseline(s.databaseUrl, targets.cohortIds);
  const rate = api.rows / (api.ms / 1000);
  const ratio = copy ? copy.ms / api.ms : null;
  if (copy && copy.rows !== api.rows) {
    notes.push(`COPY produced ${copy.rows} rows, the API ${api.rows}: check the export query.`);
  }
  if (!copy) notes.push('psql not found: the COPY baseline of the export was skipped.');
  let flat = '';
  if (s.exportScale) {
    const scaledUrl = withDatabase(
      s.databaseUrl,
      `${databaseName(s.databaseUrl)}_x${s.exportScale}`,
    );
    const cohorts = counts.cohorts * s.exportScale;
    log(
      `Export at ${s.exportScale}x: data set of ${cohorts} cohorts in ${databaseName(scaledUrl)} (kept for reuse)`,
    );
    const generated = await ensureDataset(
      scaledUrl,
      {
        cohorts,
        studentsPerCohort: Math.round(counts.enrolments / counts.cohorts),
        sessionsPerCohort: Math.round(counts.sessions / counts.cohorts),
        seed: 'pod-bench',
        today: new Date(),
      },
      { reuse: true, log },
    );
    log(`  ${generated.reused ? 'reused' : 'generated'} in ${fmt(generated.ms / 1000, 1)} s`);
    const client = new Client({ connectionString: scaledUrl });
    await client.connect();
    let scaledTargets: BenchTargets;
    try {
      scaledTargets = await loadTargets(runner(client), { maxStudents: 10, maxRegisters: 1 });
    } finally {
      await client.end();
    }
    const big = await measureExport(s, scaledUrl, scaledTargets);
    const growth = big.peakRss / api.peakRss;
    flat = `; ${s.exportScale}x: peak ${fmt(big.peakRss)} MB (${fmt(growth, 2)}x)`;
    notes.push(
      `Export at ${s.exportScale}x data: ${fmt(big.rows)} rows in ${fmt(big.ms / 1000, 1)} s, peak RSS ${fmt(big.peakRss)} MB ` +
        `vs ${fmt(api.peakRss)} MB at 1x (${fmt(growth, 2)}x; target ≤ 1.2x: ${growth <= 1.2 ? 'met' : 'missed'}).`,
    );
  }
  rows.push({
    scenario: `CSV export, ${fmt(api.rows)} rows (${fmt(api.bytes / 1048576, 1)} MB)`,
    throughput: `${fmt(rate)} rows/s`,
    p50: fmt(api.ms),
    p99: fmt(api.ms),
    rss: `${fmt(api.peakRss)} (idle ${fmt(api.idleRss)})`,
    baseline: copy
      ? `COPY ${fmt(copy.ms)} ms (${fmt(copy.rows / (copy.ms / 1000))} rows/s)`
      : 'psql missing',
    ratio: ratio === null ? '–' : `${fmt(100 * ratio)}%`,
    cpu: `${fmt(api.cpuMs)} / –`,
    target: `≤ 2x COPY: ${ratio === null ? '–' : ratio >= 0.5 ? 'met' : 'missed'}${flat}`,
  });
  log(
    `  API ${fmt(api.ms)} ms, peak RSS ${fmt(api.peakRss)} MB; COPY ${copy ? fmt(copy.ms) : '–'} ms`,
  );
}

async function certificatesScenario(s: Settings, db: SqlRunner, rows: Row[]): Promise<void> {
  log(
    `Certificates: ${s.certificates} completions through one worker (concurrency ${s.workerConcurrency})`,
  );
  const connection = { url: s.redisUrl, maxRetriesPerRequest: null };
  // Risk checks queued by the register saves would compete with the issue jobs: drop them.
  const notifications = new Queue(QUEUES.notifications, { prefix: s.queuePrefix, connection });
  await notifications.obliterate({ force: true });
  await notifications.close();
  const queue = new Queue<CertificatesJob>(QUEUES.certificates, {
    prefix: s.queuePrefix,
    connection,
  });
  const port = await freePort();
  const env = appEnv(s, s.databaseUrl, port);
  const worker = spawnService('worker', join(s.dist, 'src/worker.js'), [], env, { echo: s.echo });
  try {
    const ids = await prepareCompletions(db, s.certificates);
    // The worker schedules its sweep at boot, just before it starts consuming.
    const deadline = Date.now() + 60_000;
    while (!(await queue.getJobScheduler(CERTIFICATES_SWEEP_SCHEDULER))) {
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      if (Date.now() > deadline) throw new Error(`worker did not start:\n${worker.output()}`);
      await sleep(200);
    }
    await sleep(500);
    const sampler = new RssSampler(worker.pid).start();
    const cpuBefore = cpuMs(worker.pid);
    const started = performance.now();
    await enqueueIssue(queue, ids);
    const done = await waitForIssued(db, ids, started, Math.max(120_000, s.certificates * 200));
    const workerCpu = (cpuMs(worker.pid) ?? NaN) - (cpuBefore ?? NaN);
    const peak = await sampler.stop();
    const times = await issueJobTimes(queue);
    const rate = done.issued / (done.ms / 1000);
    const base = await renderBaseline(db, ids, env.PUBLIC_BASE_URL);
    const baseRate = base.count / (base.ms / 1000);
    const ratio = base.count ? rate / baseRate : null;
    rows.push({
      scenario: `Certificates, ${fmt(done.issued)}/${fmt(ids.length)} issued (1 worker, c=${s.workerConcurrency})`,
      throughput: `${fmt(rate, 1)} certs/s`,
      p50: fmt(percentile(times, 50)),
      p99: fmt(percentile(times, 99)),
      rss: fmt(peak),
      baseline: base.count ? `render loop ${fmt(baseRate, 1)} PDFs/s` : '–',
      ratio: ratio === null ? '–' : `${fmt(100 * ratio)}%`,
      cpu: `${fmt(workerCpu / done.issued, 1)} / ${fmt(base.ms / Math.max(1, base.count), 1)}`,
      target: `≥ 50 certs/s: ${rate >= 50 ? 'met' : 'missed'}`,
    });
    log(
      `  ${fmt(done.issued)} issued in ${fmt(done.ms / 1000, 1)} s; bare render ${fmt(baseRate, 1)}/s`,
    );
  } finally {
    await worker.stop();
    await queue.close();
    await resetCompletions(db);
  }
}

function runner(client: Client): SqlRunner {
  return { query: async (sql, params) => (await client.query(sql, params)).rows };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function table(rows: Row[]): string {
  const header: Row = {
    scenario: 'scenario',
    throughput: 'throughput',
    p50: 'p50 ms',
    p99: 'p99 ms',
    rss: 'peak RSS MB',
    baseline: 'raw baseline',
    ratio: 'ratio',
    cpu: 'Node CPU ms/op (API / raw)',
    target: 'target',
  };
  const keys = Object.keys(header) as Array<keyof Row>;
  const all = [header, ...rows];
  const width = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row) => `| ${keys.map((k) => r[k].padEnd(width(k))).join(' | ')} |`;
  const rule = `| ${keys.map((k) => '-'.repeat(width(k))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

async function serviceVersions(client: Client, redisUrl: string): Promise<string> {
  const { rows } = await client.query<{ v: string }>(
    `SELECT current_setting('server_version') AS v`,
  );
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    return `PostgreSQL ${rows[0].v}, Redis ${redisVersion}`;
  } finally {
    redis.disconnect();
  }
}

async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const args = cliOptions({
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    'register-connections': { type: 'string', default: '1' },
    certificates: { type: 'string', default: '1000' },
    'worker-concurrency': { type: 'string', default: '4' },
    'export-scale': { type: 'string' },
    scenarios: { type: 'string', default: SCENARIOS.join(',') },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    dist: { type: 'string' },
    echo: { type: 'boolean', default: false },
  });
  const scenarios = String(args.scenarios)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const id of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(id)) {
      throw new Error(`Unknown scenario "${id}"; choose from ${SCENARIOS.join(', ')}`);
    }
  }
  const s: Settings = {
    databaseUrl: args['database-url'] ?? process.env.DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL,
    redisUrl: args['redis-url'] ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
    dist: resolve(args.dist ?? join(__dirname, '..')),
    duration: positiveInt(args.duration, 'duration'),
    rounds: positiveInt(args.rounds, 'rounds'),
    warmup: Number(args.warmup) || 0,
    connections: positiveInt(args.connections, 'connections'),
    registerConnections: positiveInt(args['register-connections'], 'register-connections'),
    certificates: positiveInt(args.certificates, 'certificates'),
    workerConcurrency: String(positiveInt(args['worker-concurrency'], 'worker-concurrency')),
    exportScale: args['export-scale'] ? positiveInt(args['export-scale'], 'export-scale') : null,
    scenarios: scenarios as ScenarioId[],
    echo: Boolean(args.echo),
    queuePrefix: `pod-bench-${process.pid}`,
    mailDir: mkdtempSync(join(tmpdir(), 'pod-bench-mail-')),
  };
  // The run rewrites registers and issues certificates: only on a bench or test database.
  assertBenchDatabase(s.databaseUrl);
  stopChildrenOnExit();

  const loadStart = loadavg();
  const client = new Client({
    connectionString: s.databaseUrl,
    application_name: 'pod-bench-runner',
  });
  await client.connect();
  const db = runner(client);
  const rows: Row[] = [];
  const notes: string[] = [];
  let machine: string;
  let dataset: string;
  try {
    const counts = await countDataset(client);
    const targets = await loadTargets(db);
    const cpu = cpus();
    machine =
      `${cpu.length} CPU (${cpu[0]?.model.trim() ?? '?'}), ${fmt(totalmem() / 2 ** 30, 1)} GB RAM ` +
      `(${fmt(freemem() / 2 ** 30, 1)} GB free), Node ${process.version}, ${await serviceVersions(client, s.redisUrl)}`;
    dataset =
      `${fmt(counts.cohorts)} cohorts, ${fmt(counts.enrolments)} enrolments, ${fmt(counts.sessions)} sessions, ` +
      `${fmt(counts.attendanceRecords)} attendance records, ${fmt(counts.assessmentResults)} assessment results`;
    log(`Machine: ${machine}\nData set (${databaseName(s.databaseUrl)}): ${dataset}`);

    const http = s.scenarios.filter(
      (id): id is 'me-progress' | 'cohort-progress' | 'register-save' =>
        id === 'me-progress' || id === 'cohort-progress' || id === 'register-save',
    );
    if (http.length) await httpScenarios(s, targets, rows, http);
    if (s.scenarios.includes('export')) await exportScenario(s, targets, counts, rows, notes);
    if (s.scenarios.includes('certificates')) await certificatesScenario(s, db, rows);
  } finally {
    await stopAll();
    await deleteRedisPrefix(s.redisUrl, s.queuePrefix).catch(() => undefined);
    await client.end();
    rmSync(s.mailDir, { recursive: true, force: true });
  }

  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const report = [
    `Machine: ${machine}`,
    `Load average (1, 5, 15 min): ${load(loadStart)} at start, ${load(loadavg())} at the end`,
    `Data set: ${dataset}`,
    `Run: ${new Date().toISOString()}, ${s.duration} s per HTTP scenario after ${s.warmup} s warm-up`,
    '',
    table(rows),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
  process.stdout.write(`\n${report}`);
  const out = resolve(process.cwd(), 'bench/results/latest.md');
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, `# Latest bench run\n\n${report}`);
  log(`Written to ${out}`);
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
