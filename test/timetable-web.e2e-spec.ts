import type { INestApplicationContext } from '@nestjs/common';
import { cohortActors, CohortActors, enrol, icsValues } from './helpers/cohorts-factories';
import {
  makeCohort,
  makeCourse,
  makeSession,
  makeStudent,
  markAttendance,
} from './helpers/factories';
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

const DAY = 86_400_000;

/** Session cancellation and calendar subscriptions, through the API (see docs/timetable.md). */
describe('timetable on the web: cancelling sessions and calendar feeds', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let mail: MailServer;
  let cohort: { id: string; number: number; course_id: string };
  let who: CohortActors;
  let seated: { email: string; user: TestUser; enrolmentId: string };
  let waitlistedEmail: string;

  beforeAll(async () => {
    mail = await startMailServer();
    t = await createTestApp({ SMTP_URL: mail.url });
    worker = await startTestWorker({ SMTP_URL: mail.url });
    const course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id, {
      startDate: new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10),
      endDate: new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10),
    });
    who = await cohortActors(t, cohort.id);
    const student = await makeStudent(t.db);
    const e = await enrol(t.db, student.id, cohort);
    seated = {
      email: student.email,
      user: await createUser(t, 'student', { studentId: student.id }),
      enrolmentId: e.id,
    };
    const waiting = await makeStudent(t.db);
    await enrol(t.db, waiting.id, cohort, 'waitlisted');
    waitlistedEmail = waiting.email;
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await mail?.close();
  });

  const progressOf = async (enrolmentId: string) =>
    (
      await t
        .http()
        .get(`/api/v1/enrolments/${enrolmentId}/progress`)
        .set(bearer(who.admin))
        .expect(200)
    ).body.attendance;

  it('a cancelled session stays in the record, stops counting, and its students are emailed once', async () => {
    const held = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() - 3 * DAY),
      minutes: 240,
      title: 'Held day',
    });
    const missed = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() - 2 * DAY),
      minutes: 240,
      title: 'Called-off day',
    });
    await markAttendance(t.db, held.id, seated.enrolmentId, 'present');
    // Unmarked and ended: it counts against the student until it is cancelled.
    expect((await progressOf(seated.enrolmentId)).percent).toBe(50);

    const http = t.http();
    const bad = await http
      .post(`/api/v1/sessions/${missed.id}/cancel`)
      .set(bearer(who.admin))
      .send({ reason: '  ' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    await http
      .post(`/api/v1/sessions/${missed.id}/cancel`)
      .set(bearer(who.tutor))
      .send({ reason: 'x' })
      .expect(403);

    const res = await http
      .post(`/api/v1/sessions/${missed.id}/cancel`)
      .set(bearer(who.admin))
      .send({ reason: 'Venue flooded' })
      .expect(200);
    expect(res.body).toMatchObject({
      id: missed.id,
      status: 'cancelled',
      cancelReason: 'Venue flooded',
      sequence: 1,
    });
    await http
      .post(`/api/v1/sessions/${missed.id}/cancel`)
      .set(bearer(who.admin))
      .send({ reason: 'Again' })
      .expect(409);

    expect((await progressOf(seated.enrolmentId)).percent).toBe(100);
    const [email] = await mail.waitFor(1);
    expect(email.to).toEqual([seated.email]);
    expect(email.subject).toMatch(/^Cancelled: Called-off day, /);
    expect(email.text).toContain('Reason: Venue flooded');
    expect(mail.to(waitlistedEmail)).toHaveLength(0);
    const listed = await http
      .get(`/api/v1/cohorts/${cohort.id}/sessions`)
      .set(bearer(who.tutor))
      .expect(200);
    expect(
      listed.body.items.map((s: { title: string; status: string }) => `${s.title}:${s.status}`),
    ).toEqual(['Held day:scheduled', 'Called-off day:cancelled']);
  });

  it('a calendar feed: secret URL, public by token, stable UIDs, SEQUENCE and STATUS:CANCELLED, revocable and replaceable', async () => {
    const http = t.http();
    const upcoming = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() + 5 * DAY),
      minutes: 180,
      title: 'Reflecting teams',
    });
    await http.post('/api/v1/me/calendar-feed').expect(401);
    await http.post('/api/v1/me/calendar-feed').set(bearer(who.admin)).expect(403);

    const created = await http
      .post('/api/v1/me/calendar-feed')
      .set(bearer(seated.user))
      .expect(201);
    const { url, webcalUrl } = created.body as { url: string; webcalUrl: string };
    expect(url).toMatch(/^https?:\/\/[^/]+\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(webcalUrl).toBe(url.replace(/^https?:/, 'webcal:'));
    const path = new URL(url).pathname;
    const [{ token_hash }] = await t.db.query(
      'SELECT token_hash FROM calendar_feeds WHERE user_id = $1',
      [seated.user.id],
    );
    expect(path).not.toContain(token_hash);

    const feed = await http.get(path).expect(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const uid = `${upcoming.id}@pod-cohorts`;
    const uids = icsValues(feed.text, 'UID');
    expect(uids).toContain(uid);
    const index = uids.indexOf(uid);
    expect(icsValues(feed.text, 'STATUS')[index]).toBe('CONFIRMED');
    expect(icsValues(feed.text, 'SEQUENCE')[index]).toBe('0');

    // Moved, then cancelled: same UID, SEQUENCE up, then STATUS:CANCELLED.
    const moved = new Date(Date.now() + 6 * DAY);
    await http
      .patch(`/api/v1/sessions/${upcoming.id}`)
      .set(bearer(who.admin))
      .send({
        startsAt: moved.toISOString(),
        endsAt: new Date(moved.getTime() + 180 * 60_000).toISOString(),
      })
      .expect(200);
    await http
      .post(`/api/v1/sessions/${upcoming.id}/cancel`)
      .set(bearer(who.admin))
      .send({ reason: 'Tutor unwell' })
      .expect(200);
    const after = await http.get(path).expect(200);
    const i = icsValues(after.text, 'UID').indexOf(uid);
    expect(icsValues(after.text, 'SEQUENCE')[i]).toBe('2');
    expect(icsValues(after.text, 'STATUS')[i]).toBe('CANCELLED');

    // A tutor's feed is their cohorts' sessions; another tutor's has none of them.
    const tutorFeed = await http
      .post('/api/v1/me/calendar-feed')
      .set(bearer(who.tutor))
      .expect(201);
    const tutorIcs = await http.get(new URL(tutorFeed.body.url).pathname).expect(200);
    expect(icsValues(tutorIcs.text, 'UID')).toContain(uid);
    const otherFeed = await http
      .post('/api/v1/me/calendar-feed')
      .set(bearer(who.otherTutor))
      .expect(201);
    const otherIcs = await http.get(new URL(otherFeed.body.url).pathname).expect(200);
    expect(icsValues(otherIcs.text, 'UID')).toEqual([]);

    // Replacing makes the old URL 404; revoking makes the new one 404 too.
    const replaced = await http
      .post('/api/v1/me/calendar-feed')
      .set(bearer(seated.user))
      .expect(201);
    await http.get(path).expect(404);
    const newPath = new URL(replaced.body.url).pathname;
    await http.get(newPath).expect(200);
    await http.delete('/api/v1/me/calendar-feed').set(bearer(seated.user)).expect(204);
    await http.get(newPath).expect(404);
    await http.get('/calendar/not-a-token.ics').expect(404);
    await http.get(`/calendar/${'a'.repeat(43)}.ics`).expect(404);
  });
});

describe('a cohort status follows its dates unless set by hand; an evaluated cohort is completed', () => {
  let t: TestApp;
  let admin: TestUser;
  let courseId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    courseId = (await makeCourse(t.db)).id;
  });
  afterAll(() => t?.close());

  it('enrolling before the start, running from it, by hand when set, completed once evaluated', async () => {
    const http = t.http();
    const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
    const create = (number: number, startDate: string, endDate: string) =>
      http
        .post('/api/v1/cohorts')
        .set(bearer(admin))
        .send({ courseId, number, startDate, endDate, capacity: 10 })
        .expect(201);
    const future = await create(31, day(30), day(300));
    expect(future.body).toMatchObject({ status: 'enrolling', statusSetByHand: false });
    const started = await create(32, day(-30), day(300));
    expect(started.body.status).toBe('running');
    const listed = await http
      .get(`/api/v1/cohorts?courseId=${courseId}&status=enrolling`)
      .set(bearer(admin))
      .expect(200);
    expect(listed.body.items.map((c: { number: number }) => c.number)).toEqual([31]);

    const byHand = await http
      .patch(`/api/v1/cohorts/${future.body.id}`)
      .set(bearer(admin))
      .send({ status: 'planned' })
      .expect(200);
    expect(byHand.body).toMatchObject({ status: 'planned', statusSetByHand: true });
    const back = await http
      .patch(`/api/v1/cohorts/${future.body.id}`)
      .set(bearer(admin))
      .send({ statusFollowsDates: true })
      .expect(200);
    expect(back.body).toMatchObject({ status: 'enrolling', statusSetByHand: false });

    // Set to running by hand, then evaluated: completed.
    await http
      .patch(`/api/v1/cohorts/${started.body.id}`)
      .set(bearer(admin))
      .send({ status: 'running' })
      .expect(200);
    await http
      .post(`/api/v1/cohorts/${started.body.id}/completion/evaluate`)
      .set(bearer(admin))
      .expect(200);
    const evaluated = await http
      .get(`/api/v1/cohorts/${started.body.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(evaluated.body).toMatchObject({ status: 'completed', statusSetByHand: false });
  });
});
