import 'reflect-metadata';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  CERTIFICATES_SWEEP_SCHEDULER,
  CertificatesJob,
} from '../src/certificates/certificates.queue';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { deleteRedisKeys } from '../test/helpers/redis-keys';
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
import { demoCookies, ensureDemoDatabase, timePages } from './pages-scenario';
import { countDataset, DatasetCounts, ensureDataset, prepareBenchDatabase } from './generate-data';
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
  HTTP_SCENARIOS,
  HttpScenario,
  HttpScenarioId,
  loadTargets,
  meProgressScenario,
  meScenario,
  registerPageSaveScenario,
  registerPageScenario,
  registerReadScenario,
  registerSaveScenario,
  SqlRunner,
} from './scenarios';

/**
 * `npm run bench`: starts the BUILT API (and worker) as child processes against the bench
 * database, loads each hot path for a fixed time with autocannon, runs the same work through
 * the raw baseline, and prints one table (also written to bench/results/latest.md).
 */
const SCENARIOS = [...HTTP_SCENARIOS, 'pages', 'export', 'certificates'] as const;
type ScenarioId = (typeof SCENARIOS)[number];

interface Row {
  scenario: string;
  throughput: string;
  p50: string;
  p99: string;
  baseline: string;
  baseP50: string;
  baseP99: string;
  ratio: string;
  cpu: string;
  rss: string;
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

async function startApi(
  s: Settings,
  databaseUrl: string,
  loopFile?: string,
): Promise<{ api: Service; url: string }> {
  const port = await freePort();
  const env = appEnv(s, databaseUrl, port);
  if (loopFile) {
    // The event loop's delays, read per scenario (bench/loop-monitor.ts).
    env.NODE_OPTIONS = `--require ${join(s.dist, 'bench/loop-monitor.js')}`;
    env.BENCH_LOOP_FILE = loopFile;
  }
  // e.g. BENCH_API_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the API.
  const nodeArgs = process.env.BENCH_API_NODE_ARGS?.split(/\s+/).filter(Boolean);
  const api = spawnService('api', join(s.dist, 'src/main.js'), [], env, { echo: s.echo, nodeArgs });
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
  // A page's form is answered with a redirect (303): that is its success.
  const okStatus = (status: number) =>
    status >= 200 && status < (scenario.id === 'register-page-save' ? 400 : 300);
  let ok = 0;
  let refused = 0;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (okStatus(status)) {
      ok++;
      latencies.push(ms);
    } else refused++;
  });
  const result = await new Promise<autocannon.Result>((resolveResult) =>
    instance.once('done', resolveResult),
  );
  return {
    ok,
    failed: refused + result.errors + result.timeouts,
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

/** What each HTTP path is held to (issue 13), from the API's and the baseline's figures. */
function httpTarget(
  id: HttpScenarioId,
  api: { rate: number; p50: number | null; p99: number | null },
  base: { p99: number | null },
  ratio: number | null,
  loopMax: number | null,
): string {
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lt = (a: number | null, b: number | null) => a !== null && b !== null && a < b;
  switch (id) {
    case 'me-progress':
      return `≥ 0.6x, p99 ≤ 2x raw: ${verdict(ratio !== null && ratio >= 0.6 && lt(api.p99, 2 * (base.p99 ?? 0) + 1e-9))}`;
    case 'me':
      return `≥ 0.5x: ${verdict(ratio !== null && ratio >= 0.5)}`;
    case 'cohort-progress':
      return `≥ 300 req/s, p99 < 250 ms: ${verdict(api.rate >= 300 && lt(api.p99, 250))}`;
    case 'register-save':
      return `p50 < 10 ms: ${verdict(lt(api.p50, 10))}`;
    case 'register-read':
      return '–';
    case 'register-page':
    case 'register-page-save':
      return `p50 < 60 ms, loop max ${fmt(loopMax, 0)} ms < 50: ${verdict(lt(api.p50, 60) && lt(loopMax, 50))}`;
  }
}

/** The longest event-loop delay the API reported between two instants (bench/loop-monitor.ts). */
async function loopMax(file: string, from: number, to: number): Promise<number | null> {
  await sleep(300);
  let max: number | null = null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [at, ms] = line.split(' ').map(Number);
    // each line covers the quarter second before it
    if (at > from && at <= to + 250) max = Math.max(max ?? 0, ms);
  }
  return max;
}

function scenarioFor(id: HttpScenarioId, targets: BenchTargets, s: Settings): HttpScenario {
  const c = s.connections;
  const one = s.registerConnections;
  switch (id) {
    case 'me':
      return meScenario(targets, BENCH_JWT_SECRET, c);
    case 'me-progress':
      return meProgressScenario(targets, BENCH_JWT_SECRET, c);
    case 'cohort-progress':
      return cohortProgressScenario(targets, BENCH_JWT_SECRET, c);
    case 'register-read':
      return registerReadScenario(targets, BENCH_JWT_SECRET, one);
    case 'register-save':
      return registerSaveScenario(targets, BENCH_JWT_SECRET, one);
    case 'register-page':
      return registerPageScenario(targets, BENCH_JWT_SECRET, one);
    case 'register-page-save':
      return registerPageSaveScenario(targets, BENCH_JWT_SECRET, one);
  }
}

/** Pages have no bare twin: their targets are absolute. */
const NO_BASELINE: readonly HttpScenarioId[] = ['register-page', 'register-page-save'];

/**
 * The API and the baseline take turns, in `rounds` slices of the duration (B-A, A-B, ...), so a
 * change of load on a shared machine falls on both alike. The ratio is taken per pair of
 * adjacent slices and the median of the pairs reported; latencies are pooled over the slices.
 */
async function httpScenarios(
  s: Settings,
  targets: BenchTargets,
  rows: Row[],
  ids: HttpScenarioId[],
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
  const loopFile = join(s.mailDir, 'event-loop.json');
  const { api, url } = await startApi(s, s.databaseUrl, loopFile);
  await waitForHttp(`${baseUrl}/health/live`, baseline);
  const slice = Math.max(1, Math.round(s.duration / s.rounds));
  try {
    for (const id of ids) {
      const scenario = scenarioFor(id, targets, s);
      const withBaseline = !NO_BASELINE.includes(id);
      log(
        `${scenario.title}: ${scenario.connections} connections, warm-up ${s.warmup} s, ` +
          `then ${s.rounds} x ${slice} s each${withBaseline ? ', taking turns with the baseline' : ''}`,
      );
      if (s.warmup > 0) {
        if (withBaseline) await load(baseUrl, scenario, s.warmup, scenario.connections);
        await load(url, scenario, s.warmup, scenario.connections);
      }
      const apiRuns: LoadResult[] = [];
      const baseRuns: LoadResult[] = [];
      let peak = 0;
      let loopWorst: number | null = null;
      const cpu = { api: 0, base: 0 };
      const runApi = async () => {
        const sampler = new RssSampler(api.pid).start();
        const before = cpuMs(api.pid);
        const from = Date.now();
        apiRuns.push(await load(url, scenario, slice, scenario.connections));
        const to = Date.now();
        cpu.api += (cpuMs(api.pid) ?? NaN) - (before ?? NaN);
        peak = Math.max(peak, await sampler.stop());
        const worst = await loopMax(loopFile, from, to);
        if (worst !== null) loopWorst = Math.max(loopWorst ?? 0, worst);
      };
      const runBase = async () => {
        if (!withBaseline) return;
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
      const pairs = apiRuns
        .map((a, i) =>
          baseRuns[i] ? a.ok / a.seconds / (baseRuns[i].ok / baseRuns[i].seconds) : NaN,
        )
        .filter((r) => Number.isFinite(r))
        .sort((a, b) => a - b);
      const ratio = pairs.length ? pairs[Math.floor((pairs.length - 1) / 2)] : null;
      const p50 = percentile(res.latencies, 50);
      const p99 = percentile(res.latencies, 99);
      const baseP99 = percentile(base.latencies, 99);
      const loop = loopWorst;
      rows.push({
        scenario: `${scenario.title} (c=${scenario.connections})${res.failed ? ` ⚠ ${res.failed} failed` : ''}`,
        throughput: `${fmt(res.rate)} req/s`,
        p50: fmt(p50, 1),
        p99: fmt(p99, 1),
        baseline: withBaseline ? `${fmt(base.rate)} req/s` : '–',
        baseP50: withBaseline ? fmt(percentile(base.latencies, 50), 1) : '–',
        baseP99: withBaseline ? fmt(baseP99, 1) : '–',
        ratio: ratio === null ? '–' : `${fmt(ratio, 2)}x`,
        cpu: `${fmt(cpu.api / res.ok, 2)} / ${withBaseline ? fmt(cpu.base / base.ok, 2) : '–'}`,
        rss: fmt(peak),
        target: httpTarget(id, { rate: res.rate, p50, p99 }, { p99: baseP99 }, ratio, loop),
      });
      log(
        `  API ${fmt(res.rate)} req/s p50 ${fmt(p50, 1)} p99 ${fmt(p99, 1)} ms; ` +
          `raw ${fmt(base.rate)} req/s p99 ${fmt(baseP99, 1)} ms; ratio ${fmt(ratio, 2)}; loop max ${fmt(loop, 1)} ms`,
      );
    }
  } finally {
    await api.stop();
    await baseline.stop();
  }
}

const PAGE_LIMIT_MS = 100;

/**
 * Every kind of page of the demo data (`<bench db>_demo`, seeded by the app's own seed), as the
 * demo admin, tutor and student, on the built API: the median of 9 requests at c=1 per page.
 */
async function pagesScenario(s: Settings, rows: Row[], notes: string[]): Promise<void> {
  const demoUrl = withDatabase(s.databaseUrl, `${databaseName(s.databaseUrl)}_demo`);
  log(`Pages of the demo data (${databaseName(demoUrl)}), as admin, tutor and student, c=1`);
  await ensureDemoDatabase(demoUrl, s.dist, log);
  const cookies = await demoCookies(demoUrl, BENCH_JWT_SECRET);
  const loopFile = join(s.mailDir, 'pages-event-loop.json');
  const { api, url } = await startApi(s, demoUrl, loopFile);
  try {
    const from = Date.now();
    const sampler = new RssSampler(api.pid).start();
    const { timings, failures } = await timePages(url, cookies, 9);
    const peak = await sampler.stop();
    const loop = await loopMax(loopFile, from, Date.now());
    for (const f of failures) notes.push(`pages: ${f}`);
    for (const role of ['admin', 'tutor', 'student'] as const) {
      const mine = timings.filter((t) => t.role === role).sort((a, b) => b.medianMs - a.medianMs);
      if (!mine.length) continue;
      const kinds = new Set(mine.map((t) => t.kind)).size;
      const worst = mine[0];
      const medians = mine.map((t) => t.medianMs).sort((a, b) => a - b);
      rows.push({
        scenario: `demo pages as ${role}: ${mine.length} pages, ${kinds} kinds (c=1)`,
        throughput: '–',
        p50: fmt(percentile(medians, 50), 1),
        p99: fmt(worst.medianMs, 1),
        baseline: '–',
        baseP50: '–',
        baseP99: '–',
        ratio: '–',
        cpu: '–',
        rss: fmt(peak),
        target:
          `slowest page's median < ${PAGE_LIMIT_MS} ms (${worst.kind}), loop max ${fmt(loop)} ms: ` +
          (worst.medianMs < PAGE_LIMIT_MS && failures.length === 0 ? 'met' : 'NOT met'),
      });
      notes.push(
        `Slowest demo pages as ${role} (median / max ms): ` +
          mine
            .slice(0, 5)
            .map((t) => `${t.path} ${fmt(t.medianMs, 1)} / ${fmt(t.maxMs, 1)}`)
            .join('; '),
      );
      log(
        `  ${role}: ${mine.length} pages; slowest median ${fmt(worst.medianMs, 1)} ms (${worst.path})`,
      );
    }
  } finally {
    await api.stop();
    await cookies.close();
  }
}

/** One export on a fresh API process, its RSS sampled every 50 ms. */
async function measureExport(
  s: Settings,
  databaseUrl: string,
  targets: BenchTargets,
  format: 'csv' | 'xlsx',
): Promise<ExportMeasure & { peakRss: number; idleRss: number; cpuMs: number }> {
  const { api, url } = await startApi(s, databaseUrl);
  try {
    const whole = exportRequest(targets, BENCH_JWT_SECRET, format);
    // Warm the code path (JIT, pool, prepared plans) on a one-cohort export first.
    await downloadExport(url, {
      ...whole,
      path: `/api/v1/reports/accreditation?cohortId=${targets.cohortIds[0]}&format=${format}`,
    });
    await sleep(500);
    const idle = new RssSampler(api.pid).start();
    const idleRss = await idle.stop();
    const sampler = new RssSampler(api.pid).start();
    const before = cpuMs(api.pid);
    const result = await downloadExport(url, whole);
    const cpu = (cpuMs(api.pid) ?? NaN) - (before ?? NaN);
    const peakRss = await sampler.stop();
    if (result.status !== 200) throw new Error(`export answered ${result.status}`);
    return { ...result, peakRss, idleRss, cpuMs: cpu };
  } finally {
    await api.stop();
  }
}

/** Export targets: time against COPY of the same query (taken just before), memory at 10x. */
const EXPORT_LIMIT = { csv: 1.3, xlsx: 2.5 } as const;

async function exportScenario(
  s: Settings,
  targets: BenchTargets,
  counts: DatasetCounts,
  rows: Row[],
  notes: string[],
): Promise<void> {
  const peaks: Partial<Record<'csv' | 'xlsx', number>> = {};
  for (const format of ['csv', 'xlsx'] as const) {
    log(
      `${format.toUpperCase()} export of ${targets.cohortIds.length} cohorts (fresh API process)`,
    );
    const copy = await copyBaseline(s.databaseUrl, targets.cohortIds);
    const api = await measureExport(s, s.databaseUrl, targets, format);
    peaks[format] = api.peakRss;
    if (!copy) notes.push('psql not found: the COPY baseline of the export was skipped.');
    if (copy && format === 'csv' && copy.rows !== api.rows) {
      notes.push(`COPY produced ${copy.rows} rows, the API ${api.rows}: check the export query.`);
    }
    const ratio = copy ? api.ms / copy.ms : null;
    rows.push({
      scenario: `${format.toUpperCase()} export, ${fmt(format === 'csv' ? api.rows : copy?.rows)} rows (${fmt(api.bytes / 1048576, 1)} MB)`,
      throughput: `${fmt((copy?.rows ?? api.rows) / (api.ms / 1000))} rows/s`,
      p50: fmt(api.ms),
      p99: '–',
      baseline: copy ? `COPY ${fmt(copy.rows / (copy.ms / 1000))} rows/s` : 'psql missing',
      baseP50: copy ? fmt(copy.ms) : '–',
      baseP99: '–',
      ratio: ratio === null ? '–' : `${fmt(ratio, 2)}x time`,
      cpu: `${fmt(api.cpuMs)} / –`,
      rss: `${fmt(api.peakRss)} (idle ${fmt(api.idleRss)})`,
      target: `≤ ${EXPORT_LIMIT[format]}x COPY: ${ratio !== null && ratio <= EXPORT_LIMIT[format] ? 'met' : 'NOT met'}`,
    });
    log(
      `  API ${fmt(api.ms)} ms, peak RSS ${fmt(api.peakRss)} MB; COPY ${copy ? fmt(copy.ms) : '–'} ms`,
    );
  }
  if (!s.exportScale) return;
  const scaledUrl = withDatabase(s.databaseUrl, `${databaseName(s.databaseUrl)}_x${s.exportScale}`);
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
  for (const format of ['csv', 'xlsx'] as const) {
    const copy = await copyBaseline(scaledUrl, scaledTargets.cohortIds);
    const big = await measureExport(s, scaledUrl, scaledTargets, format);
    const growth = big.peakRss / (peaks[format] ?? NaN);
    notes.push(
      `${format.toUpperCase()} export at ${s.exportScale}x data: ${fmt(copy?.rows)} rows in ${fmt(big.ms / 1000, 1)} s ` +
        `(COPY ${copy ? fmt(copy.ms / 1000, 1) : '–'} s, ${copy ? fmt(big.ms / copy.ms, 2) : '–'}x), peak RSS ${fmt(big.peakRss)} MB ` +
        `vs ${fmt(peaks[format])} MB at 1x (${fmt(growth, 2)}x; target ≤ 1.1x: ${growth <= 1.1 ? 'met' : 'NOT met'}).`,
    );
  }
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
      baseP50: '–',
      baseP99: '–',
      ratio: ratio === null ? '–' : `${fmt(ratio, 2)}x`,
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
    scenario: 'path',
    throughput: 'API',
    p50: 'API p50 ms',
    p99: 'API p99 ms',
    baseline: 'baseline',
    baseP50: 'base p50 ms',
    baseP99: 'base p99 ms',
    ratio: 'API / baseline',
    cpu: 'Node CPU ms/op (API / base)',
    rss: 'API peak RSS MB',
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
  // A data set generated by an older tree lacks the newer migrations' tables (every register
  // save then fails): bring its schema up to date first, as a deployment would.
  await prepareBenchDatabase(s.databaseUrl);

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

    const http = s.scenarios.filter((id): id is HttpScenarioId =>
      (HTTP_SCENARIOS as readonly string[]).includes(id),
    );
    // A failing group is noted and the run goes on: the table keeps what was measured.
    const attempt = async (what: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (error) {
        log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        notes.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (http.length) await attempt('HTTP scenarios', () => httpScenarios(s, targets, rows, http));
    if (s.scenarios.includes('pages')) {
      await attempt('Pages', () => pagesScenario(s, rows, notes));
    }
    if (s.scenarios.includes('export')) {
      await attempt('Export', () => exportScenario(s, targets, counts, rows, notes));
    }
    if (s.scenarios.includes('certificates')) {
      await attempt('Certificates', () => certificatesScenario(s, db, rows));
    }
  } finally {
    await stopAll();
    await deleteRedisKeys(s.redisUrl, [`${s.queuePrefix}:*`]).catch(() => undefined);
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
