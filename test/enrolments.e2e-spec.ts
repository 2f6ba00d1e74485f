import { randomUUID } from 'node:crypto';
import { makeCohort, makeCourse, makeStudent } from './helpers/factories';
import { makeEnrolmentRow } from './helpers/enrolment-factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

describe('enrolments', () => {
  let t: TestApp;
  let admin: TestUser;
  let tutor: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    tutor = await createUser(t, 'tutor');
  });
  afterAll(() => t.close());

  const enrol = (cohortId: string, body: object, user: TestUser = admin) =>
    t.http().post(`/api/v1/cohorts/${cohortId}/enrolments`).set(bearer(user)).send(body);
  const action = (id: string, verb: string, body: object, user: TestUser = admin) =>
    t.http().post(`/api/v1/enrolments/${id}/${verb}`).set(bearer(user)).send(body);
  const statusOf = async (id: string) =>
    (await t.db.query('SELECT status FROM enrolments WHERE id = $1', [id]))[0].status as string;

  async function setup(capacity = 70) {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, { capacity });
    return { course, cohort };
  }

  describe('POST /cohorts/:cohortId/enrolments', () => {
    it('seats a student while the cohort has room, with enrolledAt defaulting to now, and audits it', async () => {
      const { cohort } = await setup();
      const student = await makeStudent(t.db, { givenName: 'Amara', familyName: 'Okafor' });
      const before = Date.now();
      const res = await enrol(cohort.id, { studentId: student.id, route: 'graduate_certificate' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        studentId: student.id,
        cohortId: cohort.id,
        route: 'graduate_certificate',
        status: 'enrolled',
        studentName: 'Amara Okafor',
        waitlistPosition: null,
      });
      expect(res.body.enrolledAt).toMatch(/Z$/);
      expect(Date.parse(res.body.enrolledAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(res.body.seatedAt).not.toBeNull();

      const audit = await t.db.query(
        `SELECT action, actor_id, before, after, request_id FROM audit_events
          WHERE entity_type = 'enrolment' AND entity_id = $1`,
        [res.body.id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'enrolment.create',
        actor_id: admin.id,
        before: null,
        after: { status: 'enrolled', studentId: student.id },
      });
      expect(audit[0].request_id).toEqual(res.headers['x-request-id']);
    });

    it('waitlists a student when every seat is taken, reporting their place in the queue', async () => {
      const { cohort } = await setup(1);
      const [a, b, c] = [await makeStudent(t.db), await makeStudent(t.db), await makeStudent(t.db)];
      expect(
        (await enrol(cohort.id, { studentId: a.id, route: 'graduate_certificate' })).body.status,
      ).toBe('enrolled');
      const second = await enrol(cohort.id, { studentId: b.id, route: 'graduate_certificate' });
      const third = await enrol(cohort.id, { studentId: c.id, route: 'postgraduate_certificate' });
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({
        status: 'waitlisted',
        seatedAt: null,
        waitlistPosition: 1,
      });
      expect(third.body).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    });

    it('accepts a backdated enrolledAt for historical records but refuses one more than a day ahead', async () => {
      const { cohort } = await setup();
      const old = await enrol(cohort.id, {
        studentId: (await makeStudent(t.db)).id,
        route: 'graduate_certificate',
        enrolledAt: '2015-09-01T08:00:00Z',
      });
      expect(old.status).toBe(201);
      expect(old.body.enrolledAt).toBe('2015-09-01T08:00:00.000Z');

      const future = await enrol(cohort.id, {
        studentId: (await makeStudent(t.db)).id,
        route: 'graduate_certificate',
        enrolledAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
      });
      expect(future.status).toBe(422);
      expect(future.body).toMatchObject({ code: 'enrolled_at_in_future' });
      expect(future.body.errors[0].field).toBe('enrolledAt');
    });

    it('answers 409 for a second enrolment in the same cohort', async () => {
      const { cohort } = await setup();
      const student = await makeStudent(t.db);
      await enrol(cohort.id, { studentId: student.id, route: 'graduate_certificate' });
      const again = await enrol(cohort.id, {
        studentId: student.id,
        route: 'graduate_certificate',
      });
      expect(again.status).toBe(409);
      expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(again.body.code).toBe('already_enrolled');
    });

    it('answers 409 when the student holds an active enrolment in another cohort of the course', async () => {
      const { course, cohort } = await setup();
      const other = await makeCohort(t.db, course.id);
      const student = await makeStudent(t.db);
      await enrol(cohort.id, { studentId: student.id, route: 'graduate_certificate' });
      const res = await enrol(other.id, { studentId: student.id, route: 'graduate_certificate' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('active_enrolment_on_course');
    });

    it('answers 422 for a route the course does not offer', async () => {
      const { course, cohort } = await setup();
      await t.db.query(`UPDATE courses SET routes = '["graduate_certificate"]' WHERE id = $1`, [
        course.id,
      ]);
      const res = await enrol(cohort.id, {
        studentId: (await makeStudent(t.db)).id,
        route: 'postgraduate_certificate',
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('route_not_offered');
    });

    it.each<[string, object, string]>([
      ['a missing studentId', { route: 'graduate_certificate' }, 'studentId'],
      ['an unknown route', { studentId: randomUUID(), route: 'diploma' }, 'route'],
      [
        'a malformed enrolledAt',
        { studentId: randomUUID(), route: 'graduate_certificate', enrolledAt: 'last tuesday' },
        'enrolledAt',
      ],
      [
        'an unknown property',
        { studentId: randomUUID(), route: 'graduate_certificate', status: 'enrolled' },
        'status',
      ],
    ])('answers 400 naming the field for %s', async (_name, body, field) => {
      const { cohort } = await setup();
      const res = await enrol(cohort.id, body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 404 for an unknown cohort or student, 400 for a malformed cohort id', async () => {
      const { cohort } = await setup();
      const student = await makeStudent(t.db);
      const noCohort = await enrol(randomUUID(), {
        studentId: student.id,
        route: 'graduate_certificate',
      });
      expect(noCohort.status).toBe(404);
      expect(noCohort.body.code).toBe('cohort_not_found');
      const noStudent = await enrol(cohort.id, {
        studentId: randomUUID(),
        route: 'graduate_certificate',
      });
      expect(noStudent.status).toBe(404);
      expect(noStudent.body.code).toBe('student_not_found');
      const bad = await enrol('not-a-uuid', {
        studentId: student.id,
        route: 'graduate_certificate',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('cohortId');
    });

    it('is for admins only (403 for a tutor of the cohort and for a student)', async () => {
      const { cohort } = await setup();
      const s = await makeStudent(t.db);
      const teaching = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
      const studentUser = await createUser(t, 'student', { studentId: s.id });
      for (const user of [teaching, studentUser]) {
        const res = await enrol(
          cohort.id,
          { studentId: s.id, route: 'graduate_certificate' },
          user,
        );
        expect(res.status).toBe(403);
      }
    });
  });

  describe('GET /cohorts/:cohortId/enrolments', () => {
    it('lists seated first then the waiting list in queue order, with names, paginated and filtered by status', async () => {
      const { cohort } = await setup(2);
      const names = ['Ada', 'Bea', 'Cai', 'Dev'];
      const ids: string[] = [];
      for (const givenName of names) {
        const s = await makeStudent(t.db, { givenName, familyName: 'Test' });
        ids.push(
          (await enrol(cohort.id, { studentId: s.id, route: 'graduate_certificate' })).body.id,
        );
      }
      const all = await t.http().get(`/api/v1/cohorts/${cohort.id}/enrolments`).set(bearer(admin));
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
      expect(
        all.body.items.map((e: { studentName: string; status: string }) => [
          e.studentName,
          e.status,
        ]),
      ).toEqual([
        ['Ada Test', 'enrolled'],
        ['Bea Test', 'enrolled'],
        ['Cai Test', 'waitlisted'],
        ['Dev Test', 'waitlisted'],
      ]);
      expect(all.body.items[0].student).toMatchObject({ givenName: 'Ada', familyName: 'Test' });
      expect(all.body.items[0].student.email).toMatch(/@pod\.test$/);

      const waiting = await t
        .http()
        .get(`/api/v1/cohorts/${cohort.id}/enrolments?status=waitlisted&limit=1&offset=1`)
        .set(bearer(admin));
      expect(waiting.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(waiting.body.items.map((e: { id: string }) => e.id)).toEqual([ids[3]]);

      const pastEnd = await t
        .http()
        .get(`/api/v1/cohorts/${cohort.id}/enrolments?offset=10`)
        .set(bearer(admin));
      expect(pastEnd.body).toMatchObject({ items: [], total: 4 });
    });

    it('lets a tutor of the cohort list it; another tutor gets 404, a student 403', async () => {
      const { cohort } = await setup();
      const teaching = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
      const s = await makeStudent(t.db);
      const studentUser = await createUser(t, 'student', { studentId: s.id });
      const url = `/api/v1/cohorts/${cohort.id}/enrolments`;
      expect((await t.http().get(url).set(bearer(teaching))).status).toBe(200);
      expect((await t.http().get(url).set(bearer(tutor))).status).toBe(404);
      expect((await t.http().get(url).set(bearer(studentUser))).status).toBe(403);
    });

    it('answers 400 naming status for an unknown status and 404 for an unknown cohort', async () => {
      const { cohort } = await setup();
      const bad = await t
        .http()
        .get(`/api/v1/cohorts/${cohort.id}/enrolments?status=graduated`)
        .set(bearer(admin));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('status');
      const missing = await t
        .http()
        .get(`/api/v1/cohorts/${randomUUID()}/enrolments`)
        .set(bearer(admin));
      expect(missing.status).toBe(404);
    });
  });

  describe('GET /enrolments/:enrolmentId', () => {
    it('shows a student their own enrolment and answers 404 for anyone else’s', async () => {
      const { cohort } = await setup();
      const [me, other] = [await makeStudent(t.db), await makeStudent(t.db)];
      const mine = await makeEnrolmentRow(t.db, me.id, cohort);
      const theirs = await makeEnrolmentRow(t.db, other.id, cohort);
      const meUser = await createUser(t, 'student', { studentId: me.id });

      const own = await t.http().get(`/api/v1/enrolments/${mine.id}`).set(bearer(meUser));
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: mine.id, studentId: me.id, status: 'enrolled' });

      const others = await t.http().get(`/api/v1/enrolments/${theirs.id}`).set(bearer(meUser));
      expect(others.status).toBe(404);
      expect(others.body.code).toBe('enrolment_not_found');
    });

    it('shows admins any enrolment and tutors only their cohorts’ (404 otherwise)', async () => {
      const { cohort } = await setup();
      const e = await makeEnrolmentRow(t.db, (await makeStudent(t.db)).id, cohort);
      const teaching = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
      const url = `/api/v1/enrolments/${e.id}`;
      expect((await t.http().get(url).set(bearer(admin))).status).toBe(200);
      expect((await t.http().get(url).set(bearer(teaching))).status).toBe(200);
      expect((await t.http().get(url).set(bearer(tutor))).status).toBe(404);
      expect(
        (await t.http().get(`/api/v1/enrolments/${randomUUID()}`).set(bearer(admin))).status,
      ).toBe(404);
      expect((await t.http().get('/api/v1/enrolments/123').set(bearer(admin))).status).toBe(400);
    });
  });

  describe('withdraw, defer and the waiting list', () => {
    async function fullCohortWithQueue() {
      const { course, cohort } = await setup(2);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const s = await makeStudent(t.db);
        ids.push(
          (await enrol(cohort.id, { studentId: s.id, route: 'graduate_certificate' })).body.id,
        );
      }
      return { course, cohort, seated: ids.slice(0, 2), queue: ids.slice(2) };
    }

    it('withdrawing a seated student seats the first on the waiting list in the same change, audited', async () => {
      const { cohort, seated, queue } = await fullCohortWithQueue();
      const res = await action(seated[0], 'withdraw', { reason: 'Left the trust' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: seated[0],
        status: 'withdrawn',
        reason: 'Left the trust',
      });
      expect(res.body.endedAt).not.toBeNull();
      expect(await statusOf(queue[0])).toBe('enrolled');
      expect(await statusOf(queue[1])).toBe('waitlisted');
      const [{ seated: n }] = await t.db.query(
        `SELECT count(*)::int AS seated FROM enrolments WHERE cohort_id = $1 AND status = 'enrolled'`,
        [cohort.id],
      );
      expect(n).toBe(2);

      const audit = await t.db.query(
        `SELECT entity_id, action, before->>'status' AS "from", after->>'status' AS "to"
           FROM audit_events WHERE entity_id = ANY($1) AND action <> 'enrolment.create'
          ORDER BY created_at`,
        [[seated[0], queue[0]]],
      );
      expect(audit).toEqual([
        { entity_id: seated[0], action: 'enrolment.withdraw', from: 'enrolled', to: 'withdrawn' },
        {
          entity_id: queue[0],
          action: 'enrolment.seat_from_waitlist',
          from: 'waitlisted',
          to: 'enrolled',
        },
      ]);
      const promoted = await t.http().get(`/api/v1/enrolments/${queue[0]}`).set(bearer(admin));
      expect(promoted.body.seatedAt).not.toBeNull();
      expect(promoted.body.waitlistPosition).toBeNull();
    });

    it('deferring a seated student also seats the first waitlisted', async () => {
      const { seated, queue } = await fullCohortWithQueue();
      const res = await action(seated[1], 'defer', { reason: 'Maternity leave' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('deferred');
      expect(await statusOf(queue[0])).toBe('enrolled');
    });

    it('withdrawing a waitlisted student frees no seat and moves the rest of the queue up', async () => {
      const { seated, queue } = await fullCohortWithQueue();
      const res = await action(queue[0], 'withdraw', { reason: 'Found another course' });
      expect(res.body.status).toBe('withdrawn');
      expect(await statusOf(seated[0])).toBe('enrolled');
      expect(await statusOf(queue[1])).toBe('waitlisted');
      const next = await t.http().get(`/api/v1/enrolments/${queue[1]}`).set(bearer(admin));
      expect(next.body.waitlistPosition).toBe(1);
    });

    it('refuses an illegal transition with 409 illegal_transition', async () => {
      const { seated, queue } = await fullCohortWithQueue();
      await action(seated[0], 'withdraw', { reason: 'Left' });
      const again = await action(seated[0], 'withdraw', { reason: 'Again' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('illegal_transition');
      const deferWaitlisted = await action(queue[1], 'defer', { reason: 'Not seated yet' });
      expect(deferWaitlisted.status).toBe(409);
      expect(deferWaitlisted.body.code).toBe('illegal_transition');
    });

    it('answers 400 naming reason, 404 for an unknown enrolment and 403 for a tutor', async () => {
      const { cohort, seated } = await fullCohortWithQueue();
      for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(1001) }]) {
        const res = await action(seated[0], 'withdraw', body);
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe('reason');
      }
      expect((await action(randomUUID(), 'defer', { reason: 'x' })).status).toBe(404);
      const teaching = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
      expect((await action(seated[0], 'withdraw', { reason: 'x' }, teaching)).status).toBe(403);
      expect((await action(seated[0], 'defer', { reason: 'x' }, teaching)).status).toBe(403);
    });
  });

  describe('POST /enrolments/:enrolmentId/resume', () => {
    it('a deferred student comes back to a free seat, through the audited transition', async () => {
      const { cohort } = await setup(2);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const s = await makeStudent(t.db);
        ids.push(
          (await enrol(cohort.id, { studentId: s.id, route: 'graduate_certificate' })).body.id,
        );
      }
      await action(ids[0], 'defer', { reason: 'Sick leave' });
      const res = await action(ids[0], 'resume', { reason: 'Back from sick leave' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: ids[0],
        status: 'enrolled',
        reason: 'Back from sick leave',
        waitlistPosition: null,
      });
      // Sessions held while they were away never count against them.
      expect(Date.parse(res.body.enrolledAt)).toBeGreaterThan(Date.now() - 60_000);
      const audit = await t.db.query(
        `SELECT action, actor_id, before->>'status' AS "from", after->>'status' AS "to"
           FROM audit_events WHERE entity_id = $1 ORDER BY created_at`,
        [ids[0]],
      );
      expect(audit[audit.length - 1]).toEqual({
        action: 'enrolment.resume',
        actor_id: admin.id,
        from: 'deferred',
        to: 'enrolled',
      });
    });

    it('joins the back of the waiting list when the cohort is full', async () => {
      const { cohort } = await setup(1);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const s = await makeStudent(t.db);
        ids.push(
          (await enrol(cohort.id, { studentId: s.id, route: 'graduate_certificate' })).body.id,
        );
      }
      // ids[0] seated, ids[1] and ids[2] waiting; deferring ids[0] seats ids[1].
      await action(ids[0], 'defer', { reason: 'Sick leave' });
      expect(await statusOf(ids[1])).toBe('enrolled');
      const res = await action(ids[0], 'resume', { reason: 'Back' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
      expect(await statusOf(ids[1])).toBe('enrolled');
    });

    it('only a deferred enrolment resumes (409), a reason is required (400), admins only (403)', async () => {
      const { cohort } = await setup(1);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const s = await makeStudent(t.db);
        ids.push(
          (await enrol(cohort.id, { studentId: s.id, route: 'graduate_certificate' })).body.id,
        );
      }
      const seated = await action(ids[0], 'resume', { reason: 'x' });
      expect(seated.status).toBe(409);
      expect(seated.body.code).toBe('illegal_transition');
      // A waitlisted student cannot jump the queue by "resuming".
      const queued = await action(ids[1], 'resume', { reason: 'x' });
      expect(queued.status).toBe(409);
      expect(await statusOf(ids[1])).toBe('waitlisted');
      await action(ids[0], 'defer', { reason: 'Away' });
      const noReason = await action(ids[0], 'resume', {});
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors[0].field).toBe('reason');
      const teaching = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
      expect((await action(ids[0], 'resume', { reason: 'x' }, teaching)).status).toBe(403);
      expect((await action(randomUUID(), 'resume', { reason: 'x' })).status).toBe(404);
    });
  });

  describe('POST /enrolments/:enrolmentId/transfer', () => {
    it('moves a student to a later cohort of the course, links both enrolments and seats the next waitlisted', async () => {
      const { course, cohort } = await setup(1);
      const later = await makeCohort(t.db, course.id, {
        capacity: 5,
        startDate: '2019-01-07',
        endDate: '2019-12-13',
      });
      const [a, b] = [await makeStudent(t.db), await makeStudent(t.db)];
      const seated = (
        await enrol(cohort.id, { studentId: a.id, route: 'postgraduate_certificate' })
      ).body.id;
      const waiting = (await enrol(cohort.id, { studentId: b.id, route: 'graduate_certificate' }))
        .body.id;

      const res = await action(seated, 'transfer', { toCohortId: later.id, reason: 'Shift work' });
      expect(res.status).toBe(200);
      expect(res.body.from).toMatchObject({
        id: seated,
        status: 'transferred',
        reason: 'Shift work',
        transferredToId: res.body.to.id,
      });
      expect(res.body.to).toMatchObject({
        studentId: a.id,
        cohortId: later.id,
        route: 'postgraduate_certificate',
        status: 'enrolled',
        transferredFromId: seated,
      });
      expect(await statusOf(waiting)).toBe('enrolled');

      const actions = await t.db.query(
        `SELECT action FROM audit_events WHERE entity_id = ANY($1) ORDER BY created_at, action`,
        [[seated, res.body.to.id, waiting]],
      );
      expect(actions.map((r: { action: string }) => r.action)).toEqual(
        expect.arrayContaining([
          'enrolment.transfer',
          'enrolment.create',
          'enrolment.seat_from_waitlist',
        ]),
      );
    });

    it('waitlists the student in a full target cohort', async () => {
      const { course, cohort } = await setup();
      const full = await makeCohort(t.db, course.id, { capacity: 1 });
      await makeEnrolmentRow(t.db, (await makeStudent(t.db)).id, full);
      const e = await makeEnrolmentRow(t.db, (await makeStudent(t.db)).id, cohort);
      const res = await action(e.id, 'transfer', { toCohortId: full.id, reason: 'Moved' });
      expect(res.status).toBe(200);
      expect(res.body.to.status).toBe('waitlisted');
    });

    it('refuses a cohort of another course or the same cohort (422) and an unknown cohort (404)', async () => {
      const { cohort } = await setup();
      const elsewhere = (await setup()).cohort;
      const e = await makeEnrolmentRow(t.db, (await makeStudent(t.db)).id, cohort);
      const other = await action(e.id, 'transfer', { toCohortId: elsewhere.id, reason: 'x' });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('transfer_other_course');
      const same = await action(e.id, 'transfer', { toCohortId: cohort.id, reason: 'x' });
      expect(same.status).toBe(422);
      expect(same.body.code).toBe('transfer_same_cohort');
      const unknown = await action(e.id, 'transfer', { toCohortId: randomUUID(), reason: 'x' });
      expect(unknown.status).toBe(404);
      expect(await statusOf(e.id)).toBe('enrolled');
    });

    it('refuses to transfer a withdrawn enrolment (409), a bad body (400) and a tutor (403)', async () => {
      const { course, cohort } = await setup();
      const later = await makeCohort(t.db, course.id);
      const e = await makeEnrolmentRow(t.db, (await makeStudent(t.db)).id, cohort, {
        status: 'withdrawn',
      });
      const res = await action(e.id, 'transfer', { toCohortId: later.id, reason: 'x' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('illegal_transition');
      const bad = await action(e.id, 'transfer', { toCohortId: 'next one', reason: 'x' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('toCohortId');
      const teaching = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
      expect(
        (await action(e.id, 'transfer', { toCohortId: later.id, reason: 'x' }, teaching)).status,
      ).toBe(403);
    });
  });
});
