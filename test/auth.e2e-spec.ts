import { JwtService } from '@nestjs/jwt';
import { bearer, createTestApp, createUser, TEST_PASSWORD, TestApp } from './helpers/test-app';

describe('auth and users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('logs in with the right password and returns a bearer token with its expiry and user', async () => {
    const admin = await createUser(t, 'admin');
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: admin.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: t.config.JWT_EXPIRES_IN_SECONDS,
      user: { id: admin.id, email: admin.email, role: 'admin', studentId: null },
    });
    const me = await t
      .http()
      .get('/api/v1/me')
      .set(bearer({ token: res.body.accessToken }));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: admin.id, email: admin.email, role: 'admin' });
    expect(JSON.stringify(me.body)).not.toMatch(/argon2|passwordHash/);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const tutor = await createUser(t, 'tutor');
    const wrong = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: tutor.email, password: 'not-the-password' });
    const unknown = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@pod.test', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.code).toBe(unknown.body.code);
  });

  it('rate-limits repeated failures for an email with 429 and Retry-After, even with the right password', async () => {
    const user = await createUser(t, 'tutor');
    for (let i = 0; i < t.config.LOGIN_MAX_FAILURES_PER_EMAIL; i++) {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    const blocked = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.code).toBe('rate_limited');
  });

  it('rate-limits repeated failures from one address across emails', async () => {
    const limited = await createTestApp({
      LOGIN_MAX_FAILURES_PER_IP: '3',
      QUEUE_PREFIX: `${t.config.QUEUE_PREFIX}-ip`,
    });
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          (
            await limited
              .http()
              .post('/api/v1/auth/login')
              .send({ email: `x${i}@pod.test`, password: 'nope' })
          ).status,
        ).toBe(401);
      }
      expect(
        (
          await limited
            .http()
            .post('/api/v1/auth/login')
            .send({ email: 'x9@pod.test', password: 'nope' })
        ).status,
      ).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('refuses an expired token and a token signed with another secret', async () => {
    const user = await createUser(t, 'admin');
    const expired = await new JwtService({ secret: t.config.JWT_SECRET }).signAsync(
      { sub: user.id, role: 'admin', studentId: null },
      { expiresIn: -10 },
    );
    expect(
      (
        await t
          .http()
          .get('/api/v1/me')
          .set(bearer({ token: expired }))
      ).status,
    ).toBe(401);
    const forged = await new JwtService({
      secret: 'another-secret-another-secret-12345',
    }).signAsync({ sub: user.id, role: 'admin', studentId: null });
    expect(
      (
        await t
          .http()
          .get('/api/v1/me')
          .set(bearer({ token: forged }))
      ).status,
    ).toBe(401);
    expect((await t.http().get('/api/v1/me').set('Authorization', 'Bearer garbage')).status).toBe(
      401,
    );
  });

  it('stops honouring a token once its user is gone, and applies a role change at once', async () => {
    const gone = await createUser(t, 'admin');
    expect((await t.http().get('/api/v1/me').set(bearer(gone))).status).toBe(200);
    await t.db.query(`DELETE FROM users WHERE id = $1`, [gone.id]);
    expect((await t.http().get('/api/v1/me').set(bearer(gone))).status).toBe(401);

    const demoted = await createUser(t, 'admin');
    expect((await t.http().get('/api/v1/users').set(bearer(demoted))).status).toBe(200);
    await t.db.query(`UPDATE users SET role = 'tutor' WHERE id = $1`, [demoted.id]);
    expect((await t.http().get('/api/v1/users').set(bearer(demoted))).status).toBe(403);
  });

  it('lets only admins create and list users, and never returns a hash', async () => {
    const admin = await createUser(t, 'admin');
    const tutor = await createUser(t, 'tutor');
    const email = `new-${Date.now()}@pod.test`;
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email, password: 'a-long-password-1', role: 'tutor' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, role: 'tutor', cohortIds: [] });
    expect(JSON.stringify(created.body)).not.toMatch(/hash|argon2/i);
    const hash = await t.db.query(`SELECT password_hash FROM users WHERE email = $1`, [email]);
    expect(hash[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);

    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email, password: 'a-long-password-1' });
    expect(login.status).toBe(200);

    const list = await t.http().get('/api/v1/users?role=tutor&limit=500').set(bearer(admin));
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { email: string }) => u.email)).toContain(email);
    expect(list.body).toMatchObject({ limit: 500, offset: 0 });

    expect((await t.http().get('/api/v1/users').set(bearer(tutor))).status).toBe(403);
    expect(
      (
        await t
          .http()
          .post('/api/v1/users')
          .set(bearer(tutor))
          .send({ email: 'z@pod.test', password: 'a-long-password-1', role: 'admin' })
      ).status,
    ).toBe(403);
  });

  it('refuses a duplicate email with 409 and bad input with 400 naming each field, writing nothing', async () => {
    const admin = await createUser(t, 'admin');
    const dup = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: admin.email, password: 'a-long-password-1', role: 'admin' });
    expect(dup.status).toBe(409);
    expect(dup.headers['content-type']).toMatch(/application\/problem\+json/);

    const before = await t.db.query(`SELECT count(*)::int AS n FROM users`);
    const bad = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'not-an-email', password: 'short', role: 'wizard', extra: 1 });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'role', 'extra']));
    const student = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 's@pod.test', password: 'a-long-password-1', role: 'student' });
    expect(student.status).toBe(400);
    expect(student.body.errors[0].field).toBe('studentId');
    const after = await t.db.query(`SELECT count(*)::int AS n FROM users`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('creates the configured admin at boot once, even when several replicas start together', async () => {
    const email = `boot-admin-${Date.now()}@pod.test`;
    const replicas = await Promise.all(
      [1, 2, 3].map(() =>
        createTestApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'boot-admin-password' }),
      ),
    );
    await Promise.all(replicas.map((r) => r.close()));
    const rows = await t.db.query(`SELECT role FROM users WHERE email = $1`, [email]);
    expect(rows).toEqual([{ role: 'admin' }]);
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email, password: 'boot-admin-password' });
    expect(login.status).toBe(200);
  });
});
