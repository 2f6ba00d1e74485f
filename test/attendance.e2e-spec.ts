import { makeSession, makeStudent } from './helpers/factories';
import {
  auditEvents,
  enrol,
  runQueue,
  seatedCohort,
  studentLogin,
  tutorOf,
  unknownId,
} from './helpers/progress-factories';
import { TcpProxy } from './helpers/tcp-proxy';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

// The machine is shared: allow slow arrangements (the config's testTimeout is per project).
jest.setTimeout(60_000);

describe('registers: PUT and GET /sessions/:id/attendance, GET /enrolments/:id/attendance', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  /** A cohort of `n` with one 360-minute session that ended yesterday. */
  async function arrange(n = 3) {
    const c = await seatedCohort(t.db, n);
    const session = await makeSession(t.db, c.cohort.id, {
      startsAt: new Date(Date.now() - 26 * 3600_000),
    });
    return { ...c, session, ids: c.enrolments.map((e) => e.id) };
  }
  const put = (user: TestUser, sessionId: string, records: object[]) =>
    t.http().put(`/api/v1/sessions/${sessionId}/attendance`).set(bearer(user)).send({ records });
  const records = (sessionId: string) =>
    t.db.query(
      `SELECT enrolment_id, status, minutes_attended, note, marked_by_id, marked_at
         FROM attendance_records WHERE session_id = $1 ORDER BY enrolment_id`,
      [sessionId],
    );

  it('saves a whole register in one request and records who marked it and when', async () => {
    const { session, ids } = await arrange(3);
    const res = await put(admin, session.id, [
      { enrolmentId: ids[0], status: 'present' },
      { enrolmentId: ids[1], status: 'late', minutesAttended: 300, note: 'Train delayed' },
      { enrolmentId: ids[2], status: 'absent' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sessionId: session.id, saved: 3, unchanged: 0 });
    const rows = await records(session.id);
    expect(rows).toHaveLength(3);
    const byId = Object.fromEntries(rows.map((r: { enrolment_id: string }) => [r.enrolment_id, r]));
    expect(byId[ids[0]]).toMatchObject({ status: 'present', minutes_attended: 360 });
    expect(byId[ids[1]]).toMatchObject({
      status: 'late',
      minutes_attended: 300,
      note: 'Train delayed',
    });
    expect(byId[ids[2]]).toMatchObject({ status: 'absent', minutes_attended: 0 });
    for (const r of rows) expect(r.marked_by_id).toBe(admin.id);
  });

  it('is idempotent: the same body twice changes nothing (no audit, marked_at kept)', async () => {
    const { session, ids } = await arrange(2);
    const body = [
      { enrolmentId: ids[0], status: 'present' },
      { enrolmentId: ids[1], status: 'left_early', minutesAttended: 200 },
    ];
    expect((await put(admin, session.id, body)).body.saved).toBe(2);
    const before = await records(session.id);
    const auditBefore = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'attendance_record'
          AND after->>'sessionId' = $1`,
      [session.id],
    );
    const again = await put(admin, session.id, body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ saved: 0, unchanged: 2 });
    expect(await records(session.id)).toEqual(before);
    const auditAfter = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'attendance_record'
          AND after->>'sessionId' = $1`,
      [session.id],
    );
    expect(auditAfter).toEqual(auditBefore);
  });

  it('a change writes one audit event with the record before and after', async () => {
    const { session, ids } = await arrange(2);
    await put(admin, session.id, [
      { enrolmentId: ids[0], status: 'absent' },
      { enrolmentId: ids[1], status: 'present' },
    ]);
    const tutor = await tutorOf(t, await arrangeCohortOf(session.id));
    const res = await put(tutor, session.id, [
      { enrolmentId: ids[0], status: 'excused', note: 'Sick note received' },
      { enrolmentId: ids[1], status: 'present' },
    ]);
    expect(res.body).toMatchObject({ saved: 1, unchanged: 1 });
    const [record] = await t.db.query(
      `SELECT id, marked_by_id FROM attendance_records WHERE session_id = $1 AND enrolment_id = $2`,
      [session.id, ids[0]],
    );
    expect(record.marked_by_id).toBe(tutor.id);
    const events = await auditEvents(t.db, record.id);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      action: 'attendance.marked',
      before: null,
      after: { status: 'absent', enrolmentId: ids[0], sessionId: session.id },
      actor_id: admin.id,
    });
    expect(events[1]).toMatchObject({
      action: 'attendance.marked',
      before: { status: 'absent', minutesAttended: 0, markedById: admin.id },
      after: { status: 'excused', minutesAttended: 0, note: 'Sick note received' },
      actor_id: tutor.id,
    });
  });

  async function arrangeCohortOf(sessionId: string): Promise<string> {
    const [row] = await t.db.query(`SELECT cohort_id FROM sessions WHERE id = $1`, [sessionId]);
    return row.cohort_id;
  }

  it('saves part of a register, and an omitted note keeps the note while null clears it', async () => {
    const { session, ids } = await arrange(3);
    await put(admin, session.id, [{ enrolmentId: ids[0], status: 'excused', note: 'Leave' }]);
    await put(admin, session.id, [{ enrolmentId: ids[1], status: 'present' }]);
    let rows = await records(session.id);
    expect(rows).toHaveLength(2);
    await put(admin, session.id, [{ enrolmentId: ids[0], status: 'excused' }]);
    rows = await records(session.id);
    expect(rows.find((r: { enrolment_id: string }) => r.enrolment_id === ids[0]).note).toBe(
      'Leave',
    );
    const cleared = await put(admin, session.id, [
      { enrolmentId: ids[0], status: 'excused', note: null },
    ]);
    expect(cleared.body.saved).toBe(1);
    rows = await records(session.id);
    expect(rows.find((r: { enrolment_id: string }) => r.enrolment_id === ids[0]).note).toBeNull();
  });

  it.each([
    ['present with fewer minutes than the session', { status: 'present', minutesAttended: 300 }],
    ['late without minutes', { status: 'late' }],
    ['late with the whole session', { status: 'late', minutesAttended: 360 }],
    ['left early with more than the session', { status: 'left_early', minutesAttended: 400 }],
    ['left early with 0 minutes', { status: 'left_early', minutesAttended: 0 }],
    ['absent with minutes', { status: 'absent', minutesAttended: 10 }],
    ['excused with minutes', { status: 'excused', minutesAttended: 360 }],
  ])('422 naming records[i].minutesAttended for %s, and nothing saved', async (_name, record) => {
    const { session, ids } = await arrange(2);
    const res = await put(admin, session.id, [
      { enrolmentId: ids[0], status: 'present' },
      { enrolmentId: ids[1], ...record },
    ]);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'records[1].minutesAttended' }),
    ]);
    expect(await records(session.id)).toEqual([]);
  });

  it('422 naming records[i].enrolmentId for an enrolment of another cohort or not seated', async () => {
    const { session, ids, cohort } = await arrange(1);
    const other = await arrange(1);
    const withdrawn = await enrol(t.db, (await makeStudent(t.db)).id, cohort, {
      status: 'withdrawn',
    });
    const res = await put(admin, session.id, [
      { enrolmentId: ids[0], status: 'present' },
      { enrolmentId: other.ids[0], status: 'present' },
      { enrolmentId: withdrawn.id, status: 'present' },
      { enrolmentId: unknownId(), status: 'absent' },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('enrolment_not_in_cohort');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'records[1].enrolmentId',
      'records[2].enrolmentId',
      'records[3].enrolmentId',
    ]);
    expect(await records(session.id)).toEqual([]);
  });

  it('400 for the same enrolment twice in one body, and for malformed records', async () => {
    const { session, ids } = await arrange(2);
    const dup = await put(admin, session.id, [
      { enrolmentId: ids[0], status: 'present' },
      { enrolmentId: ids[1], status: 'present' },
      { enrolmentId: ids[0].toUpperCase(), status: 'absent' },
    ]);
    expect(dup.status).toBe(400);
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'records[2].enrolmentId' })]);
    for (const body of [
      { records: [{ enrolmentId: ids[0], status: 'asleep' }] },
      { records: [{ enrolmentId: 'not-a-uuid', status: 'present' }] },
      { records: [{ enrolmentId: ids[0], status: 'late', minutesAttended: 12.5 }] },
      { records: [{ enrolmentId: ids[0], status: 'present', extra: 1 }] },
      { records: [{ enrolmentId: ids[0], status: 'present', note: 'a\u0000b' }] },
      { records: 'everyone present' },
      {},
    ]) {
      const res = await t
        .http()
        .put(`/api/v1/sessions/${session.id}/attendance`)
        .set(bearer(admin))
        .send(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    expect(await records(session.id)).toEqual([]);
  });

  it("tutors mark only their cohorts' registers: another cohort's session is 404, students get 403", async () => {
    const mine = await arrange(1);
    const theirs = await arrange(1);
    const tutor = await tutorOf(t, mine.cohort.id);
    expect(
      (await put(tutor, mine.session.id, [{ enrolmentId: mine.ids[0], status: 'present' }])).status,
    ).toBe(200);
    const refused = await put(tutor, theirs.session.id, [
      { enrolmentId: theirs.ids[0], status: 'present' },
    ]);
    expect(refused.status).toBe(404);
    expect(
      (await t.http().get(`/api/v1/sessions/${theirs.session.id}/attendance`).set(bearer(tutor)))
        .status,
    ).toBe(404);
    expect(await records(theirs.session.id)).toEqual([]);

    const student = await studentLogin(t, mine.students[0].id);
    expect(
      (await put(student, mine.session.id, [{ enrolmentId: mine.ids[0], status: 'present' }]))
        .status,
    ).toBe(403);
    expect(
      (await t.http().get(`/api/v1/sessions/${mine.session.id}/attendance`).set(bearer(student)))
        .status,
    ).toBe(403);
    expect((await put(admin, unknownId(), [])).status).toBe(404);
    expect(
      (
        await t
          .http()
          .put('/api/v1/sessions/nope/attendance')
          .set(bearer(admin))
          .send({ records: [] })
      ).status,
    ).toBe(400);
  });

  it('GET returns every seated enrolment with its record or null and who marked it', async () => {
    const { session, ids, cohort } = await arrange(3);
    await enrol(t.db, (await makeStudent(t.db)).id, cohort, { status: 'withdrawn' });
    const tutor = await tutorOf(t, cohort.id);
    await put(tutor, session.id, [{ enrolmentId: ids[1], status: 'present' }]);
    const res = await t.http().get(`/api/v1/sessions/${session.id}/attendance`).set(bearer(tutor));
    expect(res.status).toBe(200);
    expect(res.body.session).toMatchObject({
      id: session.id,
      cohortId: cohort.id,
      contactMinutes: 360,
    });
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((i: { enrolmentId: string }) => i.enrolmentId).sort()).toEqual(
      [...ids].sort(),
    );
    const marked = res.body.items.find((i: { enrolmentId: string }) => i.enrolmentId === ids[1]);
    expect(marked).toMatchObject({
      studentName: expect.any(String),
      enrolmentStatus: 'enrolled',
      record: { status: 'present', minutesAttended: 360, markedById: tutor.id },
    });
    expect(new Date(marked.record.markedAt).toISOString()).toBe(marked.record.markedAt);
    expect(marked.record.markedByName).toBe(tutor.email);
    expect(res.body.items.filter((i: { record: unknown }) => i.record === null).length).toBe(2);
  });

  it('GET /enrolments/:id/attendance: the student sees their own, not another student; tutors their cohorts', async () => {
    const { session, ids, students, cohort } = await arrange(2);
    await put(admin, session.id, [{ enrolmentId: ids[0], status: 'present' }]);
    const me = await studentLogin(t, students[0].id);
    const mine = await t.http().get(`/api/v1/enrolments/${ids[0]}/attendance`).set(bearer(me));
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        sessionId: session.id,
        counts: true,
        ended: true,
        record: expect.objectContaining({ status: 'present', minutesAttended: 360 }),
      }),
    ]);
    expect(
      (await t.http().get(`/api/v1/enrolments/${ids[1]}/attendance`).set(bearer(me))).status,
    ).toBe(404);
    const otherTutor = await tutorOf(t, (await arrange(1)).cohort.id);
    expect(
      (await t.http().get(`/api/v1/enrolments/${ids[0]}/attendance`).set(bearer(otherTutor)))
        .status,
    ).toBe(404);
    const tutor = await tutorOf(t, cohort.id);
    expect(
      (await t.http().get(`/api/v1/enrolments/${ids[0]}/attendance`).set(bearer(tutor))).status,
    ).toBe(200);
  });

  it("a save that changes something records and enqueues an at-risk check of the session's cohort", async () => {
    const { session, ids, cohort } = await arrange(1);
    const queue = runQueue(t, 'notifications');
    const riskJobs = async () =>
      (await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter(
        (j) => j.data.kind === 'risk-check' && j.data.cohortId === cohort.id,
      );
    try {
      await put(admin, session.id, [{ enrolmentId: ids[0], status: 'absent' }]);
      expect((await riskJobs()).map((j) => j.data.version)).toEqual([1]);
      const requests = () =>
        t.db.query(
          `SELECT requested_version, checked_version FROM risk_check_requests WHERE cohort_id = $1`,
          [cohort.id],
        );
      expect(await requests()).toEqual([{ requested_version: 1, checked_version: 0 }]);
      // The same register again changes nothing, so asks for nothing.
      await put(admin, session.id, [{ enrolmentId: ids[0], status: 'absent' }]);
      expect(await riskJobs()).toHaveLength(1);
      await put(admin, session.id, [{ enrolmentId: ids[0], status: 'present' }]);
      expect((await riskJobs()).map((j) => j.data.version).sort()).toEqual([1, 2]);
      expect(await requests()).toEqual([{ requested_version: 2, checked_version: 0 }]);
    } finally {
      await queue.close();
    }
  });

  it('the register is saved even while Redis is unreachable', async () => {
    const redis = new URL(t.config.REDIS_URL);
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.open();
    const cut = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const { session, ids } = await arrange(1);
      await proxy.cut();
      const res = await cut
        .http()
        .put(`/api/v1/sessions/${session.id}/attendance`)
        .set(bearer(admin))
        .send({ records: [{ enrolmentId: ids[0], status: 'present' }] });
      expect(res.status).toBe(200);
      expect(res.body.saved).toBe(1);
      expect(await records(session.id)).toHaveLength(1);
    } finally {
      await proxy.cut();
      await cut.close().catch(() => undefined);
    }
  });
});
