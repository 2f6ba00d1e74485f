import type { Pool } from 'pg';
import { makeSession, makeStudent } from './helpers/factories';
import {
  enrol,
  makeCertificate,
  mark,
  minutesFromNow,
  seatedCohort,
  studentLogin,
  tutorOf,
  unknownId,
} from './helpers/progress-factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';
import { ProgressService } from '../src/progress/progress.service';

// The machine is shared: allow slow arrangements (the config's testTimeout is per project).
jest.setTimeout(60_000);

describe('progress: GET /enrolments/:id/progress, /me/progress, /cohorts/:id/progress', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  const get = (user: TestUser, url: string) => t.http().get(url).set(bearer(user));

  it('answers in the shape API.md gives, with percentages of at most one decimal', async () => {
    const { enrolments, cohort } = await seatedCohort(t.db, 1);
    // Three ended sessions of 360: present, late 100, present = 820 / 1080 = 75.93 -> 75.9
    for (const [i, status, minutes] of [
      [3, 'present', undefined],
      [2, 'late', 100],
      [1, 'present', undefined],
    ] as const) {
      const s = await makeSession(t.db, cohort.id, { startsAt: minutesFromNow(-i * 1440) });
      await mark(t.db, s.id, enrolments[0].id, status, minutes);
    }
    const res = await get(admin, `/api/v1/enrolments/${enrolments[0].id}/progress`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        enrolmentId: enrolments[0].id,
        cohortId: cohort.id,
        status: 'enrolled',
        attendance: expect.objectContaining({
          percent: 75.9,
          commitmentPercent: 75.9,
          attendedHours: 13.7, // 820 / 60 = 13.67
          eligibleHours: 18,
          sessionsAttended: 3,
          sessionsEligible: 3,
          consecutiveAbsences: 0,
          maxReachablePercent: 75.9,
        }),
        blocks: [],
        assessments: expect.any(Array),
        rules: expect.any(Array),
        atRisk: true,
        certificate: null,
      }),
    );
    for (const r of res.body.rules) {
      expect(Object.keys(r).sort()).toEqual(['actual', 'passed', 'required', 'type']);
    }
  });

  it('is at risk when consecutive absences reach the cohort warning level, whatever is reachable', async () => {
    const { enrolments, cohort } = await seatedCohort(t.db, 2, { warnAfter: 2 });
    const [a, b] = enrolments.map((e) => e.id);
    for (const daysAgo of [3, 2]) {
      const s = await makeSession(t.db, cohort.id, { startsAt: minutesFromNow(-daysAgo * 1440) });
      await mark(t.db, s.id, a, 'absent');
      await mark(t.db, s.id, b, daysAgo === 3 ? 'absent' : 'excused');
    }
    // Plenty of future sessions, so 80% stays reachable: 0 + 40 x 360 over 720 + 40 x 360.
    for (let i = 1; i <= 40; i++) {
      await makeSession(t.db, cohort.id, { startsAt: minutesFromNow(i * 1440) });
    }
    const list = await get(admin, `/api/v1/cohorts/${cohort.id}/progress`);
    const byId = Object.fromEntries(
      list.body.items.map((i: { enrolmentId: string }) => [i.enrolmentId, i]),
    );
    expect(byId[a].attendance).toMatchObject({ consecutiveAbsences: 2, maxReachablePercent: 95.2 });
    expect(byId[a].atRisk).toBe(true);
    // b's most recent session is excused: the run is broken, so not at risk.
    expect(byId[b].attendance.consecutiveAbsences).toBe(0);
    expect(byId[b].atRisk).toBe(false);
  });

  it('shows the latest certificate, an issued one before a revoked one', async () => {
    const { enrolments } = await seatedCohort(t.db, 1, {}, undefined);
    const id = enrolments[0].id;
    await makeCertificate(t.db, id, 'revoked', new Date('2024-01-01'));
    const issued = await makeCertificate(t.db, id, 'issued', new Date('2023-01-01'));
    await makeCertificate(t.db, id, 'superseded', new Date('2022-01-01'));
    const res = await get(admin, `/api/v1/enrolments/${id}/progress`);
    expect(res.body.certificate).toEqual({
      id: issued.id,
      serial: issued.serial,
      status: 'issued',
      onPaper: false,
    });
  });

  it('students see only their own progress: another student is 404, the cohort list 403', async () => {
    const { enrolments, students, cohort } = await seatedCohort(t.db, 2);
    const me = await studentLogin(t, students[0].id);
    expect((await get(me, `/api/v1/enrolments/${enrolments[0].id}/progress`)).status).toBe(200);
    const other = await get(me, `/api/v1/enrolments/${enrolments[1].id}/progress`);
    expect(other.status).toBe(404);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await get(me, `/api/v1/cohorts/${cohort.id}/progress`)).status).toBe(403);
  });

  it('/me/progress lists one entry per enrolment of the student, and is for students only', async () => {
    const first = await seatedCohort(t.db, 1, { startDate: '2016-01-04', endDate: '2016-12-16' });
    const second = await seatedCohort(t.db, 0, { startDate: '2018-01-08', endDate: '2018-12-14' });
    const studentId = first.students[0].id;
    await t.db.query(`UPDATE enrolments SET status = 'not_completed' WHERE id = $1`, [
      first.enrolments[0].id,
    ]);
    const again = await enrol(t.db, studentId, second.cohort);
    const me = await studentLogin(t, studentId);
    const res = await get(me, '/api/v1/me/progress');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, offset: 0 });
    expect(res.body.items.map((i: { enrolmentId: string }) => i.enrolmentId)).toEqual([
      first.enrolments[0].id,
      again.id,
    ]);
    expect(res.body.items[0].status).toBe('not_completed');
    expect((await get(admin, '/api/v1/me/progress')).status).toBe(403);
    const tutor = await tutorOf(t, first.cohort.id);
    expect((await get(tutor, '/api/v1/me/progress')).status).toBe(403);
  });

  it("tutors see their cohorts' progress and get 404 for another cohort or its enrolments", async () => {
    const mine = await seatedCohort(t.db, 2);
    const theirs = await seatedCohort(t.db, 1);
    const tutor = await tutorOf(t, mine.cohort.id);
    const list = await get(tutor, `/api/v1/cohorts/${mine.cohort.id}/progress`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect((await get(tutor, `/api/v1/cohorts/${theirs.cohort.id}/progress`)).status).toBe(404);
    expect(
      (await get(tutor, `/api/v1/enrolments/${theirs.enrolments[0].id}/progress`)).status,
    ).toBe(404);
    expect((await get(tutor, `/api/v1/enrolments/${mine.enrolments[0].id}/progress`)).status).toBe(
      200,
    );
  });

  it('unknown ids are 404 and malformed ids 400', async () => {
    expect((await get(admin, `/api/v1/enrolments/${unknownId()}/progress`)).status).toBe(404);
    expect((await get(admin, `/api/v1/cohorts/${unknownId()}/progress`)).status).toBe(404);
    expect((await get(admin, '/api/v1/enrolments/42/progress')).status).toBe(400);
    expect((await get(admin, '/api/v1/cohorts/42/progress?limit=0')).status).toBe(400);
  });

  it('cohort progress lists only seated enrolments, pages, and costs the same number of queries for 2 or 12 students', async () => {
    const small = await seatedCohort(t.db, 2);
    const large = await seatedCohort(t.db, 12);
    for (const c of [small, large]) {
      await enrol(t.db, (await makeStudent(t.db)).id, c.cohort, { status: 'waitlisted' });
      for (let i = 1; i <= 3; i++) {
        const s = await makeSession(t.db, c.cohort.id, { startsAt: minutesFromNow(-i * 1440) });
        for (const e of c.enrolments) await mark(t.db, s.id, e.id, 'present');
      }
    }
    // Statements go through TypeORM or, prepared, straight to the pool behind it: count both.
    const spy = jest.spyOn(t.db, 'query');
    const poolSpy = jest.spyOn((t.db.driver as unknown as { master: Pool }).master, 'query');
    try {
      const count = async (cohortId: string) => {
        spy.mockClear();
        poolSpy.mockClear();
        const res = await get(admin, `/api/v1/cohorts/${cohortId}/progress`);
        expect(res.status).toBe(200);
        return { calls: spy.mock.calls.length + poolSpy.mock.calls.length, total: res.body.total };
      };
      const a = await count(small.cohort.id);
      const b = await count(large.cohort.id);
      expect(a.total).toBe(2);
      expect(b.total).toBe(12);
      expect(b.calls).toBe(a.calls);
      // the scope check and the one progress query (plus at most the access guard's lookup)
      expect(a.calls).toBeGreaterThanOrEqual(2);
      expect(a.calls).toBeLessThanOrEqual(3);
    } finally {
      spy.mockRestore();
      poolSpy.mockRestore();
    }
    const paged = await get(admin, `/api/v1/cohorts/${large.cohort.id}/progress?limit=5&offset=10`);
    expect(paged.body).toMatchObject({ total: 12, limit: 5, offset: 10 });
    expect(paged.body.items).toHaveLength(2);
  });

  it('the cohort aggregate gives the mean attendance % and the at-risk count for the summary', async () => {
    const { enrolments, cohort } = await seatedCohort(t.db, 3);
    const s = await makeSession(t.db, cohort.id, { startsAt: minutesFromNow(-2 * 1440) });
    await mark(t.db, s.id, enrolments[0].id, 'present');
    await mark(t.db, s.id, enrolments[1].id, 'late', 180);
    await mark(t.db, s.id, enrolments[2].id, 'excused');
    // Measured: 100% and 50% (the excused one has nothing to measure) -> mean 75.
    // At risk (80% rule, nothing remaining): the 50% one.
    expect(await t.app.get(ProgressService).cohortAggregate(cohort.id)).toEqual({
      meanAttendancePercent: 75,
      atRisk: 1,
      seated: 3,
    });
  });
});
