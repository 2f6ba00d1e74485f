import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import request from 'supertest';
import { dropDatabase, withDatabase } from '../bench/bench-env';
import {
  enqueueIssue,
  issueJobTimes,
  prepareCompletions,
  renderBaseline,
  resetCompletions,
  waitForIssued,
} from '../bench/certificates-scenario';
import { copyBaseline, exportCopySql } from '../bench/export-scenario';
import { countDataset, DatasetOptions, ensureDataset } from '../bench/generate-data';
import { Baseline, startBaseline } from '../bench/raw-baseline';
import {
  BenchRequest,
  BenchTargets,
  cohortProgressScenario,
  exportRequest,
  HttpScenario,
  loadTargets,
  meProgressScenario,
  meScenario,
  registerPageSaveScenario,
  registerPageScenario,
  registerReadScenario,
  registerSaveScenario,
  SqlRunner,
} from '../bench/scenarios';
import type { CertificatesJob } from '../src/certificates/certificates.queue';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { createTestApp, startTestWorker, TestApp } from './helpers/test-app';

/**
 * Benchmarks are not tests, but their code must not rot: the generator runs at a tiny size into
 * a database of its own, and each scenario's request runs once against the API in-process and
 * against the raw baseline, which must give the same answers.
 */
const TINY: DatasetOptions = {
  cohorts: 2,
  studentsPerCohort: 5,
  sessionsPerCohort: 4,
  seed: 'bench-smoke',
  today: new Date(),
};

function send(target: string | object, r: BenchRequest) {
  const agent = request(target as string);
  const call =
    r.method === 'PUT'
      ? agent.put(r.path)
      : r.method === 'POST'
        ? agent.post(r.path)
        : agent.get(r.path);
  void call.set(r.headers);
  return r.body === undefined ? call : call.send(r.body);
}

describe('bench smoke: the generator and every scenario at a tiny size', () => {
  const url = withDatabase(
    process.env.TEST_DATABASE_URL as string,
    `${process.env.TEST_DATABASE_NAME}_bench`,
  );
  let t: TestApp;
  let baseline: Baseline;
  let client: Client;
  let db: SqlRunner;
  let targets: BenchTargets;
  let scenarios: HttpScenario[];

  beforeAll(async () => {
    await ensureDataset(url, TINY);
    client = new Client({ connectionString: url });
    await client.connect();
    db = { query: async (sql, params) => (await client.query(sql, params)).rows };
    targets = await loadTargets(db);
    t = await createTestApp({ DATABASE_URL: url, DB_POOL_SIZE: '4' });
    baseline = await startBaseline({
      databaseUrl: url,
      redisUrl: t.config.REDIS_URL,
      queuePrefix: t.config.QUEUE_PREFIX,
      jwtSecret: t.config.JWT_SECRET,
      poolSize: 2,
    });
    scenarios = [
      meProgressScenario(targets, t.config.JWT_SECRET, 1),
      cohortProgressScenario(targets, t.config.JWT_SECRET, 1),
      meScenario(targets, t.config.JWT_SECRET, 1),
      registerReadScenario(targets, t.config.JWT_SECRET, 1),
      registerSaveScenario(targets, t.config.JWT_SECRET, 1),
    ];
  });

  afterAll(async () => {
    await baseline?.close();
    await t?.close();
    await client?.end();
    await dropDatabase(url);
  });

  it('generates the shape asked for: cohorts of students, blocks, sessions, registers, users', async () => {
    const counts = await countDataset(client);
    expect(counts).toMatchObject({
      cohorts: 2,
      blocks: 8,
      sessions: 8,
      students: 10,
      enrolments: 10,
      // a student user per student, a tutor per cohort, one admin
      users: 13,
    });
    expect(counts.attendanceRecords).toBe(counts.pastSessions * 5);
    expect(counts.assessmentResults).toBeGreaterThan(0);
    const statuses = await db.query(`SELECT DISTINCT status FROM attendance_records`);
    expect(statuses.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same ids and registers', async () => {
    const fingerprint = async () =>
      (
        await db.query(
          `SELECT md5(string_agg(id || status || minutes_attended, ',' ORDER BY id)) AS f FROM attendance_records`,
        )
      )[0].f as string;
    const before = await fingerprint();
    await ensureDataset(url, TINY);
    expect(await fingerprint()).toBe(before);
  });

  it.each([0, 1])(
    'HTTP scenario %#: the API and the raw baseline both answer, with the same progress',
    async (i) => {
      const scenario = scenarios[i];
      const r = scenario.next();
      const api = await send(t.app.getHttpServer(), r);
      const raw = await send(`http://127.0.0.1:${baseline.port}`, r);
      expect(api.status).toBe(200);
      expect(raw.status).toBe(200);
      expect(api.body.items.length).toBeGreaterThan(0);
      expect(JSON.parse(raw.text)).toEqual(api.body);
    },
  );

  it.each([2, 3])(
    'HTTP scenario %#: the baseline answers /me and the register exactly as the API does',
    async (i) => {
      const r = scenarios[i].next();
      const api = await send(t.app.getHttpServer(), r);
      const raw = await send(`http://127.0.0.1:${baseline.port}`, r);
      expect(api.status).toBe(200);
      expect(raw.status).toBe(200);
      expect(JSON.parse(raw.text)).toEqual(api.body);
    },
  );

  it('register save: the API and the raw baseline each rewrite a whole register', async () => {
    const scenario = scenarios[4];
    const api = await send(t.app.getHttpServer(), scenario.next());
    const raw = await send(`http://127.0.0.1:${baseline.port}`, scenario.next());
    expect(api.status).toBe(200);
    expect(raw.status).toBe(200);
    expect(api.body.saved).toBe(5);
    expect(JSON.parse(raw.text).saved).toBe(5);
    const audited = await db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'attendance.marked'`,
    );
    expect(audited[0].n).toBe(10);
  });

  it('register page: the page renders and its form saves (303), as the page scenarios count them', async () => {
    const page = await send(
      t.app.getHttpServer(),
      registerPageScenario(targets, t.config.JWT_SECRET, 1).next(),
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form');
    const saved = await send(
      t.app.getHttpServer(),
      registerPageSaveScenario(targets, t.config.JWT_SECRET, 1).next(),
    );
    expect(saved.status).toBe(303);
  });

  it('export: the API streams every enrolment as CSV, as COPY of the same query does', async () => {
    const r = exportRequest(targets, t.config.JWT_SECRET);
    const res = await send(t.app.getHttpServer(), r)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    const lines = (res.body as string).trim().split('\n');
    expect(lines).toHaveLength(1 + 10);
    expect(exportCopySql(targets.cohortIds)).toMatch(/^COPY \(/);
    const copy = await copyBaseline(url, targets.cohortIds);
    if (copy) expect(copy.rows).toBe(10);
  });

  it('certificates: one worker issues the enqueued completions; the render loop redoes them', async () => {
    const queue = new Queue<CertificatesJob>(QUEUES.certificates, {
      prefix: t.config.QUEUE_PREFIX,
      connection: { url: t.config.REDIS_URL, maxRetriesPerRequest: null },
    });
    let worker: INestApplicationContext | undefined;
    try {
      worker = await startTestWorker({ DATABASE_URL: url, DB_POOL_SIZE: '4' });
      const ids = await prepareCompletions(db, 3);
      const started = performance.now();
      await enqueueIssue(queue, ids);
      const done = await waitForIssued(db, ids, started, 15_000);
      expect(done.issued).toBe(3);
      expect((await issueJobTimes(queue)).length).toBeGreaterThanOrEqual(3);
      const render = await renderBaseline(db, ids, t.config.PUBLIC_BASE_URL);
      expect(render.count).toBe(3);
      expect(render.bytes).toBeGreaterThan(3 * 1000);
    } finally {
      await worker?.close();
      await queue.close();
      await resetCompletions(db);
    }
    const left = await db.query(`SELECT count(*)::int AS n FROM certificates`);
    expect(left[0].n).toBe(0);
  });
});
