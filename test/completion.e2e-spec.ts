import { Queue } from 'bullmq';
import { CertificateIssuingService } from '../src/certificates/certificate-issuing.service';
import { makeBlock, makeSession, makeStudent, recordAssessment } from './helpers/factories';
import {
  auditEvents,
  enrol,
  makeCertificate,
  mark,
  runQueue,
  seatedCohort,
  tutorOf,
  unknownId,
} from './helpers/progress-factories';
import { TcpProxy } from './helpers/tcp-proxy';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

// The machine is shared: allow slow arrangements (the config's testTimeout is per project).
jest.setTimeout(60_000);

describe('completion: POST /cohorts/:id/completion/evaluate and POST /enrolments/:id/completion', () => {
  let t: TestApp;
  let admin: TestUser;
  let certificates: Queue;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    certificates = runQueue(t, 'certificates');
  });
  afterAll(async () => {
    await certificates.close();
    await t.close();
  });

  /**
   * Rules: 80% attendance, 10 contact hours, 50% in every block, both required assessments.
   * Four ended sessions of 360 minutes, two per block (24 h in all). Students:
   *   C1 all present, both passed                      -> completed
   *   C2 all present, PRACTICE referred                -> not completed (assessments)
   *   C3 three of four present (1080/1440 = 75%)       -> not completed (attendance)
   *   C4 all present, both passed                      -> completed
   *   W  withdrawn                                     -> not evaluated
   */
  async function arrange() {
    const c = await seatedCohort(t.db, 4, {
      rules: [
        { type: 'min_attendance_percent', value: 80 },
        { type: 'min_contact_hours', value: 10 },
        { type: 'min_block_attendance_percent', value: 50 },
        { type: 'assessments_passed' },
      ],
    });
    const [C1, C2, C3, C4] = c.enrolments.map((e) => e.id);
    const withdrawn = await enrol(t.db, (await makeStudent(t.db)).id, c.cohort, {
      status: 'withdrawn',
    });
    const b1 = await makeBlock(t.db, c.cohort.id, { title: 'Week 1' });
    const b2 = await makeBlock(t.db, c.cohort.id, {
      title: 'Week 2',
      startDate: '2018-03-05',
      endDate: '2018-04-30',
    });
    for (let i = 0; i < 4; i++) {
      const s = await makeSession(t.db, c.cohort.id, {
        startsAt: new Date(Date.UTC(2018, 0, 8 + i * 30, 9)),
        blockId: (i < 2 ? b1 : b2).id,
      });
      for (const e of [C1, C2, C4]) await mark(t.db, s.id, e, 'present');
      await mark(t.db, s.id, C3, i === 3 ? 'absent' : 'present');
    }
    for (const e of [C1, C3, C4]) {
      await recordAssessment(t.db, e, 'ESSAY', 'pass');
      await recordAssessment(t.db, e, 'PRACTICE', 'pass');
    }
    await recordAssessment(t.db, C2, 'ESSAY', 'pass');
    await recordAssessment(t.db, C2, 'PRACTICE', 'refer');
    return { ...c, C1, C2, C3, C4, withdrawn: withdrawn.id };
  }

  const evaluate = (user: TestUser, cohortId: string) =>
    t.http().post(`/api/v1/cohorts/${cohortId}/completion/evaluate`).set(bearer(user)).send();
  const override = (user: TestUser, enrolmentId: string, body: object) =>
    t.http().post(`/api/v1/enrolments/${enrolmentId}/completion`).set(bearer(user)).send(body);
  const statusOf = async (id: string) =>
    (await t.db.query(`SELECT status FROM enrolments WHERE id = $1`, [id]))[0].status;
  const decisionsOf = (id: string) =>
    t.db.query(
      `SELECT outcome, rules, facts, results, override, reason, decided_by_id
         FROM completion_decisions WHERE enrolment_id = $1 ORDER BY decided_at, id`,
      [id],
    );

  it('decides every seated enrolment, stores rules and facts, moves statuses and enqueues certificates', async () => {
    const c = await arrange();
    const res = await evaluate(admin, c.cohort.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ evaluated: 4, completed: 2, notCompleted: 2 });

    expect(await statusOf(c.C1)).toBe('completed');
    expect(await statusOf(c.C2)).toBe('not_completed');
    expect(await statusOf(c.C3)).toBe('not_completed');
    expect(await statusOf(c.C4)).toBe('completed');
    expect(await statusOf(c.withdrawn)).toBe('withdrawn');
    expect(await decisionsOf(c.withdrawn)).toEqual([]);

    const [d3] = await decisionsOf(c.C3);
    expect(d3).toMatchObject({ outcome: 'not_completed', override: false, decided_by_id: null });
    expect(d3.rules).toHaveLength(4);
    // 3 x 360 = 1080 attended of 4 x 360 = 1440 eligible
    expect(d3.facts).toMatchObject({
      attendedMinutes: 1080,
      eligibleMinutes: 1440,
      excusedMinutes: 0,
      assessments: { ESSAY: 'pass', PRACTICE: 'pass' },
      requiredAssessmentCodes: ['ESSAY', 'PRACTICE'],
    });
    expect(d3.facts.blocks).toHaveLength(2);
    expect(d3.results).toEqual([
      { type: 'min_attendance_percent', required: 80, actual: 75, passed: false },
      { type: 'min_contact_hours', required: 10, actual: 18, passed: true },
      { type: 'min_block_attendance_percent', required: 50, actual: 50, passed: true },
      {
        type: 'assessments_passed',
        required: ['ESSAY', 'PRACTICE'],
        actual: ['ESSAY', 'PRACTICE'],
        passed: true,
      },
    ]);
    const [d2] = await decisionsOf(c.C2);
    expect(d2.results[3]).toMatchObject({ actual: ['ESSAY'], passed: false });

    // The standard enrolment audit entry (the row before and after), with the decision's facts.
    expect(await auditEvents(t.db, c.C1)).toEqual([
      expect.objectContaining({
        action: 'completion.decided',
        before: expect.objectContaining({ id: c.C1, status: 'enrolled', endedAt: null }),
        after: expect.objectContaining({
          id: c.C1,
          status: 'completed',
          outcome: 'completed',
          override: false,
          endedAt: expect.any(String),
        }),
        actor_id: admin.id,
      }),
    ]);

    for (const id of [c.C1, c.C4]) {
      const job = await certificates.getJob(`issue-${id}`);
      expect(job?.data).toEqual({ enrolmentId: id });
    }
    for (const id of [c.C2, c.C3]) expect(await certificates.getJob(`issue-${id}`)).toBeUndefined();
  });

  it('re-running is safe: same answer, no new decisions, no duplicate jobs; changed facts are re-decided', async () => {
    const c = await arrange();
    const first = await evaluate(admin, c.cohort.id);
    const jobsBefore = (await certificates.getJobs(['waiting', 'delayed', 'active'])).length;
    const second = await evaluate(admin, c.cohort.id);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      evaluated: 4,
      completed: 2,
      notCompleted: 2,
      decisionsStored: 0,
      statusChanged: 0,
    });
    expect(first.body.decisionsStored).toBe(4);
    for (const id of [c.C1, c.C2, c.C3, c.C4]) expect(await decisionsOf(id)).toHaveLength(1);
    expect((await certificates.getJobs(['waiting', 'delayed', 'active'])).length).toBe(jobsBefore);
    expect(await auditEvents(t.db, c.C1)).toHaveLength(1);

    // C2 resubmits and passes; C1's essay is changed to a referral. A decided enrolment changes
    // only by an override: a re-run moves nobody.
    await recordAssessment(t.db, c.C2, 'PRACTICE', 'pass');
    await recordAssessment(t.db, c.C1, 'ESSAY', 'refer');
    const third = await evaluate(admin, c.cohort.id);
    expect(third.body).toMatchObject({
      completed: 2,
      notCompleted: 2,
      decisionsStored: 0,
      statusChanged: 0,
    });
    expect(await statusOf(c.C1)).toBe('completed');
    expect(await statusOf(c.C2)).toBe('not_completed');
    expect(await decisionsOf(c.C2)).toHaveLength(1);
    expect(await auditEvents(t.db, c.C1)).toHaveLength(1);
  });

  it('does not enqueue a certificate for an enrolment that already holds one', async () => {
    const c = await arrange();
    await makeCertificate(t.db, c.C4, 'revoked');
    const res = await evaluate(admin, c.cohort.id);
    expect(res.body).toMatchObject({ completed: 2, certificatesQueued: 1 });
    expect(await certificates.getJob(`issue-${c.C1}`)).toBeDefined();
    expect(await certificates.getJob(`issue-${c.C4}`)).toBeUndefined();
  });

  it('an override with a reason moves the enrolment, is audited, enqueues the certificate and stands against later evaluations', async () => {
    const c = await arrange();
    await evaluate(admin, c.cohort.id);
    const body = {
      outcome: 'completed',
      reason: 'Attendance shortfall made up by agreed extra work',
    };
    const res = await override(admin, c.C3, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      enrolmentId: c.C3,
      outcome: 'completed',
      override: true,
      reason: body.reason,
      decidedById: admin.id,
      enrolmentStatus: 'completed',
    });
    expect(res.body.facts).toMatchObject({ attendedMinutes: 1080, eligibleMinutes: 1440 });
    expect(res.body.results[0]).toMatchObject({ type: 'min_attendance_percent', passed: false });
    expect(await statusOf(c.C3)).toBe('completed');
    expect(await certificates.getJob(`issue-${c.C3}`)).toBeDefined();
    const events = await auditEvents(t.db, c.C3);
    expect(events[events.length - 1]).toMatchObject({
      action: 'completion.overridden',
      before: { status: 'not_completed', outcome: 'not_completed', override: false },
      after: { status: 'completed', override: true, reason: body.reason },
      actor_id: admin.id,
    });

    // The same override again stores nothing new.
    expect((await override(admin, c.C3, body)).status).toBe(200);
    expect(await decisionsOf(c.C3)).toHaveLength(2);

    const again = await evaluate(admin, c.cohort.id);
    expect(again.body).toMatchObject({ evaluated: 3, skippedOverridden: 1 });
    expect(await statusOf(c.C3)).toBe('completed');

    // And an override the other way.
    const down = await override(admin, c.C1, { outcome: 'not_completed', reason: 'Plagiarism' });
    expect(down.body.enrolmentStatus).toBe('not_completed');
    expect(await statusOf(c.C1)).toBe('not_completed');
  });

  it('409 for an override of a withdrawn enrolment; 400 without a reason; 404 unknown', async () => {
    const c = await arrange();
    const res = await override(admin, c.withdrawn, { outcome: 'completed', reason: 'x' });
    expect(res.status).toBe(409);
    expect(await decisionsOf(c.withdrawn)).toEqual([]);
    expect((await override(admin, c.C1, { outcome: 'completed' })).status).toBe(400);
    expect((await override(admin, c.C1, { outcome: 'completed', reason: '  ' })).status).toBe(400);
    expect((await override(admin, c.C1, { outcome: 'passed', reason: 'x' })).status).toBe(400);
    expect((await override(admin, c.C1, { outcome: 'completed', reason: 'a\u0000b' })).status).toBe(
      400,
    );
    expect((await override(admin, unknownId(), { outcome: 'completed', reason: 'x' })).status).toBe(
      404,
    );
    expect((await evaluate(admin, unknownId())).status).toBe(404);
  });

  it('only admins decide: tutors and students get 403; decisions are readable by the student', async () => {
    const c = await arrange();
    const tutor = await tutorOf(t, c.cohort.id);
    expect((await evaluate(tutor, c.cohort.id)).status).toBe(403);
    expect((await override(tutor, c.C1, { outcome: 'completed', reason: 'x' })).status).toBe(403);
    const student = await createUser(t, 'student', { studentId: c.students[0].id });
    expect((await evaluate(student, c.cohort.id)).status).toBe(403);
    expect((await override(student, c.C1, { outcome: 'completed', reason: 'x' })).status).toBe(403);
    await evaluate(admin, c.cohort.id);
    const mine = await t.http().get(`/api/v1/enrolments/${c.C1}/completion`).set(bearer(student));
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ outcome: 'completed' })]);
    expect(
      (await t.http().get(`/api/v1/enrolments/${c.C2}/completion`).set(bearer(student))).status,
    ).toBe(404);
  });

  it('a running cohort: evaluation answers 409 naming the last mandatory session, and changes nothing', async () => {
    const c = await arrange();
    // A mandatory session still to come (and a later optional one, which does not hold it back).
    await makeSession(t.db, c.cohort.id, { startsAt: new Date(Date.UTC(2099, 5, 15, 9)) });
    await makeSession(t.db, c.cohort.id, {
      startsAt: new Date(Date.UTC(2099, 6, 1, 9)),
      mandatory: false,
    });
    const res = await evaluate(admin, c.cohort.id);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('cohort_not_ended');
    expect(res.body.detail).toContain('2099-06-15');
    for (const id of [c.C1, c.C2, c.C3, c.C4]) {
      expect(await statusOf(id)).toBe('enrolled');
      expect(await decisionsOf(id)).toEqual([]);
    }
    const ended = await t.db.query(
      `SELECT count(*)::int AS n FROM enrolments
        WHERE id = ANY($1::uuid[]) AND ended_at IS NOT NULL`,
      [[c.C1, c.C2, c.C3, c.C4]],
    );
    expect(ended[0].n).toBe(0);
  });

  it('the preview answers at any time what an evaluation would decide, and writes nothing', async () => {
    const c = await arrange();
    await makeSession(t.db, c.cohort.id, { startsAt: new Date(Date.UTC(2099, 5, 15, 9)) });
    const counts = () =>
      t.db.query(
        `SELECT (SELECT count(*)::int FROM completion_decisions) AS decisions,
                (SELECT count(*)::int FROM audit_events) AS audits,
                (SELECT count(*)::int FROM enrolments WHERE cohort_id = $1 AND status = 'enrolled') AS enrolled`,
        [c.cohort.id],
      );
    const before = await counts();
    const res = await t
      .http()
      .get(`/api/v1/cohorts/${c.cohort.id}/completion/preview`)
      .set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      cohortId: c.cohort.id,
      canEvaluate: false,
      evaluated: 4,
      completed: 2,
      notCompleted: 2,
      toDecide: 4,
      skippedOverridden: 0,
      certificatesToIssue: 2,
    });
    expect(res.body.lastMandatorySessionEndsAt).toBe('2099-06-15T15:00:00.000Z');
    const c3 = res.body.items.find((i: { enrolmentId: string }) => i.enrolmentId === c.C3);
    expect(c3).toMatchObject({ status: 'enrolled', outcome: 'not_completed', decidedBy: 'rules' });
    expect(await counts()).toEqual(before);

    const tutor = await tutorOf(t, c.cohort.id);
    const asTutor = await t
      .http()
      .get(`/api/v1/cohorts/${c.cohort.id}/completion/preview`)
      .set(bearer(tutor));
    expect(asTutor.status).toBe(403);
  });

  it('an override from completed to not completed revokes the issued certificate in the same change', async () => {
    const c = await arrange();
    await evaluate(admin, c.cohort.id);
    const { certificateId } = await t.app.get(CertificateIssuingService).issue(c.C1);
    const [{ verification_code: code }] = await t.db.query(
      `SELECT verification_code FROM certificates WHERE id = $1`,
      [certificateId],
    );
    const valid = await t.http().get(`/api/v1/verify/${code}`);
    expect(valid.body.status).toBe('valid');

    const reason = 'Plagiarism found in the reflective essay';
    const res = await override(admin, c.C1, { outcome: 'not_completed', reason });
    expect(res.status).toBe(200);
    expect(res.body.enrolmentStatus).toBe('not_completed');
    const [cert] = await t.db.query(
      `SELECT status, revoked_reason FROM certificates WHERE id = $1`,
      [certificateId],
    );
    expect(cert).toEqual({ status: 'revoked', revoked_reason: reason });
    expect((await t.http().get(`/api/v1/verify/${code}`)).body.status).toBe('revoked');
    expect(await auditEvents(t.db, certificateId as string)).toEqual([
      expect.objectContaining({ action: 'certificate.issue' }),
      expect.objectContaining({
        action: 'certificate.revoke',
        after: { status: 'revoked', reason },
        actor_id: admin.id,
      }),
    ]);
    const events = await auditEvents(t.db, c.C1);
    expect(events[events.length - 1]).toMatchObject({
      action: 'completion.overridden',
      before: { id: c.C1, status: 'completed', override: false },
      after: { id: c.C1, status: 'not_completed', override: true, reason },
    });
  });

  it('while Redis is unreachable the decisions still stand', async () => {
    const redis = new URL(t.config.REDIS_URL);
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.open();
    const cut = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const c = await arrange();
      await proxy.cut();
      const res = await cut
        .http()
        .post(`/api/v1/cohorts/${c.cohort.id}/completion/evaluate`)
        .set(bearer(admin))
        .send();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ completed: 2, certificatesQueued: 0 });
      expect(await statusOf(c.C1)).toBe('completed');
      expect(await decisionsOf(c.C1)).toHaveLength(1);
    } finally {
      await proxy.cut();
      await cut.close().catch(() => undefined);
    }
  });
});
