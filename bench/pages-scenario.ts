import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DEMO_LOGINS, type DemoLogin } from '../src/seed/demo-data';
import { SESSION_COOKIE } from '../src/web/web-cookies';
import { createDatabaseIfMissing } from './bench-env';
import { signToken } from './tokens';

/**
 * The "pages" scenario: every kind of page of the demo data, as the demo admin, tutor and
 * student, each timed at c=1 on the built API in production mode. Issue 13's target: no page
 * over 100 ms of server time at the median. Latency at c=1 on loopback is the server time plus
 * a loopback round trip (well under a millisecond), so it slightly overstates the server time.
 */

/** A page "kind": its path with ids replaced, and its query keys (as the release crawl counts). */
export function pageKind(path: string): string {
  const url = new URL(path, 'http://x');
  const shape = url.pathname
    .split('/')
    .map((part) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(part) ||
      /^\d+$/.test(part) ||
      /^\d{4}-\d{2}-\d{2}$/.test(part)
        ? ':id'
        : part,
    )
    .join('/');
  const keys = [...new Set(url.searchParams.keys())].sort();
  return keys.length ? `${shape}?${keys.join('&')}` : shape;
}

/** The same-origin page links of an HTML page that a crawl may follow (no downloads, no sign-out). */
export function pageLinks(html: string): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const href = match[1].replace(/&amp;/g, '&');
    if (!href.startsWith('/') || href.startsWith('//')) continue;
    const path = href.split('#')[0];
    if (!path || /^\/(assets|api|admin\/queues|sign-out|calendar\/)/.test(path)) continue;
    if (/\.(pdf|csv|xlsx|ics|css|js|png|svg|ico|woff2?)(\?|$)/i.test(path)) continue;
    // downloads without an extension: certificate PDFs, report formats
    if (/\/download(\?|$)|[?&]format=(csv|xlsx|pdf)/.test(path)) continue;
    links.push(path);
  }
  return links;
}

export interface PageTiming {
  role: DemoLogin;
  kind: string;
  path: string;
  medianMs: number;
  maxMs: number;
}

export interface PagesResult {
  timings: PageTiming[];
  /** Pages that answered something other than 200 HTML while crawling. */
  failures: string[];
}

const PER_KIND = 2;
const MAX_PAGES_PER_ROLE = 400;

/**
 * Makes `<bench db>_demo` hold the demo data (migrations, then the demo seed, which does nothing
 * when the data is there), with the built app's own scripts.
 */
export async function ensureDemoDatabase(
  url: string,
  dist: string,
  log: (line: string) => void,
): Promise<void> {
  const created = await createDatabaseIfMissing(url);
  const root = resolve(dist, '..');
  const env = { ...process.env, DATABASE_URL: url, NODE_ENV: 'development' };
  for (const [what, args] of [
    ['migrations', [join(root, 'scripts/migration.js'), 'run']],
    ['demo seed', [join(dist, 'src/seed/seed.js')]],
  ] as const) {
    const run = spawnSync(process.execPath, [...args], { cwd: root, env, encoding: 'utf8' });
    if (run.status !== 0) {
      throw new Error(`${what} on the demo database failed: ${run.stdout}${run.stderr}`.trim());
    }
  }
  // The seed analyses what it wrote; a database seeded by an older tree may not have been.
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('ANALYZE').finally(() => client.end());
  log(`  demo database ${created ? 'created and seeded' : 'ready'}`);
}

/** A session per demo login (as sign-in opens one) and a cookie naming it. */
export async function demoCookies(
  url: string,
  secret: string,
): Promise<Record<DemoLogin, string> & { close: () => Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const cookies = {} as Record<DemoLogin, string>;
  const sessionIds: string[] = [];
  for (const login of Object.keys(DEMO_LOGINS) as DemoLogin[]) {
    const {
      rows: [user],
    } = await client.query<{ id: string; role: 'admin' | 'tutor' | 'student'; student_id: string }>(
      `SELECT id, role, student_id FROM users WHERE email = $1`,
      [DEMO_LOGINS[login].email],
    );
    if (!user) throw new Error(`The demo database has no ${DEMO_LOGINS[login].email}`);
    const sid = randomUUID();
    await client.query(
      `INSERT INTO auth_sessions (id, user_id, kind, expires_at)
       VALUES ($1, $2, 'web', now() + interval '1 day')`,
      [sid, user.id],
    );
    sessionIds.push(sid);
    const token = signToken(secret, {
      sub: user.id,
      sid,
      role: user.role,
      studentId: user.student_id,
    });
    cookies[login] = `${SESSION_COOKIE}=${token}`;
  }
  return {
    ...cookies,
    close: async () => {
      await client.query(`DELETE FROM auth_sessions WHERE id = ANY($1::uuid[])`, [sessionIds]);
      await client.end();
    },
  };
}

async function timedGet(
  base: string,
  path: string,
  cookie: string,
): Promise<{ ms: number; status: number; html: string | null; location: string | null }> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  const body = await response.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const html = (response.headers.get('content-type') ?? '').includes('text/html') ? body : null;
  return { ms, status: response.status, html, location: response.headers.get('location') };
}

/**
 * Crawls from `/` as each role (breadth first, up to PER_KIND pages of each kind), then times
 * each page found: one unrecorded request, then `repeats` in a row; the median and the maximum.
 */
export async function timePages(
  base: string,
  cookies: Record<DemoLogin, string>,
  repeats: number,
): Promise<PagesResult> {
  const timings: PageTiming[] = [];
  const failures: string[] = [];
  for (const role of Object.keys(DEMO_LOGINS) as DemoLogin[]) {
    const cookie = cookies[role];
    const seen = new Set<string>(['/']);
    const perKind = new Map<string, number>();
    const queue = ['/'];
    const pages: string[] = [];
    while (queue.length && pages.length < MAX_PAGES_PER_ROLE) {
      const path = queue.shift() as string;
      const got = await timedGet(base, path, cookie);
      if (got.status >= 300 && got.status < 400) {
        // "/" sends each role to its home page: follow it like a link.
        const to = got.location ? new URL(got.location, base).pathname : null;
        if (to && !seen.has(to) && !/^\/sign-in/.test(to)) {
          seen.add(to);
          queue.push(to);
        } else if (to && /^\/sign-in/.test(to)) {
          failures.push(`${role} ${path}: sent to sign in`);
        }
        continue;
      }
      if (got.status !== 200) {
        failures.push(`${role} ${path}: ${got.status}`);
        continue;
      }
      if (got.html === null) continue; // a download (JSON, PDF, CSV...), not a page

      pages.push(path);
      for (const link of pageLinks(got.html)) {
        if (seen.has(link)) continue;
        seen.add(link);
        const kind = pageKind(link);
        const n = perKind.get(kind) ?? 0;
        if (n >= PER_KIND) continue;
        perKind.set(kind, n + 1);
        queue.push(link);
      }
    }
    for (const path of pages) {
      await timedGet(base, path, cookie);
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) times.push((await timedGet(base, path, cookie)).ms);
      times.sort((a, b) => a - b);
      timings.push({
        role,
        kind: pageKind(path),
        path,
        medianMs: times[Math.floor(times.length / 2)],
        maxMs: times[times.length - 1],
      });
    }
  }
  return { timings, failures };
}
