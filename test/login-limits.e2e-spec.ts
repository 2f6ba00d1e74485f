import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createTestApp, createUser, TEST_PASSWORD, TestApp } from './helpers/test-app';

/**
 * The login limits seen from outside, behind one trusted proxy hop (TRUST_PROXY=1): the test's
 * supertest socket plays the proxy, and the last X-Forwarded-For entry is the client it saw.
 */
describe('login limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: '1',
      LOGIN_MAX_FAILURES_PER_IP: '8',
      LOGIN_SLOW_AFTER_FAILURES_PER_EMAIL: '12',
      LOGIN_DELAY_STEP_MS: '400',
      QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-limits`,
    });
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, forwardedFor: string) =>
    t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', forwardedFor)
      .send({ email, password });
  const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

  it('takes the client address from the trusted hop, so rotating a forged X-Forwarded-For does not escape the limit', async () => {
    const client = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      // The client wrote the first entry itself; the proxy appended the address it saw.
      const res = await login(
        `nobody-${randomUUID()}@pod.test`,
        'wrong-password',
        `10.${i}.0.1, ${client}`,
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
  });

  it('failures from one address do not lock the owner out: from a fresh address the right password works', async () => {
    const user = await createUser(t, 'tutor');
    const attacker = address();
    for (let i = 0; i < t.config.LOGIN_MAX_FAILURES_PER_EMAIL; i++) {
      expect((await login(user.email, `guess-${i}`, attacker)).status).toBe(401);
    }
    const blocked = await login(user.email, TEST_PASSWORD, attacker);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    const owner = await login(user.email, TEST_PASSWORD, '192.0.2.77');
    expect(owner.status).toBe(200);
  });

  it('guesses spread over many addresses slow down for that email, and the owner still signs in', async () => {
    const user = await createUser(t, 'tutor');
    const slowAfter = 12;
    for (let i = 0; i < slowAfter; i++) {
      expect((await login(user.email, `guess-${i}`, `192.0.2.${i + 1}`)).status).toBe(401);
    }
    let started = Date.now();
    expect((await login(user.email, 'guess-x', '192.0.2.100')).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    started = Date.now();
    expect((await login(user.email, 'guess-y', '192.0.2.101')).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);

    started = Date.now();
    const owner = await login(user.email, TEST_PASSWORD, '192.0.2.200');
    expect(owner.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    // A success clears the slow-down.
    started = Date.now();
    expect((await login(user.email, TEST_PASSWORD, '192.0.2.200')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('counts parallel attempts atomically: 100 at once get at most the limit', async () => {
    const user = await createUser(t, 'tutor');
    const attacker = address();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(user.email, `parallel-${i}`, attacker)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(t.config.LOGIN_MAX_FAILURES_PER_EMAIL);
    expect(statuses.filter((s) => s === 429)).toHaveLength(
      100 - t.config.LOGIN_MAX_FAILURES_PER_EMAIL,
    );
  });

  it('keeps no email address in Redis', async () => {
    const email = `keyed-${randomUUID()}@pod.test`;
    await login(email, 'wrong-password', address());
    const redis = new Redis(t.config.REDIS_URL);
    try {
      const keys = await redis.keys(`${t.config.QUEUE_PREFIX}:login*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.join('\n')).not.toContain(email);
      expect(keys.join('\n')).not.toContain('keyed-');
    } finally {
      redis.disconnect();
    }
  });
});
