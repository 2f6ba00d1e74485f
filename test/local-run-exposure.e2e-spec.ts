import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runEmbedded } from './helpers/run-embedded';

describe('the local run and the published demo passwords', () => {
  const name = `${process.env.TEST_DATABASE_NAME}_exposure`;
  const url = Object.assign(new URL(process.env.TEST_DATABASE_URL as string), {
    pathname: `/${name}`,
  }).toString();
  const admin = () =>
    new Client({
      connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
    });
  const dataDir = mkdtempSync(join(tmpdir(), 'pod-exposure-'));

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to listen beyond loopback while a demo login still opens with its published password', async () => {
    const { code, out } = await runEmbedded({
      DATABASE_URL: url,
      REDIS_URL: process.env.TEST_REDIS_URL as string,
      QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-exposure`,
      DATA_DIR: dataDir,
      PORT: '39187',
      HOST: '0.0.0.0',
    });
    expect(code).toBe(1);
    expect(out).toContain('Refusing to listen on 0.0.0.0');
    expect(out).toContain('admin@pod.example');
    expect(out).not.toContain('Ready in');
  });
});
