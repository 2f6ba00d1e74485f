import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { startApi, startWorker } from './bootstrap';
import { exitOnConfigError, loadConfig } from './infrastructure/config/app-config';
import { buildDataSourceOptions } from './infrastructure/database/database-options';
import {
  findOrStartRedis,
  localSecret,
  EmbeddedPostgresUnreachableError,
  RedisUnavailableError,
  startEmbeddedPostgres,
  Stoppable,
} from './infrastructure/embedded/embedded-services';
import { isLoopbackHost, loginsWithDemoPasswords } from './auth/demo-exposure';
import { DEMO_LOGINS, seedIfEmpty } from './seed/seed';

/**
 * `npm start`: the whole system on one machine with no setup. With no DATABASE_URL it runs an
 * embedded PostgreSQL in .data/; with no REDIS_URL it uses 127.0.0.1:6379 or starts
 * redis-server. It owns its database, so it applies migrations and the demo seed, then hosts
 * the API and the worker in one process. Ctrl-C stops everything it started.
 */
async function main() {
  const log = (s: string) => process.stdout.write(`[pod] ${s}\n`);
  const env = process.env;
  if (env.NODE_ENV === 'production') {
    log(
      'npm start is the local embedded mode. In production run `npm run migration:run`, then `npm run start:api` and `npm run start:worker`.',
    );
    process.exit(1);
  }
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const started: Stoppable[] = [];
  const apps: INestApplicationContext[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('Stopping...');
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const t0 = Date.now();
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(dataDir, log);
      started.push(pg);
      databaseUrl = pg.url;
      log(`Embedded PostgreSQL ready (${pg.url.replace(/:[^:@/]+@/, ':***@')})`);
    }
    let redisUrl = env.REDIS_URL;
    if (!redisUrl) {
      const redis = await findOrStartRedis(dataDir, log);
      started.push(redis);
      redisUrl = redis.url;
    }
    const port = env.PORT ?? '3000';
    const config = loadConfig({
      ...env,
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PORT: port,
      // This machine only, unless HOST says otherwise (and then no demo password may open it).
      HOST: env.HOST ?? '127.0.0.1',
      JWT_SECRET: env.JWT_SECRET ?? localSecret(dataDir),
      PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
      ADMIN_EMAIL: env.ADMIN_EMAIL ?? DEMO_LOGINS.admin.email,
      ADMIN_PASSWORD: env.ADMIN_PASSWORD ?? DEMO_LOGINS.admin.password,
      MAIL_DIR: env.SMTP_URL ? undefined : (env.MAIL_DIR ?? resolve(dataDir, 'mail')),
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    });

    const ds = await new DataSource(buildDataSourceOptions(config)).initialize();
    const applied = await ds.runMigrations({ transaction: 'each' });
    if (applied.length) log(`Applied ${applied.length} migration(s)`);
    await seedIfEmpty(ds, log, { nodeEnv: config.NODE_ENV, adminPassword: config.ADMIN_PASSWORD });
    const exposedDemo = isLoopbackHost(config.HOST) ? [] : await loginsWithDemoPasswords(ds);
    if (exposedDemo.length) {
      await ds.destroy();
      log(
        `Refusing to listen on ${config.HOST}: ${exposedDemo.join(', ')} still sign in with the published demo password. ` +
          'Listen on 127.0.0.1 (unset HOST), or give these logins new passwords first (ADMIN_PASSWORD for a new admin).',
      );
      return stop(1);
    }
    await ds.destroy();

    apps.push(await startWorker(config));
    apps.push(await startApi(config));
    const base = config.PUBLIC_BASE_URL;
    log(`Ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    log(`API       ${base}/api/v1`);
    log(`API docs  ${base}/docs`);
    log(`Health    ${base}/health/ready`);
    log(`Web       ${base}/`);
    if (config.MAIL_DIR) log(`Emails are written to ${config.MAIL_DIR}`);
    log(
      `Admin login: ${config.ADMIN_EMAIL} / ${env.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : DEMO_LOGINS.admin.password}`,
    );
    log(`Tutor login: ${DEMO_LOGINS.tutor.email} / ${DEMO_LOGINS.tutor.password}`);
    log(`Student login: ${DEMO_LOGINS.student.email} / ${DEMO_LOGINS.student.password}`);
    log('Press Ctrl-C to stop.');
  } catch (error) {
    if (
      error instanceof RedisUnavailableError ||
      error instanceof EmbeddedPostgresUnreachableError
    ) {
      log(error.message);
      await stop(1);
    }
    try {
      exitOnConfigError(error);
    } catch {
      log(`Failed to start: ${(error as Error).stack ?? String(error)}`);
      await stop(1);
    }
  }
}

void main();
