import request from 'supertest';
import { makeCertificate } from './helpers/enrolment-factories';
import {
  makeCohort,
  makeCourse,
  makeEnrolment,
  makeSession,
  makeStudent,
} from './helpers/factories';
import { bearer, createTestApp, createUser, TEST_PASSWORD, TestApp } from './helpers/test-app';

const HTML = 'text/html,application/xhtml+xml';

function cookie(res: request.Response, name: string): string {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const found = all.find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie`);
  return found.split(';')[0];
}

function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
}

/** Signs in through the page; returns the session cookie. */
async function webSession(t: TestApp, email: string): Promise<string> {
  const agent = t.http();
  const page = await agent.get('/sign-in').set('Accept', HTML);
  const res = await agent
    .post('/sign-in')
    .type('form')
    .send({ email, password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
  expect(res.status).toBe(303);
  return cookie(res, 'pod_session');
}

describe('security hardening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('the queue dashboard', () => {
    it('checks the user on every request, as every admin route does: a deleted or demoted admin’s token opens nothing', async () => {
      const gone = await createUser(t, 'admin');
      const demoted = await createUser(t, 'admin');
      expect((await t.http().get('/admin/queues').set(bearer(gone))).status).toBe(200);
      await t.db.query('DELETE FROM users WHERE id = $1', [gone.id]);
      expect((await t.http().get('/admin/queues').set(bearer(gone))).status).toBe(401);
      await t.db.query(`UPDATE users SET role = 'tutor' WHERE id = $1`, [demoted.id]);
      expect((await t.http().get('/admin/queues/api/queues').set(bearer(demoted))).status).toBe(
        403,
      );
    });

    it('is read-only unless actions are allowed', async () => {
      const admin = await createUser(t, 'admin');
      const pause = await t
        .http()
        .put('/admin/queues/api/queues/reminders/pause')
        .set(bearer(admin));
      expect(pause.status).toBe(405);
      expect(pause.headers['content-type']).toMatch(/application\/problem\+json/);
      const queues = await t.http().get('/admin/queues/api/queues').set(bearer(admin));
      expect(queues.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    });

    it('with actions allowed, an action carried by the page cookie must come from this site', async () => {
      const open = await createTestApp({
        QUEUE_DASHBOARD_ACTIONS: 'true',
        QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-board`,
      });
      try {
        const admin = await createUser(open, 'admin');
        const session = await webSession(open, admin.email);
        const url = '/admin/queues/api/queues/reminders/pause';
        const crossSite = await open
          .http()
          .put(url)
          .set('Cookie', session)
          .set('Origin', 'https://evil.example');
        expect(crossSite.status).toBe(403);
        expect((await open.http().put(url).set('Cookie', session)).status).toBe(403);
        const sameSite = await open
          .http()
          .put(url)
          .set('Cookie', session)
          .set('Origin', 'http://pod.test');
        expect(sameSite.status).toBe(200);
        const resume = await open
          .http()
          .put('/admin/queues/api/queues/reminders/resume')
          .set(bearer(admin));
        expect(resume.status).toBe(200);
      } finally {
        await open.close();
      }
    });
  });

  it('refuses a CSRF pair minted before sign-in when it is sent with a signed-in session', async () => {
    const tutor = await createUser(t, 'tutor');
    const session = await webSession(t, tutor.email);
    // An attacker's anonymous pair: a CSRF cookie and the token of a sign-in page.
    const anonymous = await t.http().get('/sign-in').set('Accept', HTML);
    const planted = cookie(anonymous, 'pod_csrf');
    const forged = await t
      .http()
      .post('/sign-out')
      .type('form')
      .set('Cookie', `${session}; ${planted}`)
      .send({ _csrf: csrfFrom(anonymous.text) });
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('csrf_failed');
    // The session survived the forged sign-out.
    expect((await t.http().get('/tutor').set('Cookie', session).set('Accept', HTML)).status).toBe(
      200,
    );
  });

  it('refuses common and weak passwords for new logins, the issue’s admin example included', async () => {
    const admin = await createUser(t, 'admin');
    for (const password of ['123456789012', 'passwordpassword', 'qwertyuiop[]']) {
      const res = await t
        .http()
        .post('/api/v1/users')
        .set(bearer(admin))
        .send({ email: `weak-${Date.now()}@pod.test`, password, role: 'admin' });
      expect([password, res.status, res.body.code]).toEqual([password, 400, 'weak_password']);
      expect(res.body.errors[0].field).toBe('password');
    }
    const strong = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({
        email: `strong-${Date.now()}@pod.test`,
        password: 'lantern-quarrel-harbour-7',
        role: 'admin',
      });
    expect(strong.status).toBe(201);
  });

  it('shows students a display name or "Course team", never staff emails or user ids', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    const record = await makeStudent(t.db);
    const enrolment = await makeEnrolment(t.db, record.id, cohort);
    const student = await createUser(t, 'student', { studentId: record.id });
    const tutor = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
    const admin = await createUser(t, 'admin');
    const session = await makeSession(t.db, cohort.id);
    await t
      .http()
      .put(`/api/v1/sessions/${session.id}/attendance`)
      .set(bearer(tutor))
      .send({ records: [{ enrolmentId: enrolment.id, status: 'present' }] });
    await t
      .http()
      .put(`/api/v1/enrolments/${enrolment.id}/assessments/ESSAY`)
      .set(bearer(tutor))
      .send({ outcome: 'pass' });
    await t
      .http()
      .post(`/api/v1/enrolments/${enrolment.id}/completion`)
      .set(bearer(admin))
      .send({ outcome: 'completed', reason: 'Met every rule in the resit' });

    const seen = await Promise.all(
      ['attendance', 'assessments', 'completion'].map((what) =>
        t.http().get(`/api/v1/enrolments/${enrolment.id}/${what}`).set(bearer(student)),
      ),
    );
    for (const res of seen) expect(res.status).toBe(200);
    const text = JSON.stringify(seen.map((r) => r.body));
    for (const staff of [tutor, admin]) {
      expect(text).not.toContain(staff.email);
      expect(text).not.toContain(staff.id);
    }
    const marked = seen[0].body.items.find(
      (i: { sessionId: string }) => i.sessionId === session.id,
    );
    expect(marked.record.markedByName).toBe('Course team');

    const staffView = await t
      .http()
      .get(`/api/v1/enrolments/${enrolment.id}/attendance`)
      .set(bearer(admin));
    const staffMarked = staffView.body.items.find(
      (i: { sessionId: string }) => i.sessionId === session.id,
    );
    expect(staffMarked.record).toMatchObject({ markedById: tutor.id, markedByName: tutor.email });
  });

  it('answers 410 Gone, as a problem, for the PDF of an erased student’s certificate', async () => {
    const admin = await createUser(t, 'admin');
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    const record = await makeStudent(t.db);
    const enrolment = await makeEnrolment(t.db, record.id, cohort);
    const certificate = await makeCertificate(t.db, { id: enrolment.id, cohortId: cohort.id });
    expect(
      (await t.http().get(`/api/v1/certificates/${certificate.id}/pdf`).set(bearer(admin))).status,
    ).toBe(200);
    expect((await t.http().delete(`/api/v1/students/${record.id}`).set(bearer(admin))).status).toBe(
      204,
    );
    const gone = await t
      .http()
      .get(`/api/v1/certificates/${certificate.id}/pdf`)
      .set(bearer(admin));
    expect(gone.status).toBe(410);
    expect(gone.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(gone.body.code).toBe('certificate_pdf_erased');
  });
});
