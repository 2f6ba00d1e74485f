import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, createUser, TEST_PASSWORD, TestApp } from './helpers/test-app';

interface LogLine {
  msg?: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
  userId?: string;
  [key: string]: unknown;
}

/** The API's own log, as an operator reads it: one JSON line per request, nothing secret. */
describe('request logs', () => {
  const file = join(tmpdir(), `pod-request-log-${randomUUID()}.log`);
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info', LOG_FILE: file });
  });
  afterAll(async () => {
    await t.close();
    rmSync(file, { force: true });
  });

  const lines = (): LogLine[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);
  const lineFor = (requestId: string) =>
    lines().find((l) => l.req?.id === requestId && l.res !== undefined);

  it('logs each request with its id, the user and the status, and never a password, token or search', async () => {
    const admin = await createUser(t, 'admin');
    const loginId = randomUUID();
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .set('x-request-id', loginId)
      .send({ email: admin.email, password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    const meId = randomUUID();
    await t.http().get('/api/v1/me').set('x-request-id', meId).set(bearer(admin));
    const searchId = randomUUID();
    await t
      .http()
      .get('/api/v1/students?search=Siobhan')
      .set('x-request-id', searchId)
      .set(bearer(admin));
    const rootId = randomUUID();
    await t.http().get('/').set('x-request-id', rootId);
    const deniedId = randomUUID();
    await t.http().get('/api/v1/me').set('x-request-id', deniedId).set('Cookie', 'pod_session=x');

    expect(lineFor(meId)).toMatchObject({
      req: { id: meId, method: 'GET', path: '/api/v1/me' },
      res: { statusCode: 200 },
      userId: admin.id,
    });
    expect(lineFor(loginId)).toMatchObject({
      req: { path: '/api/v1/auth/login' },
      res: { statusCode: 200 },
    });
    expect(lineFor(searchId)?.req?.path).toBe('/api/v1/students');
    expect(lineFor(deniedId)).toMatchObject({ res: { statusCode: 401 } });
    expect(lineFor(deniedId)?.userId).toBeUndefined();
    expect(lineFor(rootId)).toMatchObject({ req: { path: '/' } });

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain(admin.token);
    expect(text).not.toContain(login.body.accessToken);
    expect(text).not.toContain('Siobhan');
    expect(text).not.toMatch(/authorization|cookie/i);
  });
});
