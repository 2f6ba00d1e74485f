import { bearer, createTestApp, createUser, TestApp } from './helpers/test-app';

describe('errors as RFC 9457 problem details', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('malformed JSON is a 400 problem, not a 500', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(typeof res.body.type).toBe('string');
    expect(typeof res.body.detail).toBe('string');
  });

  it('an action with an empty JSON body is treated as having no body', async () => {
    const admin = await createUser(t, 'admin');
    const res = await t
      .http()
      .post('/api/v1/system/ping')
      .set(bearer(admin))
      .set('content-type', 'application/json');
    expect(res.status).toBe(202);
    const poisoned = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"email":"a@b.c","password":"x","__proto__":{"admin":true}}');
    expect(poisoned.status).toBe(400);
  });

  it('an unknown route is a 404 problem', async () => {
    const res = await t.http().get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('a malformed id is a 400 naming the parameter; an unknown id is 404', async () => {
    const admin = await createUser(t, 'admin');
    const bad = await t.http().get('/api/v1/system/ping/not-a-uuid').set(bearer(admin));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'pingId', message: 'pingId must be a UUID' }]);
    const unknown = await t
      .http()
      .get('/api/v1/system/ping/6f1c1d7e-8d5b-4c39-9d7e-2b8f0e1a2b3c')
      .set(bearer(admin));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ping_not_found');
  });

  it('wrong body types and unknown query parameters are 400s naming the field', async () => {
    const admin = await createUser(t, 'admin');
    const res = await t.http().get('/api/v1/users?limit=abc&offset=-1&bogus=1').set(bearer(admin));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['limit', 'offset', 'bogus']),
    );
    const arr = await t.http().post('/api/v1/auth/login').send([1, 2]);
    expect(arr.status).toBe(400);
  });

  it('serves OpenAPI at /docs-json and the UI at /docs', async () => {
    const json = await t.http().get('/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.paths['/api/v1/auth/login']).toBeDefined();
    expect((await t.http().get('/docs')).status).toBe(200);
  });
});
