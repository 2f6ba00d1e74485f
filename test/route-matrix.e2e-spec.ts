import { randomUUID } from 'node:crypto';
import { registeredRoutes } from '../src/bootstrap';
import { createTestApp, TestApp } from './helpers/test-app';

/** The only routes anyone may call without a token. */
const PUBLIC = new Set([
  'GET /health/live',
  'GET /health/ready',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password',
  'GET /api/v1/verify/:code',
  'GET /verify/:code',
  'GET /docs',
  'GET /docs-json',
  'GET /docs-yaml',
]);

describe('route matrix', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('every non-public route answers 401 to a call without a token', async () => {
    const routes = registeredRoutes(t.app).filter(
      (r) => r.url.startsWith('/api/') || r.url.startsWith('/admin'),
    );
    expect(routes.length).toBeGreaterThan(3);
    const open: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      if (PUBLIC.has(key)) continue;
      const url = r.url.replace(/:[A-Za-z]+/g, randomUUID()).replace(/\*$/, '');
      const res = await t.http()[r.method.toLowerCase() as 'get'](url).send({});
      if (res.status !== 401) open.push(`${key} -> ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  it('the public API routes answer without a token', async () => {
    const publicApi = registeredRoutes(t.app).filter(
      (r) => PUBLIC.has(`${r.method} ${r.url}`) && !r.url.includes(':'),
    );
    expect(publicApi.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /health/live', 'GET /health/ready', 'POST /api/v1/auth/login']),
    );
    for (const r of publicApi) {
      const res = await t.http()[r.method.toLowerCase() as 'get'](r.url).send({});
      expect([r.url, res.status]).not.toEqual([r.url, 401]);
    }
  });
});
