import { makeBlock, makeCohort, makeCourse, makeSession, makeStudent } from './helpers/factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';
import { enrol, minutesFromNow, studentLogin } from './helpers/progress-factories';
import { measuresQuery, MeasuresRow } from '../src/progress/measures.query';

// The machine is shared: allow slow arrangements (the config's testTimeout is per project).
jest.setTimeout(60_000);

/**
 * A cohort in Europe/London with three blocks, sessions in the past (some before an
 * enrolment date, one optional), one in progress and two in the future, a register marked
 * through the API with a known pattern, and every measure checked against hand arithmetic.
 *
 * Sessions (360 contact minutes unless said; times UTC; London is GMT in January, BST in April):
 *   P0 2024-01-09 09:00Z  B1
 *   P1 2024-01-10 09:00Z  B1   (the same local day as S1's enrolment, earlier in the day)
 *   P2 2024-01-11 09:00Z  B1
 *   P3 2024-01-12 09:00Z  B1
 *   P4 2024-04-15 08:00Z  B2   (09:00 BST)
 *   P5 2024-04-16 08:00Z  B2
 *   P6 2024-04-17 08:00Z  B2
 *   O1 2024-04-17 13:00Z  no block, NOT mandatory, 120 min
 *   N1 started 60 min ago, 180 min, B3: in progress (not ended)
 *   F1 in 30 days, B3;  F2 in 31 days, B3
 */
describe('progress scenario: measures against hand-computed numbers', () => {
  let t: TestApp;
  let admin: TestUser;
  let cohort: { id: string; course_id: string };
  const blocks: Record<string, string> = {};
  const s: Record<string, string> = {};
  const e: Record<string, string> = {};
  let s1Login: TestUser;

  const at = (iso: string) => new Date(iso);
  const put = async (session: string, records: object[]) => {
    const res = await t
      .http()
      .put(`/api/v1/sessions/${s[session]}/attendance`)
      .set(bearer(admin))
      .send({ records });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    const course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id, {
      timezone: 'Europe/London',
      startDate: '2024-01-08',
      endDate: '2030-12-31',
      warnAfter: 3,
    });
    blocks.B1 = (
      await makeBlock(t.db, cohort.id, {
        title: 'Residential week 1',
        startDate: '2024-01-08',
        endDate: '2024-01-12',
      })
    ).id;
    blocks.B2 = (
      await makeBlock(t.db, cohort.id, {
        title: 'Residential week 2',
        startDate: '2024-04-15',
        endDate: '2024-04-19',
      })
    ).id;
    blocks.B3 = (
      await makeBlock(t.db, cohort.id, {
        title: 'Residential week 3',
        startDate: '2029-01-01',
        endDate: '2029-01-05',
      })
    ).id;
    const past: Array<[string, string, string]> = [
      ['P0', '2024-01-09T09:00:00Z', 'B1'],
      ['P1', '2024-01-10T09:00:00Z', 'B1'],
      ['P2', '2024-01-11T09:00:00Z', 'B1'],
      ['P3', '2024-01-12T09:00:00Z', 'B1'],
      ['P4', '2024-04-15T08:00:00Z', 'B2'],
      ['P5', '2024-04-16T08:00:00Z', 'B2'],
      ['P6', '2024-04-17T08:00:00Z', 'B2'],
    ];
    for (const [name, startsAt, block] of past) {
      s[name] = (
        await makeSession(t.db, cohort.id, {
          startsAt: at(startsAt),
          blockId: blocks[block],
          title: name,
        })
      ).id;
    }
    s.O1 = (
      await makeSession(t.db, cohort.id, {
        startsAt: at('2024-04-17T13:00:00Z'),
        minutes: 120,
        mandatory: false,
        title: 'O1',
      })
    ).id;
    s.N1 = (
      await makeSession(t.db, cohort.id, {
        startsAt: minutesFromNow(-60),
        minutes: 180,
        blockId: blocks.B3,
        title: 'N1',
      })
    ).id;
    s.F1 = (
      await makeSession(t.db, cohort.id, {
        startsAt: minutesFromNow(30 * 24 * 60),
        blockId: blocks.B3,
        title: 'F1',
      })
    ).id;
    s.F2 = (
      await makeSession(t.db, cohort.id, {
        startsAt: minutesFromNow(31 * 24 * 60),
        blockId: blocks.B3,
        title: 'F2',
      })
    ).id;

    const student = async (key: string, familyName: string) => {
      const st = await makeStudent(t.db, { givenName: key, familyName });
      s[`student-${key}`] = st.id;
      return st.id;
    };
    // S1: enrolled 2024-01-10 15:00 GMT, after P1 started that day: P1 counts (dates compare).
    e.S1 = (
      await enrol(t.db, await student('S1', 'Adebayo'), cohort, {
        enrolledAt: at('2024-01-10T15:00:00Z'),
      })
    ).id;
    // S2: enrolled before everything.
    e.S2 = (
      await enrol(t.db, await student('S2', 'Byrne'), cohort, {
        enrolledAt: at('2024-01-01T09:00:00Z'),
      })
    ).id;
    // S3: enrolled 2024-04-15 23:30Z = 2024-04-16 00:30 BST. In UTC that is the 15th, which
    // would wrongly include P4; in the cohort's zone it is the 16th: only P5 and P6 count.
    e.S3 = (
      await enrol(t.db, await student('S3', 'Chowdhury'), cohort, {
        enrolledAt: at('2024-04-15T23:30:00Z'),
      })
    ).id;
    // S4: enrolled just now: nothing has ended since, so nothing is eligible yet.
    e.S4 = (
      await enrol(t.db, await student('S4', 'Davies'), cohort, { enrolledAt: new Date() })
    ).id;
    // S5: withdrawn, so not seated: never on the cohort's progress list.
    e.S5 = (await enrol(t.db, await student('S5', 'Evans'), cohort, { status: 'withdrawn' })).id;
    s1Login = await studentLogin(t, s['student-S1']);

    await put('P0', [
      { enrolmentId: e.S1, status: 'present' }, // before S1's enrolment date: never counts
      { enrolmentId: e.S2, status: 'present' },
    ]);
    await put('P1', [
      { enrolmentId: e.S1, status: 'present' },
      { enrolmentId: e.S2, status: 'present' },
    ]);
    await put('P2', [
      { enrolmentId: e.S1, status: 'late', minutesAttended: 300 },
      { enrolmentId: e.S2, status: 'present' },
    ]);
    await put('P3', [
      { enrolmentId: e.S1, status: 'left_early', minutesAttended: 240 },
      { enrolmentId: e.S2, status: 'present' },
    ]);
    await put('P4', [
      { enrolmentId: e.S1, status: 'excused', note: 'Bereavement' },
      { enrolmentId: e.S2, status: 'present' },
      { enrolmentId: e.S3, status: 'present' }, // before S3's enrolment date (local): ignored
    ]);
    await put('P5', [
      { enrolmentId: e.S1, status: 'absent' },
      { enrolmentId: e.S2, status: 'present' },
      { enrolmentId: e.S3, status: 'absent' },
    ]);
    // P6: S1 has no record at all (missing counts as absent); S3 absent.
    await put('P6', [
      { enrolmentId: e.S2, status: 'present' },
      { enrolmentId: e.S3, status: 'absent' },
    ]);
    // O1 is optional: never counts.
    await put('O1', [{ enrolmentId: e.S1, status: 'present' }]);
    // N1 is in progress and F2 in the future: their records do not count until they end.
    await put('N1', [{ enrolmentId: e.S1, status: 'present' }]);
    await put('F2', [{ enrolmentId: e.S1, status: 'excused' }]);

    for (const [code, outcome] of [
      ['ESSAY', 'pass'],
      ['PRACTICE', 'refer'],
    ]) {
      const res = await t
        .http()
        .put(`/api/v1/enrolments/${e.S1}/assessments/${code}`)
        .set(bearer(admin))
        .send({ outcome });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => t.close());

  async function cohortProgress() {
    const res = await t.http().get(`/api/v1/cohorts/${cohort.id}/progress`).set(bearer(admin));
    expect(res.status).toBe(200);
    return res.body as {
      items: Array<{ enrolmentId: string } & Record<string, unknown>>;
      total: number;
    };
  }

  it('S1: present, late, left early, excused, absent and missing, each counted as the rules say', async () => {
    const res = await t.http().get(`/api/v1/enrolments/${e.S1}/progress`).set(bearer(admin));
    expect(res.status).toBe(200);
    // Eligible: P1..P6 (P0 is before the enrolment date, O1 optional, N1/F1/F2 not ended)
    //   = 6 sessions x 360 = 2160 min = 36.0 h
    // Attended: P1 present 360 + P2 late 300 + P3 left early 240 = 900 min = 15.0 h, 3 sessions
    // Excused: P4 = 360 min
    // Attendance % = 900 / (2160 - 360) = 900 / 1800 = 50.0
    // Commitment % = (900 + 360) / 2160 = 1260 / 2160 = 58.33 -> 58.3
    // Consecutive absences, newest first: P6 missing, P5 absent, then P4 excused breaks = 2
    // Remaining: N1 180 + F1 360 + F2 360 = 900 min
    // Max reachable % = (900 + 900) / (1800 + 900) = 1800 / 2700 = 66.67 -> 66.7
    expect(res.body).toMatchObject({
      enrolmentId: e.S1,
      cohortId: cohort.id,
      status: 'enrolled',
      studentId: s['student-S1'],
      attendance: {
        percent: 50,
        commitmentPercent: 58.3,
        attendedHours: 15,
        eligibleHours: 36,
        sessionsAttended: 3,
        sessionsEligible: 6,
        consecutiveAbsences: 2,
        maxReachablePercent: 66.7,
      },
      certificate: null,
    });
    // B1: P1..P3 eligible = 1080, attended 900 -> 83.33 -> 83.3 (P0 excluded)
    // B2: P4..P6 eligible = 1080, excused 360, attended 0 -> 0 / 720 = 0
    // B3: nothing ended yet -> null
    expect(res.body.blocks).toEqual([
      expect.objectContaining({ blockId: blocks.B1, title: 'Residential week 1', percent: 83.3 }),
      expect.objectContaining({ blockId: blocks.B2, title: 'Residential week 2', percent: 0 }),
      expect.objectContaining({ blockId: blocks.B3, title: 'Residential week 3', percent: null }),
    ]);
    expect(res.body.assessments).toEqual([
      expect.objectContaining({ code: 'ESSAY', outcome: 'pass' }),
      expect.objectContaining({ code: 'PRACTICE', outcome: 'refer' }),
      expect.objectContaining({ code: 'PRESENT', outcome: null }),
    ]);
    // POD rules: 80% attendance, 60 contact hours, 50% in every block, required assessments.
    expect(res.body.rules).toEqual([
      { type: 'min_attendance_percent', required: 80, actual: 50, passed: false },
      { type: 'min_contact_hours', required: 60, actual: 15, passed: false },
      // lowest measured block: B2 at 0%; B3 has nothing to measure and is not held against S1
      { type: 'min_block_attendance_percent', required: 50, actual: 0, passed: false },
      {
        type: 'assessments_passed',
        required: ['ESSAY', 'PRACTICE'],
        actual: ['ESSAY'],
        passed: false,
      },
    ]);
    // 66.7% reachable is below the 80% rule: at risk (2 absences are below the level of 3).
    expect(res.body.atRisk).toBe(true);
  });

  it('S2: full attendance from before the first session', async () => {
    const res = await t.http().get(`/api/v1/enrolments/${e.S2}/progress`).set(bearer(admin));
    // Eligible: P0..P6 = 7 x 360 = 2520 min = 42.0 h, all present -> 100%
    // Remaining 900 min; max reachable = (2520 + 900) / (2520 + 900) = 100
    expect(res.body.attendance).toMatchObject({
      percent: 100,
      commitmentPercent: 100,
      attendedHours: 42,
      eligibleHours: 42,
      sessionsAttended: 7,
      sessionsEligible: 7,
      consecutiveAbsences: 0,
      maxReachablePercent: 100,
    });
    // B1: P0..P3 = 1440/1440; B2: P4..P6 = 1080/1080
    expect(res.body.blocks.map((b: { percent: number | null }) => b.percent)).toEqual([
      100,
      100,
      null,
    ]);
    expect(res.body.atRisk).toBe(false);
  });

  it('S3: enrolment date read in the cohort time zone; sessions before it never count', async () => {
    const res = await t.http().get(`/api/v1/enrolments/${e.S3}/progress`).set(bearer(admin));
    // Eligible: P5, P6 only (P4 is on 15 April local, S3 enrolled on 16 April local)
    //   = 720 min = 12.0 h; both absent -> 0%, P4's "present" ignored
    // Max reachable = (0 + 900) / (720 + 900) = 900 / 1620 = 55.56 -> 55.6
    expect(res.body.attendance).toMatchObject({
      percent: 0,
      commitmentPercent: 0,
      attendedHours: 0,
      eligibleHours: 12,
      sessionsAttended: 0,
      sessionsEligible: 2,
      consecutiveAbsences: 2,
      maxReachablePercent: 55.6,
    });
    // B1: nothing eligible -> null; B2: P5, P6 = 0 / 720 = 0
    expect(res.body.blocks.map((b: { percent: number | null }) => b.percent)).toEqual([
      null,
      0,
      null,
    ]);
    expect(res.body.atRisk).toBe(true);
  });

  it('S4: enrolled today has nothing eligible yet, and everything still reachable', async () => {
    const res = await t.http().get(`/api/v1/enrolments/${e.S4}/progress`).set(bearer(admin));
    expect(res.body.attendance).toMatchObject({
      percent: null,
      commitmentPercent: null,
      attendedHours: 0,
      eligibleHours: 0,
      sessionsAttended: 0,
      sessionsEligible: 0,
      consecutiveAbsences: 0,
      maxReachablePercent: 100,
    });
    expect(res.body.atRisk).toBe(false);
  });

  it('cohort progress lists every seated enrolment (not the withdrawn one) with the same numbers', async () => {
    const body = await cohortProgress();
    expect(body.total).toBe(4);
    expect(body.items.map((i) => i.enrolmentId)).toEqual([e.S1, e.S2, e.S3, e.S4]);
    const one = await t.http().get(`/api/v1/enrolments/${e.S1}/progress`).set(bearer(admin));
    expect(body.items[0]).toEqual(one.body);
  });

  it('the student sees the same progress on /me/progress', async () => {
    const res = await t.http().get('/api/v1/me/progress').set(bearer(s1Login));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      enrolmentId: e.S1,
      attendance: { percent: 50, maxReachablePercent: 66.7 },
    });
  });

  it("the student's attendance list shows every session in order, which count, and the records", async () => {
    const res = await t.http().get(`/api/v1/enrolments/${e.S1}/attendance`).set(bearer(s1Login));
    expect(res.status).toBe(200);
    const byTitle = Object.fromEntries(res.body.items.map((i: { title: string }) => [i.title, i]));
    expect(res.body.items.map((i: { title: string }) => i.title)).toEqual([
      'P0',
      'P1',
      'P2',
      'P3',
      'P4',
      'P5',
      'P6',
      'O1',
      'N1',
      'F1',
      'F2',
    ]);
    expect(byTitle.P0).toMatchObject({ counts: false, ended: true, record: { status: 'present' } });
    expect(byTitle.P2).toMatchObject({
      counts: true,
      record: { status: 'late', minutesAttended: 300 },
    });
    expect(byTitle.P4.record).toMatchObject({ status: 'excused', note: 'Bereavement' });
    expect(byTitle.P6).toMatchObject({ counts: true, ended: true, record: null });
    expect(byTitle.O1).toMatchObject({ counts: false, mandatory: false });
    expect(byTitle.N1).toMatchObject({ counts: true, ended: false });
  });

  it('the measures fragment gives the same numbers selected by cohort, by enrolment or by student, and as at a past instant', async () => {
    const run = async (q: { sql: string; params: unknown[] }) =>
      t.db.query<MeasuresRow[]>(`SELECT * FROM (${q.sql}) m ORDER BY enrolment_id`, q.params);
    const byCohort = await run(measuresQuery({ cohortIds: [cohort.id] }));
    expect(byCohort).toHaveLength(5); // the fragment itself does not filter statuses
    const s1 = byCohort.find((r) => r.enrolment_id === e.S1)!;
    expect(s1).toMatchObject({
      eligible_minutes: 2160,
      attended_minutes: 900,
      excused_minutes: 360,
      sessions_eligible: 6,
      sessions_attended: 3,
      sessions_excused: 1,
      consecutive_absences: 2,
      remaining_minutes: 900,
    });
    expect(await run(measuresQuery({ enrolmentIds: [e.S1] }))).toEqual([s1]);
    expect(await run(measuresQuery({ studentId: s['student-S1'] }))).toEqual([s1]);
    // Placeholders can start anywhere, so the fragment embeds in a larger query.
    const shifted = measuresQuery({ enrolmentIds: [e.S1] }, { firstParam: 2 });
    const [embedded] = await t.db.query(
      `SELECT $1::text AS tag, m.attended_minutes FROM (${shifted.sql}) m`,
      ['x', ...shifted.params],
    );
    expect(embedded).toEqual({ tag: 'x', attended_minutes: 900 });
    // As at 2024-01-12 12:00Z: P1, P2 ended, P3 (09:00-15:00) not yet.
    // Eligible 720, attended 660, remaining: P3..P6 + N1 + F1 + F2 = 4 x 360 + 180 + 720
    const [past] = await run(
      measuresQuery({ enrolmentIds: [e.S1] }, { asOf: new Date('2024-01-12T12:00:00Z') }),
    );
    expect(past).toMatchObject({
      eligible_minutes: 720,
      attended_minutes: 660,
      sessions_eligible: 2,
      consecutive_absences: 0,
      remaining_minutes: 4 * 360 + 180 + 720,
    });
  });
});
