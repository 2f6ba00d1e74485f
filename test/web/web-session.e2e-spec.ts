import request from 'supertest';
import { makeCohort, makeCourse, makeEnrolment, makeStudent } from '../helpers/factories';
import { createTestApp, createUser, TEST_PASSWORD, TestApp } from '../helpers/test-app';

const HTML = 'text/html,application/xhtml+xml';

function cookieHeader(res: request.Response, name: string): string | undefined {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return all.find((c) => c.startsWith(`${name}=`));
}

function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
}

/** A browser-like agent (keeps cookies) that has opened the sign-in page. */
async function openSignIn(t: TestApp, path = '/sign-in') {
  const agent = t.http();
  const page = await agent.get(path).set('Accept', HTML);
  expect(page.status).toBe(200);
  return { agent, csrf: csrfFrom(page.text), page };
}

describe('web sign-in, session cookie and CSRF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('signing in sets an httpOnly, SameSite=Lax session cookie for the token lifetime and redirects by role', async () => {
    for (const [role, home] of [
      ['admin', '/admin'],
      ['tutor', '/tutor'],
    ] as const) {
      const user = await createUser(t, role);
      const { agent, csrf } = await openSignIn(t);
      const res = await agent
        .post('/sign-in')
        .type('form')
        .set('Accept', HTML)
        .send({ email: user.email, password: TEST_PASSWORD, _csrf: csrf });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(home);
      const cookie = cookieHeader(res, 'pod_session');
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toContain(`; Max-Age=${t.config.JWT_EXPIRES_IN_SECONDS}`);
      expect(cookie).not.toMatch(/; Secure/);
      const page = await agent.get(home).set('Accept', HTML);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
    }
  });

  it('marks the session and CSRF cookies Secure when the public URL is https', async () => {
    const https = await createTestApp({ PUBLIC_BASE_URL: 'https://pod.example.nhs.uk' });
    try {
      const user = await createUser(https, 'admin');
      const agent = https.http();
      const page = await agent.get('/sign-in').set('Accept', HTML);
      expect(cookieHeader(page, 'pod_csrf')).toMatch(/; Secure/);
      const csrfCookie = cookieHeader(page, 'pod_csrf')!.split(';')[0];
      const res = await agent
        .post('/sign-in')
        .type('form')
        .set('Cookie', csrfCookie)
        .send({ email: user.email, password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
      expect(res.status).toBe(303);
      expect(cookieHeader(res, 'pod_session')).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });

  it('the session cookie opens pages only, never the API', async () => {
    const admin = await createUser(t, 'admin');
    const cookie = `pod_session=${admin.token}`;
    expect((await t.http().get('/admin').set('Cookie', cookie)).status).toBe(200);
    expect((await t.http().get('/api/v1/me').set('Cookie', cookie)).status).toBe(401);
    expect((await t.http().get('/%61pi/v1/me').set('Cookie', cookie)).status).not.toBe(200);
  });

  it('refuses a form without, or with a wrong, CSRF token; API routes need none', async () => {
    const user = await createUser(t, 'admin');
    const { agent, csrf } = await openSignIn(t);
    const missing = await agent
      .post('/sign-in')
      .type('form')
      .set('Accept', HTML)
      .send({ email: user.email, password: TEST_PASSWORD });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Your form could not be sent');
    expect(cookieHeader(missing, 'pod_session')).toBeUndefined();

    const wrong = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: user.email, password: TEST_PASSWORD, _csrf: `${csrf.slice(1)}x` });
    expect(wrong.status).toBe(403);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.body.code).toBe('csrf_failed');

    // Another browser's token does not fit this browser's secret.
    const other = await openSignIn(t);
    const stolen = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: user.email, password: TEST_PASSWORD, _csrf: other.csrf });
    expect(stolen.status).toBe(403);

    const api = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD });
    expect(api.status).toBe(200);
  });

  it('sends an anonymous browser to sign in and back; other clients get a 401 problem', async () => {
    const redirect = await t.http().get('/admin?x=1').set('Accept', HTML);
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toBe('/sign-in?next=%2Fadmin%3Fx%3D1');

    const api = await t.http().get('/admin');
    expect(api.status).toBe(401);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);

    const admin = await createUser(t, 'admin');
    const { agent, csrf, page } = await openSignIn(t, redirect.headers.location);
    expect(page.text).toContain('name="next" value="/admin?x=1"');
    const res = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: admin.email, password: TEST_PASSWORD, _csrf: csrf, next: '/admin?x=1' });
    expect(res.headers.location).toBe('/admin?x=1');

    const root = await t.http().get('/').set('Accept', HTML);
    expect(root.headers.location).toBe('/sign-in');
    const signedRoot = await agent.get('/').set('Accept', HTML);
    expect(signedRoot.headers.location).toBe('/admin');
  });

  it('follows next only to a path on this site', async () => {
    const admin = await createUser(t, 'admin');
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const { agent, csrf } = await openSignIn(t);
      const res = await agent
        .post('/sign-in')
        .type('form')
        .send({ email: admin.email, password: TEST_PASSWORD, _csrf: csrf, next });
      expect([next, res.headers.location]).toEqual([next, '/admin']);
    }
  });

  it('shows wrong credentials and missing fields in the error summary, linked to the field', async () => {
    const user = await createUser(t, 'tutor');
    const { agent, csrf } = await openSignIn(t);
    const wrong = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: user.email, password: 'not-the-password', _csrf: csrf });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('<title>Error: Sign in – POD Cohorts</title>');
    expect(wrong.text).toMatch(/<a href="#email"[^>]*>\s*Enter a correct email and password/);
    expect(wrong.text).toContain(`value="${user.email}"`);
    expect(cookieHeader(wrong, 'pod_session')).toBeUndefined();

    const empty = await agent.post('/sign-in').type('form').send({ _csrf: csrf });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/<a href="#email"[^>]*>\s*Enter your email address/);
    expect(empty.text).toMatch(/<a href="#password"[^>]*>\s*Enter your password/);
  });

  it('shares the API login rate limit and says so in plain words with 429', async () => {
    const user = await createUser(t, 'tutor');
    for (let i = 0; i < t.config.LOGIN_MAX_FAILURES_PER_EMAIL; i++) {
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: `wrong-${i}` });
    }
    const { agent, csrf } = await openSignIn(t);
    const blocked = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: user.email, password: TEST_PASSWORD, _csrf: csrf });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.text).toContain('You have tried to sign in too many times');
    expect(cookieHeader(blocked, 'pod_session')).toBeUndefined();
  });

  it('shows a student the no-access page for admin pages, and a page-not-found page for unknown addresses', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    const student = await makeStudent(t.db);
    await makeEnrolment(t.db, student.id, cohort);
    const user = await createUser(t, 'student', { studentId: student.id });
    const cookie = `pod_session=${user.token}`;

    const admin = await t.http().get('/admin').set('Cookie', cookie).set('Accept', HTML);
    expect(admin.status).toBe(403);
    expect(admin.text).toContain('You do not have access to this page');

    const progress = await t.http().get('/progress').set('Cookie', cookie).set('Accept', HTML);
    expect(progress.status).toBe(200);
    expect(progress.text).toContain(`Cohort ${cohort.number}`);

    const missing = await t.http().get('/no-such-page').set('Cookie', cookie).set('Accept', HTML);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Page not found');
    expect(missing.text).toContain('Your progress');

    const api = await t.http().get('/api/v1/no-such-route').set('Accept', HTML);
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('signing out clears the session and CSRF cookies', async () => {
    const admin = await createUser(t, 'admin');
    const { agent, csrf } = await openSignIn(t);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ email: admin.email, password: TEST_PASSWORD, _csrf: csrf });
    const page = await agent.get('/admin').set('Accept', HTML);
    const out = await agent
      .post('/sign-out')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/sign-in?signedOut=1');
    expect(cookieHeader(out, 'pod_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cookieHeader(out, 'pod_csrf')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect((await agent.get('/admin').set('Accept', HTML)).status).toBe(303);
  });

  it('serves the design system assets and none of its build internals; pages have no inline script', async () => {
    for (const path of [
      '/assets/nhsuk/nhsuk-frontend.min.css',
      '/assets/nhsuk/nhsuk-frontend.min.js',
      '/assets/images/favicon.svg',
      '/assets/images/nhsuk-icon-cross.svg',
      '/assets/app/init.js',
      '/assets/app/app.js',
    ]) {
      expect([path, (await t.http().get(path)).status]).toEqual([path, 200]);
    }
    expect((await t.http().get('/assets/nhsuk/index.js')).status).toBe(404);
    expect((await t.http().get('/assets/nhsuk/template.njk')).status).toBe(404);

    const page = await t.http().get('/sign-in').set('Accept', HTML);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('<html lang="en-GB">');
    const scripts = page.text.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="\/assets\//);
  });
});
