import { randomUUID } from 'node:crypto';
import { registeredRoutes, RegisteredRoute } from '../src/bootstrap';
import { BODY_LIMIT } from '../src/infrastructure/http/body-parsing';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

/**
 * The same battery of malformed bodies to every route that takes one, taken from the running
 * app's route table (so a route added tomorrow is covered without editing this file). Nothing
 * may answer 5xx; what the body parser refuses is a 4xx problem+json with the right status.
 */

/** The queue dashboard (bull-board) answers its own errors as plain JSON, not problem+json. */
const OWN_ERROR_FORMAT = /^\/admin\/queues\/api\//;

/** Routes that end the caller's session would log the battery's admin out halfway. */
const SKIP = new Set(['POST /api/v1/auth/logout', 'POST /sign-out']);

const nested = (levels: number) => `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`;

interface Shot {
  name: string;
  contentType: string;
  body: string | Buffer;
  /** The status the body parser must give, whatever the route does with bodies. */
  expect?: number;
}

function battery(route: RegisteredRoute): Shot[] {
  const limit = route.bodyLimit ?? BODY_LIMIT;
  return [
    {
      name: 'nested JSON, 8,000 levels',
      contentType: 'application/json',
      body: nested(8000),
      expect: 400,
    },
    {
      name: 'oversized body',
      contentType: 'application/json',
      body: JSON.stringify({ title: 'x'.repeat(limit + 1) }),
      expect: 413,
    },
    { name: 'invalid JSON', contentType: 'application/json', body: '{"title": ', expect: 400 },
    { name: 'XML', contentType: 'application/xml', body: '<a>1</a>', expect: 415 },
    {
      name: 'multipart',
      contentType: 'multipart/form-data; boundary=x',
      body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
      expect: 415,
    },
    ...(route.bodyLimit
      ? []
      : [{ name: 'plain text', contentType: 'text/plain', body: 'hello', expect: 415 }]),
    { name: 'NUL in a string', contentType: 'application/json', body: JSON.stringify(nulBody()) },
    {
      name: 'lone surrogate',
      contentType: 'application/json',
      body: JSON.stringify({ email: '\ud800@example.org', title: 'a\udfffb', name: '\ud800' }),
    },
    { name: 'NUL in a key', contentType: 'application/json', body: '{"ti\\u0000tle":"x"}' },
    { name: 'array', contentType: 'application/json', body: '[1,2,3]' },
    { name: 'string', contentType: 'application/json', body: '"text"' },
    { name: 'number', contentType: 'application/json', body: '1e309' },
    { name: 'null', contentType: 'application/json', body: 'null' },
    {
      name: 'wrong types',
      contentType: 'application/json',
      body: JSON.stringify({ email: 1, title: [], capacity: 'many', records: {}, startsAt: true }),
    },
    {
      name: 'CSV with a NUL cell',
      contentType: 'text/csv',
      body: 'givenName,familyName\nA\u0000,B\n',
    },
  ];
}

function nulBody(): Record<string, unknown> {
  return {
    title: 'a\u0000b',
    email: 'nul\u0000@example.org',
    givenName: '\u0000',
    reason: 'x\u0000',
    records: [{ note: '\u0000' }],
  };
}

describe('malformed bodies on every route that takes a body', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  it('answers each shot with a 4xx problem+json, never a 5xx', async () => {
    const routes = registeredRoutes(t.app).filter(
      (r) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !SKIP.has(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(20);
    const faults: string[] = [];
    let sent = 0;
    for (const route of routes) {
      const url = route.url.replace(/:[A-Za-z]+/g, randomUUID()).replace(/\*$/, '');
      for (const shot of battery(route)) {
        const method = route.method.toLowerCase() as 'post';
        const call = t.http()[method](url);
        const res = await call
          .set(bearer(admin))
          .set('content-type', shot.contentType)
          .send(shot.body);
        sent++;
        const where = `${route.method} ${route.url} [${shot.name}] -> ${res.status}`;
        if (res.status >= 500) faults.push(`${where} ${JSON.stringify(res.body).slice(0, 200)}`);
        else if (shot.expect !== undefined && res.status !== shot.expect) {
          faults.push(`${where}, expected ${shot.expect}`);
        } else if (
          res.status >= 400 &&
          !OWN_ERROR_FORMAT.test(route.url) &&
          !String(res.headers['content-type']).startsWith('application/problem+json')
        ) {
          faults.push(`${where} as ${res.headers['content-type']}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(100);
    expect(faults).toEqual([]);
  });

  it('names the field with a NUL or a lone surrogate, in bodies, queries and CSV cells', async () => {
    const nul = await t
      .http()
      .post('/api/v1/students')
      .set(bearer(admin))
      .send({ givenName: 'A\u0000', familyName: 'B', email: 'a@example.org', profession: 'nurse' });
    expect(nul.status).toBe(400);
    expect(nul.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(nul.body.errors).toEqual([
      { field: 'givenName', message: 'givenName must not contain a NUL character' },
    ]);

    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: '\ud800@example.org', password: 'whatever-it-is' });
    expect(login.status).toBe(400);
    expect(login.body.errors[0].field).toBe('email');

    const search = await t.http().get('/api/v1/students?search=a%00b').set(bearer(admin));
    expect(search.status).toBe(400);
    expect(search.body.errors[0].field).toBe('search');

    const csv = await t
      .http()
      .post('/api/v1/students/import')
      .set(bearer(admin))
      .set('content-type', 'text/csv')
      .send(
        'givenName,familyName,email,profession\nA,B,a@example.org,nurse\nC\u0000,D,c@example.org,nurse\n',
      );
    expect(csv.status).toBe(400);
    expect(csv.body.errors[0].message).toMatch(/NUL character \(line 3\)/);

    const nestedLogin = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(`{"email":${'['.repeat(8000)}${']'.repeat(8000)},"password":"x"}`);
    expect(nestedLogin.status).toBe(400);
    expect(nestedLogin.body.code).toBe('too_deeply_nested');
  });

  it('keeps the large limit for the CSV import only', async () => {
    const header = 'givenName,familyName,email,profession\n';
    const line = (i: number) => `Given${i},Family${i},bulk-${i}@example.org,nurse\n`;
    const csv = header + Array.from({ length: 4000 }, (_, i) => line(i)).join('');
    expect(csv.length).toBeGreaterThan(BODY_LIMIT);
    const res = await t
      .http()
      .post('/api/v1/students/import?dryRun=true')
      .set(bearer(admin))
      .set('content-type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);

    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'a@example.org', password: 'x'.repeat(BODY_LIMIT) });
    expect(login.status).toBe(413);
    expect(login.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
