import type { INestApplicationContext } from '@nestjs/common';
import { CheckInService } from '../src/attendance/check-in.service';
import { cohortActors, CohortActors, enrol, icsValues } from './helpers/cohorts-factories';
import {
  makeCohort,
  makeCourse,
  makeSession,
  makeStudent,
  markAttendance,
} from './helpers/factories';
import { MailServer, startMailServer } from './helpers/mail-server';
import { pdfText } from './helpers/pdf-text';
import {
  bearer,
  createTestApp,
  createUser,
  eventually,
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
    // The worker's outbox may also carry earlier specs' mail on this database: pick ours.
    const [email] = await eventually(
      () => Promise.resolve(mail.to(seated.email).length > 0 && mail.to(seated.email)),
      60_000,
    );
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

describe('self check-in with a rotating code', () => {
  let t: TestApp;
  let who: CohortActors;
  let cohort: { id: string; number: number; course_id: string };
  let student: TestUser;
  let enrolmentId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id, {
      startDate: new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10),
      endDate: new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10),
    });
    who = await cohortActors(t, cohort.id);
    const record = await makeStudent(t.db);
    enrolmentId = (await enrol(t.db, record.id, cohort)).id;
    student = await createUser(t, 'student', { studentId: record.id });
  });
  afterAll(() => t?.close());

  it('the tutor gets a code; a student checks in present, or late, and is refused clearly otherwise', async () => {
    const http = t.http();
    const now = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() - 5 * 60_000),
      minutes: 240,
      title: 'Now',
    });
    const started = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() - 60 * 60_000 - 30_000),
      minutes: 240,
      title: 'Started an hour ago',
    });
    const ended = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() - 300 * 60_000),
      minutes: 240,
      title: 'Ended',
    });
    const otherCohort = await makeCohort(t.db, cohort.course_id);
    const elsewhere = await makeSession(t.db, otherCohort.id, {
      startsAt: new Date(Date.now() - 5 * 60_000),
      minutes: 240,
    });

    const codeOf = async (sessionId: string, as = who.tutor) => {
      const res = await http.post(`/api/v1/sessions/${sessionId}/check-in-code`).set(bearer(as));
      expect([sessionId, res.status, res.body.detail]).toEqual([sessionId, 201, undefined]);
      return res.body as { code: string; expiresAt: string; url: string };
    };
    const given = await codeOf(now.id);
    expect(given.code).toMatch(/^\d{6}$/);
    expect(new Date(given.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(given.url).toContain(`/check-in?session=${now.id}&code=${given.code}`);
    await http
      .post(`/api/v1/sessions/${now.id}/check-in-code`)
      .set(bearer(who.otherTutor))
      .expect(404);
    await http.post(`/api/v1/sessions/${now.id}/check-in-code`).set(bearer(student)).expect(403);

    const checkIn = (body: object) =>
      http.post('/api/v1/me/check-in').set(bearer(student)).send(body);
    const refusal = async (body: object) => {
      const res = await checkIn(body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      return `${res.body.code}: ${res.body.errors[0].message}`;
    };

    expect((await checkIn({ code: 'abc' })).status).toBe(400);
    // A code from five steps ago (2.5 minutes) is stale.
    const service = t.app.get(CheckInService);
    const old = await service.code(
      { userId: who.tutor.id, role: 'tutor', studentId: null, requestId: null },
      now.id,
      Date.now() - 5 * 30_000,
    );
    expect(await refusal({ code: old.code, sessionId: now.id })).toBe(
      'check_in_code_stale: This code has expired: it changes every 30 seconds. Scan or type the code on the screen now.',
    );
    expect(await refusal({ code: old.code })).toMatch(/^check_in_code_stale/);
    expect(
      await refusal({
        code: (await codeOf(elsewhere.id, who.admin)).code,
        sessionId: elsewhere.id,
      }),
    ).toBe('check_in_wrong_session: This code is for a session you are not taking part in.');
    const adminCode = (
      await http
        .post(`/api/v1/sessions/${elsewhere.id}/check-in-code`)
        .set(bearer(who.admin))
        .expect(201)
    ).body.code;
    expect(await refusal({ code: adminCode })).toMatch(/^check_in_wrong_code/);
    expect(await refusal({ code: (await codeOf(ended.id)).code, sessionId: ended.id })).toBe(
      'check_in_closed: Check-in for this session has closed: ask your tutor to mark you.',
    );

    // Typed without the session: found among the student's sessions open now.
    const present = await checkIn({ code: (await codeOf(now.id)).code });
    expect(present.status).toBe(200);
    expect(present.body).toMatchObject({
      sessionId: now.id,
      enrolmentId,
      status: 'present',
      minutesAttended: 240,
      recorded: true,
    });
    const again = await checkIn({ code: (await codeOf(now.id)).code, sessionId: now.id });
    expect(again.body).toMatchObject({ status: 'present', recorded: false });

    const late = await checkIn({ code: (await codeOf(started.id)).code, sessionId: started.id });
    expect(late.status).toBe(200);
    expect(late.body.status).toBe('late');
    expect(late.body.minutesAttended).toBeGreaterThanOrEqual(178);
    expect(late.body.minutesAttended).toBeLessThanOrEqual(180);

    // The register shows who checked in.
    const register = await http
      .get(`/api/v1/sessions/${now.id}/attendance`)
      .set(bearer(who.tutor))
      .expect(200);
    expect(register.body.items[0].record.checkedInAt).toEqual(expect.any(String));
  });
});

describe('apologies', () => {
  let t: TestApp;
  let who: CohortActors;
  let cohort: { id: string; number: number; course_id: string };
  let student: TestUser;
  let enrolmentId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id, {
      startDate: new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10),
      endDate: new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10),
    });
    who = await cohortActors(t, cohort.id);
    const record = await makeStudent(t.db);
    enrolmentId = (await enrol(t.db, record.id, cohort, 'enrolled')).id;
    student = await createUser(t, 'student', { studentId: record.id });
  });
  afterAll(() => t?.close());

  it('a student apologises for future sessions; a tutor approves and the sessions are excused', async () => {
    const http = t.http();
    const [a, b] = [
      await makeSession(t.db, cohort.id, {
        startsAt: new Date(Date.now() + 2 * DAY),
        minutes: 240,
      }),
      await makeSession(t.db, cohort.id, {
        startsAt: new Date(Date.now() + 3 * DAY),
        minutes: 240,
      }),
    ];
    const past = await makeSession(t.db, cohort.id, { startsAt: new Date(Date.now() - 2 * DAY) });
    const send = (body: object) =>
      http.post('/api/v1/me/absence-requests').set(bearer(student)).send(body);

    const missing = await send({ sessionIds: [a.id] });
    expect(missing.status).toBe(400);
    expect(new Set(missing.body.errors.map((e: { field: string }) => e.field))).toEqual(
      new Set(['reason']),
    );
    const pastOne = await send({ sessionIds: [past.id], reason: 'Too late' });
    expect([pastOne.status, pastOne.body.code]).toEqual([422, 'absence_sessions_invalid']);
    await http
      .post('/api/v1/me/absence-requests')
      .set(bearer(who.tutor))
      .send({ sessionIds: [a.id], reason: 'x' })
      .expect(403);

    const sent = await send({ sessionIds: [a.id, b.id], reason: 'Hospital appointment' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'pending', enrolmentId });
    expect(sent.body.sessionIds.sort()).toEqual([a.id, b.id].sort());

    const listed = await http
      .get(`/api/v1/absence-requests?cohortId=${cohort.id}&status=pending`)
      .set(bearer(who.tutor))
      .expect(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([sent.body.id]);
    const hidden = await http
      .get('/api/v1/absence-requests')
      .set(bearer(who.otherTutor))
      .expect(200);
    expect(hidden.body.total).toBe(0);
    await http
      .post(`/api/v1/absence-requests/${sent.body.id}/approve`)
      .set(bearer(who.otherTutor))
      .send({})
      .expect(404);

    const approved = await http
      .post(`/api/v1/absence-requests/${sent.body.id}/approve`)
      .set(bearer(who.tutor))
      .send({ comment: 'Get well soon' })
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', decisionComment: 'Get well soon' });
    await http
      .post(`/api/v1/absence-requests/${sent.body.id}/decline`)
      .set(bearer(who.tutor))
      .send({})
      .expect(409);
    const register = await http
      .get(`/api/v1/sessions/${a.id}/attendance`)
      .set(bearer(who.tutor))
      .expect(200);
    expect(register.body.items[0].record).toMatchObject({ status: 'excused', minutesAttended: 0 });
    const mine = await http.get('/api/v1/me/absence-requests').set(bearer(student)).expect(200);
    expect(mine.body.items[0].status).toBe('approved');
  });
});

describe('a register on paper and in a spreadsheet', () => {
  let t: TestApp;
  let who: CohortActors;
  let cohort: { id: string; number: number; course_id: string };

  beforeAll(async () => {
    t = await createTestApp();
    const course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id);
    who = await cohortActors(t, cohort.id);
  });
  afterAll(() => t?.close());

  it('the CSV neutralises formulas; the sign-in sheet PDF lists every seated student', async () => {
    const session = await makeSession(t.db, cohort.id, { title: 'Day 1' });
    const evil = await makeStudent(t.db, {
      givenName: '=HYPERLINK("http://x")',
      familyName: 'Aaron',
    });
    const plain = await makeStudent(t.db, { givenName: 'Bea', familyName: 'Bloggs' });
    const e1 = await enrol(t.db, evil.id, cohort);
    await enrol(t.db, plain.id, cohort);
    await markAttendance(t.db, session.id, e1.id, 'present');
    const http = t.http();
    await http
      .get(`/api/v1/sessions/${session.id}/attendance.csv`)
      .set(bearer(who.student))
      .expect(403);
    await http
      .get(`/api/v1/sessions/${session.id}/attendance.csv`)
      .set(bearer(who.otherTutor))
      .expect(404);
    const csv = await http
      .get(`/api/v1/sessions/${session.id}/attendance.csv`)
      .set(bearer(who.tutor))
      .expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'familyName,givenName,enrolmentId,status,minutesAttended,note,checkedInAt,markedBy,markedAt,statusLabel',
    );
    expect(lines[1]).toMatch(
      /^Aaron,"'=HYPERLINK\(""http:\/\/x""\)",[0-9a-f-]{36},present,360,.*,Present$/,
    );
    expect(lines[2]).toMatch(/^Bloggs,Bea,[0-9a-f-]{36},,,,,,,$/);

    const pdf = await http
      .get(`/api/v1/sessions/${session.id}/sign-in-sheet.pdf`)
      .set(bearer(who.tutor))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain('Sign-in sheet: Day 1');
    expect(text).toContain('Bloggs, Bea');
    expect(text).toContain('Signature');
  });
});
