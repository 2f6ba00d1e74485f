/**
 * The release check: what users run, from a fresh clone of the committed tree, never from the
 * sources. Run by .ci/run (`npm run release-check`). It
 *
 * 1. clones HEAD into a folder of its own and runs `npm ci` there, as a new user would;
 * 2. runs `npm start` in that clone (its own .data/, embedded PostgreSQL): waits for ready,
 *    renders the sign-in page, signs in through the form with each demo login the start printed,
 *    then sends Ctrl-C (SIGINT to the process group) and checks that no process is left behind;
 * 3. repeats the Dockerfile's steps (`npm run build`, `npm prune --omit=dev`), applies the
 *    migrations with the shipped `node scripts/migration.js run`, seeds the demo data, and starts
 *    `NODE_ENV=production node dist/src/main.js` and `node dist/src/worker.js` against the real
 *    PostgreSQL and Redis with an SMTP server catching the mail;
 * 4. has the worker issue certificates (completion of the demo's cohort 4 through the API), and
 *    opens the verification link printed in a certificate's PDF: it must render 200 and "valid";
 * 5. crawls the pages in headless Chromium as administrator, tutor and student: every link of
 *    every page reachable from the home page and the navigation, submitting no form, and fails on
 *    any 4xx or 5xx.
 *
 * Usage: node --require ./test/helpers/swc-register.js test/release/release-check.ts
 * Env: RELEASE_CHECK_DIR (default: a new temporary folder), KEEP=1 keeps it.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/chromium';
import { deleteRedisKeys } from '../helpers/redis-keys';
import { startMailServer } from '../helpers/mail-server';
import { pdfText } from '../helpers/pdf-text';

const REPO = resolve(__dirname, '..', '..');
const PG_ADMIN_URL = process.env.RELEASE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.RELEASE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CRAWL_LIMIT = 3000;
/**
 * Links of one kind (the same path but for ids, the same query keys) followed per role: every
 * kind of page is reached, and a demo cohort's 70 students or 40 registers do not make the crawl
 * grow with the data.
 */
const PER_KIND = 12;

function kindOf(path: string): string {
  const [pathname, query = ''] = path.split('?');
  const keys = [...new URLSearchParams(query).keys()].sort().join('&');
  const shape = pathname
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')
    .replace(/\/verify\/[2-9A-Z-]{14,}/g, '/verify/:code');
  return `${shape}${keys ? `?${keys}` : ''}`;
}
const started = Date.now();

/** The BullMQ prefixes this run gave the apps it started, so their Redis keys go at the end. */
const queuePrefixes: string[] = [];
function newQueuePrefix(): string {
  const prefix = `pod-release-${randomBytes(3).toString('hex')}`;
  queuePrefixes.push(prefix);
  return prefix;
}

const say = (s: string) =>
  process.stdout.write(`[release ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}\n`);

class CheckFailed extends Error {}
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const t0 = Date.now();
  try {
    execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new CheckFailed(
      `\`${cmd} ${args.join(' ')}\` failed in ${cwd}:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`,
    );
  }
  say(`${cmd} ${args.join(' ')}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  output: () => string;
}

function start(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Proc {
  // Its own process group, so that a Ctrl-C can go to the whole group as a terminal sends it.
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined> | T | undefined,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new CheckFailed(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function ready(base: string, proc: Proc, ms: number) {
  await waitFor(`${base}/health/ready`, ms, async () => {
    if (proc.child.exitCode !== null) {
      throw new CheckFailed(`exited with ${proc.child.exitCode} before ready:\n${proc.output()}`);
    }
    const res = await fetch(`${base}/health/ready`);
    return res.status === 200 ? true : undefined;
  }).catch((error: unknown) => {
    throw error instanceof CheckFailed && proc.child.exitCode !== null
      ? error
      : new CheckFailed(`${(error as Error).message}\n${proc.output()}`);
  });
}

/** Signals the process group and resolves with how the process ended. */
function stopGroup(
  proc: Proc,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res) => {
    const { child } = proc;
    if (child.exitCode !== null || child.signalCode !== null) {
      return res({ code: child.exitCode, signal: child.signalCode });
    }
    child.once('exit', (code, sig) => res({ code, signal: sig }));
    try {
      process.kill(-child.pid!, signal);
    } catch {
      res({ code: child.exitCode, signal: child.signalCode });
    }
  });
}

/** Processes whose command line mentions the folder (the app, embedded postgres, redis-server). */
function processesUnder(folder: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(folder) && !line.includes('ps -eo'))
    .map((l) => l.trim());
}

async function signInThroughForm(context: BrowserContext, base: string, email: string, pw: string) {
  const page = await context.newPage();
  const res = await page.goto(`${base}/sign-in`);
  check(res?.status() === 200, `GET /sign-in answered ${res?.status()}`);
  await page.fill('#email', email);
  await page.fill('#password', pw);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  await page.waitForLoadState('load');
  const url = new URL(page.url());
  check(
    url.pathname !== '/sign-in',
    `signing in as ${email} stayed on the sign-in page: ${(await page.textContent('main'))?.slice(0, 300)}`,
  );
  await page.close();
}

/**
 * Every link of every page reachable from the home page, as one signed-in user, opened in
 * Chromium by a few tabs at once (each page's links are read from its DOM, so the navigation and
 * every in-page link count). A link the browser downloads instead of showing (CSV, XLSX, PDF) is
 * fetched with the same cookies for its status. No form is ever submitted.
 */
async function crawl(context: BrowserContext, base: string, label: string) {
  const origin = new URL(base).origin;
  const seen = new Set<string>(['/']);
  const perKind = new Map<string, number>();
  const queue = ['/'];
  const visited: Array<{ path: string; status: number; type: string }> = [];
  const failures: string[] = [];
  const enqueue = (href: string, from: string) => {
    const u = new URL(href, `${base}${from}`);
    // The API documentation is for developers, not a page of the product's navigation.
    if (u.origin !== origin || u.pathname.startsWith('/docs')) return;
    const next = `${u.pathname}${u.search}`;
    if (seen.has(next)) return;
    seen.add(next);
    const kind = kindOf(next);
    const n = perKind.get(kind) ?? 0;
    if (n >= PER_KIND) return;
    perKind.set(kind, n + 1);
    queue.push(next);
  };
  const visit = async (tab: Page, path: string) => {
    const response = await tab
      .goto(`${base}${path}`, { waitUntil: 'domcontentloaded' })
      .catch(() => null);
    let status: number;
    let type: string;
    if (response) {
      status = response.status();
      type = (response.headers()['content-type'] ?? '').split(';')[0];
    } else {
      const res = await context.request.get(`${base}${path}`);
      status = res.status();
      type = (res.headers()['content-type'] ?? '').split(';')[0];
    }
    visited.push({ path, status, type });
    if (status >= 400) return failures.push(`${status} ${path}`);
    if (!response || type !== 'text/html') return;
    check(
      new URL(tab.url()).pathname !== '/sign-in',
      `${label}: ${path} sent a signed-in user to the sign-in page`,
    );
    const hrefs = await tab.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const href of hrefs) if (!href.startsWith('#')) enqueue(href, path);
  };
  const tabs = await Promise.all([1, 2, 3, 4].map(() => context.newPage()));
  let busy = 0;
  await Promise.all(
    tabs.map(async (tab) => {
      for (;;) {
        const path = queue.shift();
        if (path === undefined) {
          if (busy === 0) return;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        if (visited.length >= CRAWL_LIMIT) return;
        busy++;
        try {
          await visit(tab, path);
        } finally {
          busy--;
        }
      }
    }),
  );
  await Promise.all(tabs.map((tab) => tab.close()));
  check(visited.length < CRAWL_LIMIT, `${label}: crawl hit its limit of ${CRAWL_LIMIT} pages`);
  return { visited, failures };
}

/** `npm start` as the README says, in the clone with its own .data/: ready, sign-in, Ctrl-C. */
async function checkNpmStart(app: string, browser: Browser, procs: Proc[]): Promise<void> {
  // npm start, as the README says, with its own .data/.
  const startPort = await freePort();
  const startBase = `http://localhost:${startPort}`;
  const embedded = start('npm', ['start'], app, {
    ...cleanEnv(),
    PORT: String(startPort),
    QUEUE_PREFIX: newQueuePrefix(),
  });
  procs.push(embedded);
  const t0 = Date.now();
  await ready(startBase, embedded, 240_000);
  say(
    `npm start: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (build, embedded PostgreSQL, migrations, demo seed)`,
  );
  const logins = [...embedded.output().matchAll(/^\[pod\] (\w+) login: (\S+) \/ (\S+)$/gm)].map(
    (m) => ({ role: m[1], email: m[2], password: m[3] }),
  );
  check(
    logins.length === 3,
    `npm start printed ${logins.length} demo logins:\n${embedded.output()}`,
  );
  for (const login of logins) {
    const context = await browser.newContext();
    await signInThroughForm(context, startBase, login.email, login.password);
    await context.close();
    say(`npm start: ${login.role} signed in through the form as ${login.email}`);
  }
  const t2 = Date.now();
  const ended = await stopGroup(embedded, 'SIGINT');
  // npm re-raises the signal once its script has exited, as after a Ctrl-C in a terminal.
  check(
    ended.code === 0 || ended.signal === 'SIGINT',
    `npm start ended with ${JSON.stringify(ended)} after Ctrl-C:\n${embedded.output()}`,
  );
  check(
    /\[pod\] Stopped\./.test(embedded.output()),
    `npm start did not stop cleanly:\n${embedded.output()}`,
  );
  say(`npm start: Ctrl-C took ${((Date.now() - t2) / 1000).toFixed(1)} s`);
  const left = await waitFor('the local run to leave no process', 15_000, () => {
    const list = processesUnder(app);
    return list.length === 0 ? list : undefined;
  }).catch(() => processesUnder(app));
  check(left.length === 0, `processes left after Ctrl-C:\n${left.join('\n')}`);
  say('npm start: Ctrl-C stopped everything it started');
}

async function main() {
  const workRoot = process.env.RELEASE_CHECK_DIR ?? mkdtempSync(join(tmpdir(), 'pod-release-'));
  mkdirSync(workRoot, { recursive: true });
  // The postgres system user runs the embedded cluster as root: let it enter the folder.
  chmodSync(workRoot, 0o755);
  const app = join(workRoot, 'app');
  // RELEASE_REUSE=1 (for developers iterating on this script) keeps a clone that an earlier run
  // left built and pruned in RELEASE_CHECK_DIR, and runs only the production part.
  const reuse = process.env.RELEASE_REUSE === '1';
  if (!reuse) rmSync(app, { recursive: true, force: true });
  const procs: Proc[] = [];
  const databases: string[] = [];
  let browser: Browser | undefined;
  const mail = await startMailServer();
  try {
    browser = await launchBrowser();
    if (!reuse) {
      say(
        `fresh clone of ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim()} in ${app}`,
      );
      run('git', ['clone', '--quiet', REPO, app], workRoot);
      run('npm', ['ci', '--no-audit', '--no-fund'], app);
      await checkNpmStart(app, browser, procs);
      // The Dockerfile's steps.
      run('npm', ['run', 'build'], app);
      run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], app);
    }

    // The built app in production mode.
    const dbName = `pod_release_check_test_${process.pid}`;
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    databases.push(dbName);
    const dbUrl = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${dbName}` }).toString();
    const apiPort = await freePort();
    const base = `http://localhost:${apiPort}`;
    const prodEnv = {
      ...cleanEnv(),
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      REDIS_URL,
      QUEUE_PREFIX: newQueuePrefix(),
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      JWT_SECRET: randomBytes(48).toString('base64url'),
      PUBLIC_BASE_URL: base,
      SMTP_URL: mail.url,
      MAIL_FROM: 'POD Cohorts <no-reply@pod.example>',
      LOG_LEVEL: 'warn',
    };
    run('node', ['scripts/migration.js', 'run'], app, prodEnv);
    // The demo seed refuses production by design; it is a development tool run before the start.
    run('node', ['dist/src/seed/seed.js'], app, { ...prodEnv, NODE_ENV: 'development' });
    const api = start('node', ['dist/src/main.js'], app, prodEnv);
    const worker = start('node', ['dist/src/worker.js'], app, prodEnv);
    procs.push(api, worker);
    await ready(base, api, 60_000);
    say('production: API ready');

    // Certificates issued by the worker, and the QR link of one.
    const token = await apiLogin(base, 'admin@pod.example', 'demo-admin-password');
    const cohorts = (await apiGet(base, token, '/api/v1/cohorts?limit=100')) as {
      items: Array<{ id: string; number: number }>;
    };
    const cohort4 = cohorts.items.find((c) => c.number === 4);
    check(cohort4, 'the demo seed has no cohort 4');
    const evaluated = await fetch(`${base}/api/v1/cohorts/${cohort4.id}/completion/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    check(
      evaluated.status === 200,
      `evaluating cohort 4 answered ${evaluated.status}: ${await evaluated.text()}`,
    );
    const issued = await waitFor('the worker to issue a certificate', 120_000, async () => {
      const list = (await apiGet(
        base,
        token,
        `/api/v1/certificates?cohortId=${cohort4.id}&status=issued`,
      )) as { items: Array<{ id: string; verificationCode: string }> };
      return list.items[0];
    });
    const pdf = await fetch(`${base}/api/v1/certificates/${issued.id}/pdf`, {
      headers: { authorization: `Bearer ${token}` },
    });
    check(pdf.status === 200, `certificate PDF answered ${pdf.status}`);
    const text = (await pdfText(Buffer.from(await pdf.arrayBuffer()))).replace(/\s+/g, '');
    // The PDF prints the address its QR code holds: the base URL and the code in groups of 4.
    const link = new RegExp(`${base}/verify/[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}`).exec(
      text,
    )?.[0];
    check(link, `no verification link in the certificate's PDF text: ${text.slice(0, 400)}`);
    check(
      link.endsWith(issued.verificationCode) ||
        link.replace(/-/g, '').endsWith(issued.verificationCode.replace(/-/g, '')),
      `the PDF's link ${link} is not certificate ${issued.verificationCode}'s`,
    );
    const verifyContext = await browser.newContext();
    const verifyPage = await verifyContext.newPage();
    const verified = await verifyPage.goto(link);
    check(
      verified?.status() === 200,
      `the certificate's QR link ${link} answered ${verified?.status()}`,
    );
    check(
      /valid/i.test((await verifyPage.textContent('main')) ?? ''),
      `${link} does not say valid`,
    );
    await verifyContext.close();
    say(
      `production: the worker issued certificates; the PDF's link ${link.replace(base, '')} renders 200 and valid`,
    );

    // The crawl, as each role.
    const report: string[] = [];
    let failures = 0;
    for (const who of [
      { role: 'admin', email: 'admin@pod.example', password: 'demo-admin-password' },
      { role: 'tutor', email: 'tutor@pod.example', password: 'demo-tutor-password' },
      { role: 'student', email: 'student@pod.example', password: 'demo-student-password' },
    ]) {
      const context = await browser.newContext();
      await signInThroughForm(context, base, who.email, who.password);
      const t1 = Date.now();
      const result = await crawl(context, base, who.role);
      await context.close();
      failures += result.failures.length;
      say(
        `crawl as ${who.role}: ${result.visited.length} links in ${((Date.now() - t1) / 1000).toFixed(1)} s, ${result.failures.length} failed`,
      );
      for (const f of result.failures) say(`  FAILED ${f}`);
      const kinds = new Map<string, number>();
      for (const v of result.visited) {
        const kind = kindOf(v.path);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      const kindLines = [...kinds]
        .sort()
        .map(([kind, n]) => `  ${String(n).padStart(4)} × ${kind}`);
      // The kinds of page each role reached, in CI's log too (the full list is in crawl.txt).
      say(`crawl as ${who.role}: ${kinds.size} kinds of page\n${kindLines.join('\n')}`);
      report.push(
        `# ${who.role}: ${result.visited.length} links, ${kinds.size} kinds of page`,
        ...kindLines,
        ...result.visited
          .sort((x, y) => x.path.localeCompare(y.path))
          .map((v) => `${v.status} ${v.type} ${v.path}`),
        '',
      );
    }
    const reportFile = join(workRoot, 'crawl.txt');
    writeFileSync(reportFile, report.join('\n'));
    say(`crawl: every page and status in ${reportFile}`);
    check(failures === 0, `${failures} crawled link(s) answered 4xx or 5xx`);
    for (const p of [api, worker]) {
      const exit = await stopGroup(p, 'SIGTERM');
      check(
        exit.code === 0 || exit.signal === 'SIGTERM',
        `a production process ended with ${JSON.stringify(exit)} on SIGTERM:\n${p.output()}`,
      );
    }
    say(`release check passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await browser?.close();
    for (const p of procs) await stopGroup(p, 'SIGKILL');
    await mail.close();
    await deleteRedisKeys(
      REDIS_URL,
      queuePrefixes.map((prefix) => `${prefix}:*`),
    ).catch((error: Error) => say(`could not delete this run's Redis keys: ${error.message}`));
    if (databases.length) {
      const admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      for (const name of databases)
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
    if (!process.env.KEEP && !process.env.RELEASE_CHECK_DIR) {
      rmSync(workRoot, { recursive: true, force: true });
    }
  }
}

/** The environment a user's shell would have: none of this process's settings for the app. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, TMPDIR } = process.env;
  return Object.fromEntries(
    Object.entries({ PATH, HOME, LANG, TMPDIR }).filter(([, v]) => v !== undefined),
  );
}

async function apiLogin(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  check(res.status === 200, `API login as ${email} answered ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function apiGet(base: string, token: string, path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  check(res.status === 200, `GET ${path} answered ${res.status}`);
  return res.json();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    say(
      `FAILED: ${error instanceof CheckFailed ? error.message : ((error as Error).stack ?? String(error))}`,
    );
    process.exit(1);
  },
);
