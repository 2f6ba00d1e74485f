import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { bearer, createTestApp, createUser, TEST_PASSWORD, TestApp } from './helpers/test-app';

const HTML = 'text/html,application/xhtml+xml';

function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
}

function sessionCookie(res: request.Response): string {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = all.find((c) => c.startsWith('pod_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0];
}

/** Signs in through the sign-in page; returns the browser-like agent and its session cookie. */
async function webSignIn(t: TestApp, email: string, password = TEST_PASSWORD) {
  const agent = t.http();
  const page = await agent.get('/sign-in').set('Accept', HTML);
  const res = await agent
    .post('/sign-in')
    .type('form')
    .send({ email, password, _csrf: csrfFrom(page.text) });
  expect(res.status).toBe(303);
  return { agent, cookie: sessionCookie(res) };
}

async function apiLogin(t: TestApp, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await t.http().post('/api/v1/auth/login').send({ email, password });
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

const me = (t: TestApp, token: string) =>
  t
    .http()
    .get('/api/v1/me')
    .set(bearer({ token }))
    .then((r) => r.status);
const page = (t: TestApp, path: string, cookie: string) =>
  t
    .http()
    .get(path)
    .set('Cookie', cookie)
    .set('Accept', HTML)
    .then((r) => r.status);

describe('server-side sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('signing out on the web ends the session: the old cookie opens nothing afterwards', async () => {
    const tutor = await createUser(t, 'tutor');
    const { agent, cookie } = await webSignIn(t, tutor.email);
    expect(await page(t, '/tutor', cookie)).toBe(200);
    // The web session's token is not a bearer token, before or after sign-out.
    const token = cookie.slice('pod_session='.length);
    expect(await me(t, token)).toBe(401);

    const home = await agent.get('/tutor').set('Accept', HTML);
    const out = await agent
      .post('/sign-out')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(out.status).toBe(303);
    expect(out.headers['clear-site-data']).toBe('"cache"');
    // A copy of the cookie kept from before sign-out (as an attacker would keep it).
    expect(await page(t, '/tutor', cookie)).toBe(303);
    expect(await me(t, token)).toBe(401);
    const rows = await t.db.query(
      `SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = $1 AND kind = 'web'`,
      [tutor.id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('POST /api/v1/auth/logout ends that token at once and leaves the user’s other sessions', async () => {
    const admin = await createUser(t, 'admin');
    const other = await apiLogin(t, admin.email);
    expect(await me(t, admin.token)).toBe(200);
    const out = await t.http().post('/api/v1/auth/logout').set(bearer(admin));
    expect(out.status).toBe(204);
    expect(await me(t, admin.token)).toBe(401);
    expect((await t.http().post('/api/v1/auth/logout').set(bearer(admin))).status).toBe(401);
    expect(await me(t, other)).toBe(200);
  });

  it('a password change ends every session of the user, web and API, and needs the current password', async () => {
    const tutor = await createUser(t, 'tutor');
    const second = await apiLogin(t, tutor.email);
    const { cookie } = await webSignIn(t, tutor.email);

    const wrong = await t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(tutor))
      .send({ currentPassword: 'not-it', newPassword: 'quarrel-harbour-zygmunt-lantern' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('currentPassword');
    const weak = await t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(tutor))
      .send({ currentPassword: TEST_PASSWORD, newPassword: '123456789012' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].field).toBe('newPassword');
    expect(await me(t, second)).toBe(200);

    const changed = await t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(tutor))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'quarrel-harbour-zygmunt-lantern' });
    expect(changed.status).toBe(204);
    expect(await me(t, tutor.token)).toBe(401);
    expect(await me(t, second)).toBe(401);
    expect(await page(t, '/tutor', cookie)).toBe(303);
    expect(await me(t, await apiLogin(t, tutor.email, 'quarrel-harbour-zygmunt-lantern'))).toBe(
      200,
    );
  });

  it('a role change ends every session of the user; an admin can sign a user out everywhere', async () => {
    const admin = await createUser(t, 'admin');
    const promoted = await createUser(t, 'tutor');
    const { cookie } = await webSignIn(t, promoted.email);
    const changed = await t
      .http()
      .patch(`/api/v1/users/${promoted.id}`)
      .set(bearer(admin))
      .send({ role: 'admin' });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('admin');
    expect(await me(t, promoted.token)).toBe(401);
    expect(await page(t, '/tutor', cookie)).toBe(303);

    const tutor = await createUser(t, 'tutor');
    const second = await apiLogin(t, tutor.email);
    const web = await webSignIn(t, tutor.email);
    const forbidden = await t
      .http()
      .post(`/api/v1/users/${admin.id}/sessions/revoke`)
      .set(bearer(tutor));
    expect(forbidden.status).toBe(403);
    const revoked = await t
      .http()
      .post(`/api/v1/users/${tutor.id}/sessions/revoke`)
      .set(bearer(admin));
    expect(revoked.status).toBe(204);
    expect(await me(t, tutor.token)).toBe(401);
    expect(await me(t, second)).toBe(401);
    expect(await page(t, '/tutor', web.cookie)).toBe(303);
    expect(await me(t, admin.token)).toBe(200);

    const unknown = await t
      .http()
      .post('/api/v1/users/00000000-0000-4000-8000-000000000000/sessions/revoke')
      .set(bearer(admin));
    expect(unknown.status).toBe(404);
    const student = await t
      .http()
      .patch(`/api/v1/users/${admin.id}`)
      .set(bearer(admin))
      .send({ role: 'student' });
    expect(student.status).toBe(400);
    expect(student.body.errors[0].field).toBe('role');
  });

  it('a web session ends after 30 idle minutes, and any session at its absolute limit', async () => {
    const tutor = await createUser(t, 'tutor');
    const { cookie } = await webSignIn(t, tutor.email);
    expect(await page(t, '/tutor', cookie)).toBe(200);
    const [{ idle }] = await t.db.query(
      `SELECT idle_seconds AS idle FROM auth_sessions WHERE user_id = $1 AND kind = 'web'`,
      [tutor.id],
    );
    expect(idle).toBe(30 * 60);
    // 29 minutes idle: still signed in, and the visit counts as activity.
    await t.db.query(
      `UPDATE auth_sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = $1 AND kind = 'web'`,
      [tutor.id],
    );
    expect(await page(t, '/tutor', cookie)).toBe(200);
    const [{ fresh }] = await t.db.query(
      `SELECT last_seen_at > now() - interval '1 minute' AS fresh FROM auth_sessions WHERE user_id = $1 AND kind = 'web'`,
      [tutor.id],
    );
    expect(fresh).toBe(true);
    await t.db.query(
      `UPDATE auth_sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1 AND kind = 'web'`,
      [tutor.id],
    );
    expect(await page(t, '/tutor', cookie)).toBe(303);

    // API sessions have no idle limit, only the absolute one.
    await t.db.query(
      `UPDATE auth_sessions SET last_seen_at = now() - interval '5 hours' WHERE user_id = $1 AND kind = 'api'`,
      [tutor.id],
    );
    expect(await me(t, tutor.token)).toBe(200);
    await t.db.query(
      `UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [tutor.id],
    );
    expect(await me(t, tutor.token)).toBe(401);
  });

  it('refuses a well-signed token without an expiry or a live session, and one signed with the raw secret', async () => {
    const admin = await createUser(t, 'admin');
    const [{ id: sid }] = await t.db.query(
      `SELECT id FROM auth_sessions WHERE user_id = $1 LIMIT 1`,
      [admin.id],
    );
    const jwt = t.app.get(JwtService);
    const noExpiry = await jwt.signAsync({ sub: admin.id, sid, role: 'admin', studentId: null });
    expect(await me(t, noExpiry)).toBe(401);
    const noSession = await jwt.signAsync(
      { sub: admin.id, role: 'admin', studentId: null },
      { expiresIn: 600 },
    );
    expect(await me(t, noSession)).toBe(401);
    const withSession = await jwt.signAsync(
      { sub: admin.id, sid, role: 'admin', studentId: null },
      { expiresIn: 600 },
    );
    expect(await me(t, withSession)).toBe(200);
    // Tokens are signed with a key derived from JWT_SECRET, never with the secret itself.
    const rawKey = await new JwtService({ secret: t.config.JWT_SECRET }).signAsync(
      { sub: admin.id, sid, role: 'admin', studentId: null },
      { expiresIn: 600 },
    );
    expect(await me(t, rawKey)).toBe(401);
    // Another user's session id with this user's id.
    const other = await createUser(t, 'tutor');
    const [{ id: otherSid }] = await t.db.query(
      `SELECT id FROM auth_sessions WHERE user_id = $1 LIMIT 1`,
      [other.id],
    );
    const mixed = await jwt.signAsync(
      { sub: admin.id, sid: otherSid, role: 'admin', studentId: null },
      { expiresIn: 600 },
    );
    expect(await me(t, mixed)).toBe(401);
  });

  it('audits sign-ins, failed sign-ins of known users, sign-outs and session changes', async () => {
    const admin = await createUser(t, 'admin');
    const tutor = await createUser(t, 'tutor');
    await t.http().post('/api/v1/auth/login').send({ email: tutor.email, password: 'wrong-one' });
    await t.http().post(`/api/v1/users/${tutor.id}/sessions/revoke`).set(bearer(admin));
    await t.http().post('/api/v1/auth/logout').set(bearer(admin));
    const rows: Array<{ action: string; entity_id: string; actor_id: string | null }> =
      await t.db.query(
        `SELECT action, entity_id, actor_id FROM audit_events
          WHERE entity_id = ANY($1::uuid[]) ORDER BY created_at, action`,
        [[admin.id, tutor.id]],
      );
    const seen = rows.map((r) => `${r.action} ${r.entity_id === admin.id ? 'admin' : 'tutor'}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'auth.login admin',
        'auth.login tutor',
        'auth.login_failed tutor',
        'user.sessions_revoke tutor',
        'auth.logout admin',
      ]),
    );
    const revoke = rows.find((r) => r.action === 'user.sessions_revoke');
    expect(revoke?.actor_id).toBe(admin.id);
  });
});
