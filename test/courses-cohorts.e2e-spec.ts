import { randomUUID } from 'node:crypto';
import { cohortActors, CohortActors, enrol } from './helpers/cohorts-factories';
import {
  makeCohort,
  makeCourse,
  makeSeatedCohort,
  makeSession,
  makeStudent,
  markAttendance,
  POD_ASSESSMENTS,
  POD_RULES,
} from './helpers/factories';
import { bearer, createTestApp, createUser, TestApp } from './helpers/test-app';

const fields = (body: { errors?: Array<{ field: string }> }) =>
  (body.errors ?? []).map((e) => e.field);

const courseBody = (over: Record<string, unknown> = {}) => ({
  code: `POD${randomUUID().slice(0, 6).toUpperCase()}`,
  title: 'Peer-supported Open Dialogue, Social Network and Relational Skills',
  provider: 'NELFT NHS Foundation Trust with London South Bank University',
  accreditationBody: 'AFT',
  accreditationLevel: 'Foundation',
  targets: { contactHours: 60, independentHours: 120 },
  assessments: POD_ASSESSMENTS,
  defaultCompletionRules: [
    { type: 'min_attendance_percent', value: 80 },
    { type: 'min_contact_hours', value: 60 },
    { type: 'min_block_attendance_percent', value: 50 },
    { type: 'assessments_passed' },
    { type: 'assessments_passed', codes: ['ESSAY'] },
  ],
  ...over,
});

// jest.config's per-project testTimeout did not reach the hooks (they hit Jest's 5 s default
// under load on the shared machine), so this file sets its own.
jest.setTimeout(120_000);

describe('courses and cohorts', () => {
  let t: TestApp;
  let course: { id: string; code: string };
  let cohort: { id: string; number: number; course_id: string };
  let who: CohortActors;

  beforeAll(async () => {
    t = await createTestApp();
    course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id, { capacity: 5 });
    who = await cohortActors(t, cohort.id);
  });
  afterAll(() => t.close());

  describe('courses', () => {
    it('creates a course with targets, assessments and rules, readable by admins and tutors', async () => {
      const body = courseBody();
      const created = await t.http().post('/api/v1/courses').set(bearer(who.admin)).send(body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        code: body.code,
        accreditationBody: 'AFT',
        routes: ['graduate_certificate', 'postgraduate_certificate'],
        targets: { contactHours: 60, independentHours: 120 },
        assessments: POD_ASSESSMENTS,
        defaultCompletionRules: body.defaultCompletionRules,
      });
      const id = created.body.id;
      for (const user of [who.admin, who.tutor]) {
        const one = await t.http().get(`/api/v1/courses/${id}`).set(bearer(user));
        expect(one.status).toBe(200);
        expect(one.body.code).toBe(body.code);
        const list = await t.http().get('/api/v1/courses?limit=500').set(bearer(user));
        expect(list.status).toBe(200);
        expect(list.body).toMatchObject({ limit: 500, offset: 0 });
        expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id);
      }
      const audit = await t.db.query(
        `SELECT action FROM audit_events WHERE entity_type = 'course' AND entity_id = $1`,
        [id],
      );
      expect(audit).toEqual([{ action: 'course.create' }]);
    });

    it('refuses a duplicate course code with 409', async () => {
      const body = courseBody();
      expect(
        (await t.http().post('/api/v1/courses').set(bearer(who.admin)).send(body)).status,
      ).toBe(201);
      const dup = await t.http().post('/api/v1/courses').set(bearer(who.admin)).send(body);
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('course_code_taken');
    });

    it('refuses malformed courses with 400 naming each field, writing nothing', async () => {
      const before = await t.db.query(`SELECT count(*)::int AS n FROM courses`);
      const bad = await t
        .http()
        .post('/api/v1/courses')
        .set(bearer(who.admin))
        .send(
          courseBody({
            code: 'pod lower',
            targets: { contactHours: -1 },
            assessments: [
              { code: 'ESSAY', title: 'Essay', required: true },
              { code: 'ESSAY', title: 'Again', required: 'yes' },
            ],
            defaultCompletionRules: [
              { type: 'min_attendance_percent', value: 120 },
              { type: 'min_contact_hours' },
              { type: 'assessments_passed', value: 3 },
              { type: 'min_block_attendance_percent', value: 50, codes: ['ESSAY'] },
              { type: 'be_nice' },
            ],
          }),
        );
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(fields(bad.body)).toEqual(
        expect.arrayContaining([
          'code',
          'targets.contactHours',
          'targets.independentHours',
          'assessments',
          'assessments.1.required',
          'defaultCompletionRules.0.value',
          'defaultCompletionRules.1.value',
          'defaultCompletionRules.2.value',
          'defaultCompletionRules.3.codes',
          'defaultCompletionRules.4.type',
        ]),
      );
      const missing = await t.http().post('/api/v1/courses').set(bearer(who.admin)).send({});
      expect(missing.status).toBe(400);
      expect(fields(missing.body)).toEqual(
        expect.arrayContaining([
          'code',
          'title',
          'targets',
          'assessments',
          'defaultCompletionRules',
        ]),
      );
      const after = await t.db.query(`SELECT count(*)::int AS n FROM courses`);
      expect(after[0].n).toBe(before[0].n);
    });

    it('refuses rules that name an assessment the course does not define with 422', async () => {
      const res = await t
        .http()
        .post('/api/v1/courses')
        .set(bearer(who.admin))
        .send(
          courseBody({ defaultCompletionRules: [{ type: 'assessments_passed', codes: ['VIVA'] }] }),
        );
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['defaultCompletionRules.0.codes']);
    });

    it('updates only the fields sent, refuses null and unknown ids, and audits the change', async () => {
      const created = await t
        .http()
        .post('/api/v1/courses')
        .set(bearer(who.admin))
        .send(courseBody());
      const id = created.body.id;
      const res = await t
        .http()
        .patch(`/api/v1/courses/${id}`)
        .set(bearer(who.admin))
        .send({
          title: 'POD (2018 syllabus)',
          targets: { contactHours: 64, independentHours: 120 },
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        title: 'POD (2018 syllabus)',
        targets: { contactHours: 64, independentHours: 120 },
        provider: created.body.provider,
        assessments: POD_ASSESSMENTS,
      });
      const nul = await t
        .http()
        .patch(`/api/v1/courses/${id}`)
        .set(bearer(who.admin))
        .send({ title: null });
      expect(nul.status).toBe(400);
      expect(fields(nul.body)).toContain('title');
      expect(
        (
          await t
            .http()
            .patch(`/api/v1/courses/${randomUUID()}`)
            .set(bearer(who.admin))
            .send({ title: 'x' })
        ).status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/courses/${randomUUID()}`).set(bearer(who.admin))).status,
      ).toBe(404);
      expect((await t.http().get('/api/v1/courses/not-a-uuid').set(bearer(who.admin))).status).toBe(
        400,
      );
      const audit = await t.db.query(
        `SELECT action, before->>'title' AS before, after->>'title' AS after FROM audit_events
          WHERE entity_type = 'course' AND entity_id = $1 AND action = 'course.update'`,
        [id],
      );
      expect(audit).toEqual([
        { action: 'course.update', before: created.body.title, after: 'POD (2018 syllabus)' },
      ]);
    });

    it('refuses to drop an assessment a cohort rule still requires (422)', async () => {
      const own = await makeCourse(t.db);
      await makeCohort(t.db, own.id, {
        number: 7,
        rules: [{ type: 'assessments_passed', codes: ['PRESENT'] }],
      });
      const res = await t
        .http()
        .patch(`/api/v1/courses/${own.id}`)
        .set(bearer(who.admin))
        .send({ assessments: POD_ASSESSMENTS.filter((a) => a.code !== 'PRESENT') });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('assessment_in_use');
      expect(res.body.errors[0]).toEqual({
        field: 'assessments',
        message: 'cohort 7 requires assessment PRESENT',
      });
    });

    it('lets only admins write courses and keeps students out entirely', async () => {
      expect(
        (await t.http().post('/api/v1/courses').set(bearer(who.tutor)).send(courseBody())).status,
      ).toBe(403);
      expect(
        (
          await t
            .http()
            .patch(`/api/v1/courses/${course.id}`)
            .set(bearer(who.tutor))
            .send({ title: 'x' })
        ).status,
      ).toBe(403);
      expect((await t.http().get('/api/v1/courses').set(bearer(who.student))).status).toBe(403);
      expect(
        (await t.http().get(`/api/v1/courses/${course.id}`).set(bearer(who.student))).status,
      ).toBe(403);
    });
  });

  describe('cohorts', () => {
    it('creates a cohort with the defaults: name, time zone, status, warning level and the course rules', async () => {
      const res = await t.http().post('/api/v1/cohorts').set(bearer(who.admin)).send({
        courseId: course.id,
        number: 4,
        startDate: '2018-01-08',
        endDate: '2018-12-14',
        capacity: 70,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        courseId: course.id,
        courseCode: course.code,
        number: 4,
        name: 'Cohort 4',
        startDate: '2018-01-08',
        endDate: '2018-12-14',
        capacity: 70,
        // No status sent: it follows the dates, and 2018 has begun.
        status: 'running',
        statusSetByHand: false,
        timezone: 'Europe/London',
        completionRules: POD_RULES,
        warnAfterConsecutiveAbsences: 3,
        reminderSettings: {},
      });
      const got = await t.http().get(`/api/v1/cohorts/${res.body.id}`).set(bearer(who.admin));
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it('takes the optional fields as given', async () => {
      const res = await t
        .http()
        .post('/api/v1/cohorts')
        .set(bearer(who.admin))
        .send({
          courseId: course.id,
          number: 5,
          name: 'Cohort 5 (New York exchange)',
          startDate: '2019-01-07',
          endDate: '2019-12-13',
          capacity: 30,
          timezone: 'America/New_York',
          completionRules: [{ type: 'min_attendance_percent', value: 75.5 }],
          warnAfterConsecutiveAbsences: 2,
          reminderSettings: {
            blockOffsets: ['P7D', 'P1D'],
            sessionOffsets: ['PT2H'],
            enabled: true,
          },
          status: 'enrolling',
        });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Cohort 5 (New York exchange)',
        timezone: 'America/New_York',
        completionRules: [{ type: 'min_attendance_percent', value: 75.5 }],
        warnAfterConsecutiveAbsences: 2,
        reminderSettings: { blockOffsets: ['P7D', 'P1D'], sessionOffsets: ['PT2H'], enabled: true },
        status: 'enrolling',
      });
    });

    it('refuses a duplicate number within the course with 409, but allows it on another course', async () => {
      const body = {
        courseId: course.id,
        number: 6,
        startDate: '2020-01-06',
        endDate: '2020-12-11',
        capacity: 70,
      };
      expect(
        (await t.http().post('/api/v1/cohorts').set(bearer(who.admin)).send(body)).status,
      ).toBe(201);
      const dup = await t.http().post('/api/v1/cohorts').set(bearer(who.admin)).send(body);
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('cohort_number_taken');
      const other = await makeCourse(t.db);
      expect(
        (
          await t
            .http()
            .post('/api/v1/cohorts')
            .set(bearer(who.admin))
            .send({ ...body, courseId: other.id })
        ).status,
      ).toBe(201);
    });

    it('refuses an end before the start and an unknown course with 422 naming the field', async () => {
      const endFirst = await t.http().post('/api/v1/cohorts').set(bearer(who.admin)).send({
        courseId: course.id,
        number: 40,
        startDate: '2018-12-14',
        endDate: '2018-01-08',
        capacity: 70,
      });
      expect(endFirst.status).toBe(422);
      expect(fields(endFirst.body)).toEqual(['endDate']);
      const noCourse = await t.http().post('/api/v1/cohorts').set(bearer(who.admin)).send({
        courseId: randomUUID(),
        number: 41,
        startDate: '2018-01-08',
        endDate: '2018-12-14',
        capacity: 70,
      });
      expect(noCourse.status).toBe(422);
      expect(fields(noCourse.body)).toEqual(['courseId']);
      const badCode = await t
        .http()
        .post('/api/v1/cohorts')
        .set(bearer(who.admin))
        .send({
          courseId: course.id,
          number: 42,
          startDate: '2018-01-08',
          endDate: '2018-12-14',
          capacity: 70,
          completionRules: [{ type: 'assessments_passed', codes: ['NOPE'] }],
        });
      expect(badCode.status).toBe(422);
      expect(fields(badCode.body)).toEqual(['completionRules.0.codes']);
    });

    it('refuses malformed cohorts with 400 naming each field, writing nothing', async () => {
      const before = await t.db.query(`SELECT count(*)::int AS n FROM cohorts`);
      const bad = await t
        .http()
        .post('/api/v1/cohorts')
        .set(bearer(who.admin))
        .send({
          courseId: 'nope',
          number: 0,
          startDate: '2018-02-30',
          endDate: '14/12/2018',
          capacity: 0,
          timezone: 'Europe/Londn',
          completionRules: [{ type: 'min_contact_hours', value: -5 }],
          warnAfterConsecutiveAbsences: 0,
          reminderSettings: { blockOffsets: ['7 days'] },
          status: 'open',
          colour: 'blue',
        });
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(
        expect.arrayContaining([
          'courseId',
          'number',
          'startDate',
          'endDate',
          'capacity',
          'timezone',
          'completionRules.0.value',
          'warnAfterConsecutiveAbsences',
          'reminderSettings.blockOffsets',
          'status',
          'colour',
        ]),
      );
      const after = await t.db.query(`SELECT count(*)::int AS n FROM cohorts`);
      expect(after[0].n).toBe(before[0].n);
    });

    it('lists cohorts with filters for admins, and only their own cohorts for tutors', async () => {
      const other = await makeCourse(t.db);
      const a = await makeCohort(t.db, other.id, { number: 1, status: 'completed' });
      const b = await makeCohort(t.db, other.id, { number: 2, status: 'running' });
      const tutorOfA = await createUser(t, 'tutor', { cohortIds: [a.id] });

      const all = await t.http().get(`/api/v1/cohorts?courseId=${other.id}`).set(bearer(who.admin));
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
      expect(all.body.items.map((c: { number: number }) => c.number)).toEqual([1, 2]);

      const running = await t
        .http()
        .get(`/api/v1/cohorts?courseId=${other.id}&status=running`)
        .set(bearer(who.admin));
      expect(running.body.items.map((c: { id: string }) => c.id)).toEqual([b.id]);

      const paged = await t
        .http()
        .get(`/api/v1/cohorts?courseId=${other.id}&limit=1&offset=1`)
        .set(bearer(who.admin));
      expect(paged.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(paged.body.items.map((c: { id: string }) => c.id)).toEqual([b.id]);

      const mine = await t.http().get('/api/v1/cohorts').set(bearer(tutorOfA));
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
      expect(mine.body.total).toBe(1);

      const bad = await t
        .http()
        .get('/api/v1/cohorts?status=open&courseId=x')
        .set(bearer(who.admin));
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(expect.arrayContaining(['status', 'courseId']));
      expect((await t.http().get('/api/v1/cohorts').set(bearer(who.student))).status).toBe(403);
    });

    it("answers 404 to a tutor for another tutor's cohort, and to anyone for an unknown one", async () => {
      expect(
        (await t.http().get(`/api/v1/cohorts/${cohort.id}`).set(bearer(who.tutor))).status,
      ).toBe(200);
      expect(
        (await t.http().get(`/api/v1/cohorts/${cohort.id}`).set(bearer(who.otherTutor))).status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${randomUUID()}`).set(bearer(who.admin))).status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${cohort.id}`).set(bearer(who.student))).status,
      ).toBe(403);
    });

    it('updates a cohort: changed fields only, rules validated, dates checked, audited', async () => {
      const own = await makeCohort(t.db, course.id);
      const res = await t
        .http()
        .patch(`/api/v1/cohorts/${own.id}`)
        .set(bearer(who.admin))
        .send({
          name: 'Cohort renamed',
          status: 'completed',
          completionRules: [{ type: 'assessments_passed', codes: ['ESSAY', 'PRACTICE'] }],
          warnAfterConsecutiveAbsences: 4,
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Cohort renamed',
        status: 'completed',
        completionRules: [{ type: 'assessments_passed', codes: ['ESSAY', 'PRACTICE'] }],
        warnAfterConsecutiveAbsences: 4,
        startDate: '2018-01-08',
        capacity: 70,
      });
      const audit = await t.db.query(
        `SELECT before->>'status' AS before, after->>'status' AS after FROM audit_events
          WHERE entity_type = 'cohort' AND entity_id = $1 AND action = 'cohort.update'`,
        [own.id],
      );
      expect(audit).toEqual([{ before: 'running', after: 'completed' }]);

      const endFirst = await t
        .http()
        .patch(`/api/v1/cohorts/${own.id}`)
        .set(bearer(who.admin))
        .send({ endDate: '2017-12-31' });
      expect(endFirst.status).toBe(422);
      expect(fields(endFirst.body)).toEqual(['endDate']);

      const block = await t
        .http()
        .post(`/api/v1/cohorts/${own.id}/blocks`)
        .set(bearer(who.admin))
        .send({ title: 'Residential week 4', startDate: '2018-11-26', endDate: '2018-11-30' });
      expect(block.status).toBe(201);
      const shrink = await t
        .http()
        .patch(`/api/v1/cohorts/${own.id}`)
        .set(bearer(who.admin))
        .send({ endDate: '2018-10-31' });
      expect(shrink.status).toBe(422);
      expect(shrink.body.code).toBe('blocks_outside_cohort');

      const nul = await t
        .http()
        .patch(`/api/v1/cohorts/${own.id}`)
        .set(bearer(who.admin))
        .send({ capacity: null, timezone: 'Nowhere/Else' });
      expect(nul.status).toBe(400);
      expect(fields(nul.body)).toEqual(expect.arrayContaining(['capacity', 'timezone']));

      const duplicate = await t
        .http()
        .patch(`/api/v1/cohorts/${own.id}`)
        .set(bearer(who.admin))
        .send({ number: cohort.number });
      expect(duplicate.status).toBe(409);

      expect(
        (
          await t
            .http()
            .patch(`/api/v1/cohorts/${randomUUID()}`)
            .set(bearer(who.admin))
            .send({ name: 'x' })
        ).status,
      ).toBe(404);
      expect(
        (
          await t
            .http()
            .patch(`/api/v1/cohorts/${own.id}`)
            .set(bearer(who.tutor))
            .send({ name: 'x' })
        ).status,
      ).toBe(403);
    });

    it('refuses capacity below the seats taken (409) and seats the waiting list, in order, when it rises', async () => {
      const own = await makeCohort(t.db, course.id, { capacity: 2 });
      for (let i = 0; i < 2; i++) await enrol(t.db, (await makeStudent(t.db)).id, own);
      const waiting = [];
      for (let i = 0; i < 3; i++) {
        waiting.push(await enrol(t.db, (await makeStudent(t.db)).id, own, 'waitlisted'));
      }
      const lower = await t
        .http()
        .patch(`/api/v1/cohorts/${own.id}`)
        .set(bearer(who.admin))
        .send({ capacity: 1 });
      expect(lower.status).toBe(409);
      expect(fields(lower.body)).toEqual(['capacity']);

      const raise = await t
        .http()
        .patch(`/api/v1/cohorts/${own.id}`)
        .set(bearer(who.admin))
        .send({ capacity: 4 });
      expect(raise.status).toBe(200);
      const statuses = await t.db.query(
        `SELECT id, status FROM enrolments WHERE id = ANY($1::uuid[])`,
        [waiting.map((w) => w.id)],
      );
      const byId = Object.fromEntries(
        statuses.map((r: { id: string; status: string }) => [r.id, r.status]),
      );
      expect(waiting.map((w) => byId[w.id])).toEqual(['enrolled', 'enrolled', 'waitlisted']);
      const summary = await t
        .http()
        .get(`/api/v1/cohorts/${own.id}/summary`)
        .set(bearer(who.admin));
      expect(summary.body).toMatchObject({ capacity: 4, seatsLeft: 0, enrolled: 4, waitlisted: 1 });
      const audited = await t.db.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'enrolment.seat_from_waitlist' AND entity_id = ANY($1::uuid[])`,
        [waiting.map((w) => w.id)],
      );
      expect(audited[0].n).toBe(2);
    });
  });

  describe('tutor assignment', () => {
    it('assigns a tutor, who then sees the cohort, and removes them again', async () => {
      const own = await makeCohort(t.db, course.id);
      const newTutor = await createUser(t, 'tutor');
      expect((await t.http().get(`/api/v1/cohorts/${own.id}`).set(bearer(newTutor))).status).toBe(
        404,
      );

      const assigned = await t
        .http()
        .post(`/api/v1/cohorts/${own.id}/tutors`)
        .set(bearer(who.admin))
        .send({ userId: newTutor.id });
      expect(assigned.status).toBe(201);
      expect(assigned.body).toMatchObject({ userId: newTutor.id, email: newTutor.email });
      const again = await t
        .http()
        .post(`/api/v1/cohorts/${own.id}/tutors`)
        .set(bearer(who.admin))
        .send({ userId: newTutor.id });
      expect(again.status).toBe(201);

      expect((await t.http().get(`/api/v1/cohorts/${own.id}`).set(bearer(newTutor))).status).toBe(
        200,
      );
      const list = await t.http().get(`/api/v1/cohorts/${own.id}/tutors`).set(bearer(newTutor));
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({
        total: 1,
        items: [{ userId: newTutor.id, email: newTutor.email }],
      });

      const removed = await t
        .http()
        .delete(`/api/v1/cohorts/${own.id}/tutors/${newTutor.id}`)
        .set(bearer(who.admin));
      expect(removed.status).toBe(204);
      expect((await t.http().get(`/api/v1/cohorts/${own.id}`).set(bearer(newTutor))).status).toBe(
        404,
      );
      expect(
        (
          await t
            .http()
            .delete(`/api/v1/cohorts/${own.id}/tutors/${newTutor.id}`)
            .set(bearer(who.admin))
        ).status,
      ).toBe(404);
      const audit = await t.db.query(
        `SELECT action FROM audit_events WHERE entity_type = 'cohort' AND entity_id = $1 ORDER BY created_at`,
        [own.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'cohort.tutor_assign',
        'cohort.tutor_unassign',
      ]);
    });

    it('refuses a user who is not a tutor with 422, a bad id with 400 and an unknown cohort with 404', async () => {
      const notTutor = await t
        .http()
        .post(`/api/v1/cohorts/${cohort.id}/tutors`)
        .set(bearer(who.admin))
        .send({ userId: who.student.id });
      expect(notTutor.status).toBe(422);
      expect(fields(notTutor.body)).toEqual(['userId']);
      const nobody = await t
        .http()
        .post(`/api/v1/cohorts/${cohort.id}/tutors`)
        .set(bearer(who.admin))
        .send({ userId: randomUUID() });
      expect(nobody.status).toBe(422);
      const bad = await t
        .http()
        .post(`/api/v1/cohorts/${cohort.id}/tutors`)
        .set(bearer(who.admin))
        .send({ userId: 'me' });
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['userId']);
      const noCohort = await t
        .http()
        .post(`/api/v1/cohorts/${randomUUID()}/tutors`)
        .set(bearer(who.admin))
        .send({ userId: who.tutor.id });
      expect(noCohort.status).toBe(404);
    });

    it("keeps tutor assignment to admins and the list to the cohort's own tutors", async () => {
      expect(
        (
          await t
            .http()
            .post(`/api/v1/cohorts/${cohort.id}/tutors`)
            .set(bearer(who.tutor))
            .send({ userId: who.otherTutor.id })
        ).status,
      ).toBe(403);
      expect(
        (
          await t
            .http()
            .delete(`/api/v1/cohorts/${cohort.id}/tutors/${who.tutor.id}`)
            .set(bearer(who.tutor))
        ).status,
      ).toBe(403);
      expect(
        (await t.http().get(`/api/v1/cohorts/${cohort.id}/tutors`).set(bearer(who.otherTutor)))
          .status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${cohort.id}/tutors`).set(bearer(who.student))).status,
      ).toBe(403);
    });
  });

  describe('summary', () => {
    it('counts seats, every enrolment status and issued certificates', async () => {
      const own = await makeCohort(t.db, course.id, { capacity: 10 });
      const statuses = [
        'enrolled',
        'enrolled',
        'enrolled',
        'waitlisted',
        'waitlisted',
        'deferred',
        'withdrawn',
        'transferred',
        'completed',
        'completed',
        'not_completed',
      ];
      const enrolments = [];
      for (const status of statuses) {
        enrolments.push(await enrol(t.db, (await makeStudent(t.db)).id, own, status));
      }
      // One issued and one revoked certificate for the two completed enrolments.
      for (const [i, status] of [
        [8, 'issued'],
        [9, 'revoked'],
      ] as const) {
        await t.db.query(
          `INSERT INTO certificates (enrolment_id, cohort_id, sequence, serial, verification_code, status,
                                     holder_name, course_title, cohort_name, route, contact_hours,
                                     accreditation_line, issued_at, pdf, sha256)
           VALUES ($1, $2, $3, $4, $5, $6, 'A Student', 'POD', 'Cohort', 'graduate_certificate', 60,
                   'AFT Foundation', now(), '\\x00', repeat('0', 64))`,
          [
            enrolments[i].id,
            own.id,
            i,
            `T-${own.id.slice(0, 8)}-${i}`,
            `V${own.id.slice(0, 8)}${i}`,
            status,
          ],
        );
      }
      const tutor = await createUser(t, 'tutor', { cohortIds: [own.id] });
      for (const user of [who.admin, tutor]) {
        const res = await t.http().get(`/api/v1/cohorts/${own.id}/summary`).set(bearer(user));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          capacity: 10,
          seatsLeft: 4,
          enrolled: 3,
          waitlisted: 2,
          deferred: 1,
          withdrawn: 1,
          transferred: 1,
          completed: 2,
          notCompleted: 1,
          meanAttendancePercent: null,
          atRisk: 0,
          certificatesIssued: 1,
        });
      }
    });

    it('reports mean attendance and at-risk counts from the same measures as progress', async () => {
      const seated = await makeSeatedCohort(t.db, 2);
      const session = await makeSession(t.db, seated.cohort.id);
      await markAttendance(t.db, session.id, seated.enrolments[0].id, 'present');
      await markAttendance(t.db, session.id, seated.enrolments[1].id, 'absent');
      const res = await t
        .http()
        .get(`/api/v1/cohorts/${seated.cohort.id}/summary`)
        .set(bearer(who.admin));
      expect(res.status).toBe(200);
      // (100% + 0%) / 2; the absent student can no longer reach 80% with no sessions left.
      expect(res.body).toMatchObject({ enrolled: 2, meanAttendancePercent: 50, atRisk: 1 });
    });

    it('answers an empty cohort, and 404 / 403 to those who may not see it', async () => {
      const empty = await t
        .http()
        .get(`/api/v1/cohorts/${cohort.id}/summary`)
        .set(bearer(who.tutor));
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({
        capacity: 5,
        seatsLeft: 5,
        enrolled: 0,
        certificatesIssued: 0,
      });
      expect(
        (await t.http().get(`/api/v1/cohorts/${cohort.id}/summary`).set(bearer(who.otherTutor)))
          .status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${randomUUID()}/summary`).set(bearer(who.admin)))
          .status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${cohort.id}/summary`).set(bearer(who.student)))
          .status,
      ).toBe(403);
    });
  });

  describe('blocks', () => {
    it('adds blocks within the cohort and lists them in date order', async () => {
      const own = await makeCohort(t.db, course.id);
      const tutor = await createUser(t, 'tutor', { cohortIds: [own.id] });
      const later = await t
        .http()
        .post(`/api/v1/cohorts/${own.id}/blocks`)
        .set(bearer(who.admin))
        .send({ title: 'Residential week 2', startDate: '2018-03-26', endDate: '2018-03-30' });
      expect(later.status).toBe(201);
      expect(later.body).toMatchObject({
        cohortId: own.id,
        title: 'Residential week 2',
        startDate: '2018-03-26',
        endDate: '2018-03-30',
        sessionCount: 0,
      });
      await t
        .http()
        .post(`/api/v1/cohorts/${own.id}/blocks`)
        .set(bearer(who.admin))
        .send({ title: 'Residential week 1', startDate: '2018-01-08', endDate: '2018-01-12' });
      for (const user of [who.admin, tutor]) {
        const list = await t.http().get(`/api/v1/cohorts/${own.id}/blocks`).set(bearer(user));
        expect(list.status).toBe(200);
        expect(list.body.total).toBe(2);
        expect(list.body.items.map((b: { title: string }) => b.title)).toEqual([
          'Residential week 1',
          'Residential week 2',
        ]);
      }
      expect(
        (await t.http().get(`/api/v1/cohorts/${own.id}/blocks`).set(bearer(who.otherTutor))).status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${own.id}/blocks`).set(bearer(who.student))).status,
      ).toBe(403);
    });

    it('refuses blocks that end before they start or leave the cohort (422), bad dates (400), unknown cohorts (404)', async () => {
      const url = `/api/v1/cohorts/${cohort.id}/blocks`;
      const backwards = await t
        .http()
        .post(url)
        .set(bearer(who.admin))
        .send({ title: 'W', startDate: '2018-03-30', endDate: '2018-03-26' });
      expect(backwards.status).toBe(422);
      expect(fields(backwards.body)).toEqual(['endDate']);
      const outside = await t
        .http()
        .post(url)
        .set(bearer(who.admin))
        .send({ title: 'W', startDate: '2017-12-29', endDate: '2019-01-04' });
      expect(outside.status).toBe(422);
      expect(fields(outside.body)).toEqual(['startDate', 'endDate']);
      const bad = await t
        .http()
        .post(url)
        .set(bearer(who.admin))
        .send({ title: '', startDate: '2018-02-29', endDate: 'soon' });
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(expect.arrayContaining(['title', 'startDate', 'endDate']));
      expect(
        (
          await t
            .http()
            .post(`/api/v1/cohorts/${randomUUID()}/blocks`)
            .set(bearer(who.admin))
            .send({ title: 'W', startDate: '2018-03-26', endDate: '2018-03-30' })
        ).status,
      ).toBe(404);
      expect(
        (
          await t
            .http()
            .post(url)
            .set(bearer(who.tutor))
            .send({ title: 'W', startDate: '2018-03-26', endDate: '2018-03-30' })
        ).status,
      ).toBe(403);
      const count = await t.db.query(`SELECT count(*)::int AS n FROM blocks WHERE cohort_id = $1`, [
        cohort.id,
      ]);
      expect(count[0].n).toBe(0);
    });
  });
});
