import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { makeCohort, makeCourse, makeStudent } from './helpers/factories';
import { MailServer, startMailServer } from './helpers/mail-server';
import {
  bearer,
  createTestApp,
  createUser,
  startTestWorker,
  TestApp,
  TestUser,
} from './helpers/test-app';

jest.setTimeout(120_000);

const NEW_PASSWORD = 'lantern meadow copper violin';
const OTHER_PASSWORD = 'harbour thistle glacier anthem';

/** The one-time token in the newest email to `address`. */
function tokenFrom(mail: MailServer, address: string): string {
  const messages = mail.to(address);
  const match = /set-password\?token=([A-Za-z0-9_-]{43})/.exec(messages[messages.length - 1].text);
  if (!match) throw new Error(`no link in the email to ${address}`);
  return match[1];
}

async function waitForMail(mail: MailServer, address: string, n = 1): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (mail.to(address).length < n) {
    if (Date.now() > deadline) throw new Error(`no email ${n} to ${address}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('people and access: invitations, password reset, bulk enrolment, users', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let mail: MailServer;
  let admin: TestUser;

  beforeAll(async () => {
    mail = await startMailServer();
    t = await createTestApp();
    worker = await startTestWorker({ SMTP_URL: mail.url });
    admin = await createUser(t, 'admin');
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await mail?.close();
  });

  const login = (email: string, password: string) =>
    t.http().post('/api/v1/auth/login').send({ email, password });

  it('an invited tutor sets a password from the emailed link once, and signs in with it', async () => {
    const email = `tutor-${randomUUID().slice(0, 8)}@pod.test`;
    const res = await t
      .http()
      .post('/api/v1/invitations')
      .set(bearer(admin))
      .send({ email, role: 'tutor', displayName: 'Tam Tutor' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email, role: 'tutor' });
    const days = (new Date(res.body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    // Not signed in before the password is set.
    expect((await login(email, NEW_PASSWORD)).status).toBe(401);
    await waitForMail(mail, email);
    const token = tokenFrom(mail, email);
    // Only the hash is stored.
    const stored: Array<{ token_hash: string }> = await t.db.query(
      `SELECT token_hash FROM account_tokens WHERE user_id = $1`,
      [res.body.userId],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token);

    const weak = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token, password: 'password1234' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].field).toBe('password');

    const set = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token, password: NEW_PASSWORD });
    expect(set.status).toBe(204);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);

    const again = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token, password: OTHER_PASSWORD });
    expect(again.status).toBe(410);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('re-inviting replaces the old link', async () => {
    const email = `tutor-${randomUUID().slice(0, 8)}@pod.test`;
    const first = await t
      .http()
      .post('/api/v1/invitations')
      .set(bearer(admin))
      .send({ email, role: 'tutor' });
    await waitForMail(mail, email);
    const oldToken = tokenFrom(mail, email);
    const resend = await t
      .http()
      .post(`/api/v1/users/${first.body.userId}/invitation`)
      .set(bearer(admin));
    expect(resend.status).toBe(201);
    await waitForMail(mail, email, 2);
    const newToken = tokenFrom(mail, email);
    expect(newToken).not.toBe(oldToken);
    const old = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token: oldToken, password: NEW_PASSWORD });
    expect(old.status).toBe(410);
    const ok = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token: newToken, password: NEW_PASSWORD });
    expect(ok.status).toBe(204);
  });

  it('a cohort invitation reaches every seated or waitlisted student without a login', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, { capacity: 2 });
    const students = await Promise.all([0, 1, 2].map(() => makeStudent(t.db)));
    const bulk = await t
      .http()
      .post(`/api/v1/cohorts/${cohort.id}/enrolments/bulk`)
      .set(bearer(admin))
      .send({ studentIds: students.map((s) => s.id), route: 'graduate_certificate' });
    expect(bulk.status).toBe(200);
    expect(bulk.body.enrolled.map((e: { studentId: string }) => e.studentId)).toEqual([
      students[0].id,
      students[1].id,
    ]);
    expect(bulk.body.waitlisted.map((e: { studentId: string }) => e.studentId)).toEqual([
      students[2].id,
    ]);
    // One student already has a login.
    await createUser(t, 'student', { studentId: students[0].id, email: students[0].email });

    const res = await t.http().post(`/api/v1/cohorts/${cohort.id}/invitations`).set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ invited: 2, alreadyHadLogin: 1 });
    await waitForMail(mail, students[2].email);
    const token = tokenFrom(mail, students[2].email);
    await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token, password: NEW_PASSWORD })
      .expect(204);
    const signedIn = await login(students[2].email, NEW_PASSWORD);
    expect(signedIn.body.user).toMatchObject({ role: 'student', studentId: students[2].id });
  });

  it('bulk enrolment is all or nothing and names the student at fault', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    const [a, b] = await Promise.all([makeStudent(t.db), makeStudent(t.db)]);
    await t
      .http()
      .post(`/api/v1/cohorts/${cohort.id}/enrolments/bulk`)
      .set(bearer(admin))
      .send({ studentIds: [b.id], route: 'graduate_certificate' })
      .expect(200);
    const res = await t
      .http()
      .post(`/api/v1/cohorts/${cohort.id}/enrolments/bulk`)
      .set(bearer(admin))
      .send({ studentIds: [a.id, b.id], route: 'graduate_certificate' });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([
      { field: 'studentIds.1', message: expect.stringContaining(b.family_name) },
    ]);
    const rows: unknown[] = await t.db.query('SELECT 1 FROM enrolments WHERE student_id = $1', [
      a.id,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('a withdrawal made in error is reinstated, to the waiting list when the cohort is full', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, { capacity: 1 });
    const [a, b] = await Promise.all([makeStudent(t.db), makeStudent(t.db)]);
    const bulk = await t
      .http()
      .post(`/api/v1/cohorts/${cohort.id}/enrolments/bulk`)
      .set(bearer(admin))
      .send({ studentIds: [a.id, b.id], route: 'graduate_certificate' });
    const enrolmentA = bulk.body.enrolled[0].id;
    await t
      .http()
      .post(`/api/v1/enrolments/${enrolmentA}/withdraw`)
      .set(bearer(admin))
      .send({ reason: 'Clicked the wrong name' })
      .expect(200);
    const back = await t
      .http()
      .post(`/api/v1/enrolments/${enrolmentA}/reinstate`)
      .set(bearer(admin))
      .send({ reason: 'Withdrawn in error' });
    expect(back.status).toBe(200);
    // b took the seat when a withdrew, so a goes to the end of the waiting list.
    expect(back.body).toMatchObject({ status: 'waitlisted', endedAt: null, waitlistPosition: 1 });
    const twice = await t
      .http()
      .post(`/api/v1/enrolments/${enrolmentA}/reinstate`)
      .set(bearer(admin))
      .send({ reason: 'again' });
    expect(twice.status).toBe(409);
  });

  it('a password reset answers 202 for any email, emails only a login, and ends the other sessions', async () => {
    const student = await makeStudent(t.db);
    const user = await createUser(t, 'student', { studentId: student.id, email: student.email });
    const unknown = await t
      .http()
      .post('/api/v1/auth/password-reset')
      .send({ email: `nobody-${randomUUID()}@pod.test` });
    expect(unknown.status).toBe(202);
    const known = await t.http().post('/api/v1/auth/password-reset').send({ email: user.email });
    expect(known.status).toBe(202);
    expect(known.text).toBe(unknown.text);
    await waitForMail(mail, user.email);
    const token = tokenFrom(mail, user.email);
    await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token, password: OTHER_PASSWORD })
      .expect(204);
    expect((await t.http().get('/api/v1/me').set(bearer(user))).status).toBe(401);
    expect((await login(user.email, OTHER_PASSWORD)).status).toBe(200);
  });

  it('password reset requests are rate limited per email', async () => {
    const email = `limited-${randomUUID()}@pod.test`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await t.http().post('/api/v1/auth/password-reset').send({ email })).status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('a disabled login cannot sign in and its sessions end; every change is audited', async () => {
    const tutor = await createUser(t, 'tutor');
    const res = await t
      .http()
      .patch(`/api/v1/users/${tutor.id}`)
      .set(bearer(admin))
      .send({ disabled: true, displayName: 'Former tutor' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ disabled: true, displayName: 'Former tutor' });
    expect((await t.http().get('/api/v1/me').set(bearer(tutor))).status).toBe(401);
    expect((await login(tutor.email, 'correct-horse-battery-staple')).status).toBe(401);
    const audit = await t
      .http()
      .get(`/api/v1/audit?entityType=user&entityId=${tutor.id}`)
      .set(bearer(admin));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('user.disable');
  });
});
