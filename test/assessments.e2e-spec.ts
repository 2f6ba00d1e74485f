import { makeStudent } from './helpers/factories';
import {
  auditEvents,
  enrol,
  seatedCohort,
  studentLogin,
  tutorOf,
  unknownId,
} from './helpers/progress-factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

// The machine is shared: allow slow arrangements (the config's testTimeout is per project).
jest.setTimeout(60_000);

describe('assessed work: PUT /enrolments/:id/assessments/:code and GET the list', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  const put = (user: TestUser, enrolmentId: string, code: string, body: object) =>
    t
      .http()
      .put(`/api/v1/enrolments/${enrolmentId}/assessments/${code}`)
      .set(bearer(user))
      .send(body);

  it('records a result (200 with the result) and the same body twice changes nothing', async () => {
    const { enrolments } = await seatedCohort(t.db, 1);
    const id = enrolments[0].id;
    const first = await put(admin, id, 'ESSAY', { outcome: 'pass', mark: 67.5, note: 'Strong' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      enrolmentId: id,
      code: 'ESSAY',
      title: 'Reflective essay',
      required: true,
      outcome: 'pass',
      mark: 67.5,
      attempt: 1,
      note: 'Strong',
      recordedById: admin.id,
    });
    const again = await put(admin, id, 'ESSAY', { outcome: 'pass', mark: 67.5, note: 'Strong' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const events = await auditEvents(t.db, first.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'assessment.recorded',
      before: null,
      after: { outcome: 'pass', mark: 67.5, attempt: 1 },
    });
  });

  it('counts attempts: a new outcome after a refer is the next attempt, audited with before and after', async () => {
    const { enrolments, cohort } = await seatedCohort(t.db, 1);
    const id = enrolments[0].id;
    const tutor = await tutorOf(t, cohort.id);
    expect((await put(tutor, id, 'PRACTICE', { outcome: 'refer', mark: 38 })).body.attempt).toBe(1);
    const second = await put(tutor, id, 'PRACTICE', { outcome: 'fail', mark: 42 });
    expect(second.body).toMatchObject({ outcome: 'fail', attempt: 2 });
    const third = await put(tutor, id, 'practice', { outcome: 'pass', mark: 55 });
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({ code: 'PRACTICE', outcome: 'pass', mark: 55, attempt: 3 });
    // Correcting a pass mark is the same attempt.
    expect((await put(tutor, id, 'PRACTICE', { outcome: 'pass', mark: 56 })).body.attempt).toBe(3);
    const events = await auditEvents(t.db, third.body.id);
    expect(events).toHaveLength(4);
    expect(events[2]).toMatchObject({
      before: { outcome: 'fail', attempt: 2, mark: 42 },
      after: { outcome: 'pass', attempt: 3, mark: 55 },
      actor_id: tutor.id,
    });
  });

  it('404 for a code the course does not define, and for an unknown enrolment', async () => {
    const { enrolments } = await seatedCohort(t.db, 1);
    const res = await put(admin, enrolments[0].id, 'DISSERTATION', { outcome: 'pass' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await put(admin, unknownId(), 'ESSAY', { outcome: 'pass' })).status).toBe(404);
  });

  it.each([
    ['an unknown outcome', { outcome: 'merit' }],
    ['a mark over 100', { outcome: 'pass', mark: 100.5 }],
    ['a negative mark', { outcome: 'pass', mark: -1 }],
    ['a mark with two decimals', { outcome: 'pass', mark: 65.25 }],
    ['a mark as text', { outcome: 'pass', mark: 'sixty' }],
    ['an unknown field', { outcome: 'pass', grade: 'A' }],
    ['a note with a NUL character', { outcome: 'pass', note: 'a\u0000b' }],
  ])('400 for %s', async (_name, body) => {
    const { enrolments } = await seatedCohort(t.db, 1);
    expect((await put(admin, enrolments[0].id, 'ESSAY', body)).status).toBe(400);
  });

  it('409 for an enrolment that is not seated (withdrawn)', async () => {
    const { cohort } = await seatedCohort(t.db, 0);
    const withdrawn = await enrol(t.db, (await makeStudent(t.db)).id, cohort, {
      status: 'withdrawn',
    });
    expect((await put(admin, withdrawn.id, 'ESSAY', { outcome: 'pass' })).status).toBe(409);
  });

  it('roles: a tutor of another cohort gets 404, a student 403 on PUT', async () => {
    const { enrolments, students } = await seatedCohort(t.db, 1);
    const other = await seatedCohort(t.db, 0);
    const otherTutor = await tutorOf(t, other.cohort.id);
    expect((await put(otherTutor, enrolments[0].id, 'ESSAY', { outcome: 'pass' })).status).toBe(
      404,
    );
    const student = await studentLogin(t, students[0].id);
    expect((await put(student, enrolments[0].id, 'ESSAY', { outcome: 'pass' })).status).toBe(403);
  });

  it('GET lists every assessment of the course with its result or null; students see only their own', async () => {
    const { enrolments, students, cohort } = await seatedCohort(t.db, 2);
    await put(admin, enrolments[0].id, 'ESSAY', { outcome: 'refer', mark: 45 });
    const me = await studentLogin(t, students[0].id);
    const res = await t
      .http()
      .get(`/api/v1/enrolments/${enrolments[0].id}/assessments`)
      .set(bearer(me));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        code: 'ESSAY',
        required: true,
        result: expect.objectContaining({ outcome: 'refer', mark: 45, attempt: 1 }),
      }),
      expect.objectContaining({ code: 'PRACTICE', required: true, result: null }),
      expect.objectContaining({ code: 'PRESENT', required: false, result: null }),
    ]);
    expect(
      (await t.http().get(`/api/v1/enrolments/${enrolments[1].id}/assessments`).set(bearer(me)))
        .status,
    ).toBe(404);
    const tutor = await tutorOf(t, cohort.id);
    expect(
      (await t.http().get(`/api/v1/enrolments/${enrolments[1].id}/assessments`).set(bearer(tutor)))
        .status,
    ).toBe(200);
    const otherTutor = await tutorOf(t, (await seatedCohort(t.db, 0)).cohort.id);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/enrolments/${enrolments[1].id}/assessments`)
          .set(bearer(otherTutor))
      ).status,
    ).toBe(404);
  });
});
