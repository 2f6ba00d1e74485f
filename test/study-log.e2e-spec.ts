import type { CompletionRule } from '../src/completion/completion-rules';
import { DateTime } from 'luxon';
import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import { makeSession } from './helpers/factories';
import {
  auditEvents,
  mark,
  minutesFromNow,
  seatedCohort,
  studentLogin,
  tutorOf,
  unknownId,
} from './helpers/progress-factories';
import { setEnrolmentState } from './helpers/report-factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

jest.setTimeout(60_000);

const PROBLEM = 'application/problem+json';
const londonDay = (daysFromToday: number) =>
  DateTime.now().setZone('Europe/London').plus({ days: daysFromToday }).toISODate() as string;

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('independent study log and the university award', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  /** A cohort with one student enrolled 30 days ago, their login and the cohort's tutor. */
  async function arrange(rules?: CompletionRule[]) {
    const f = await seatedCohort(t.db, 1, rules ? { rules } : {}, minutesFromNow(-30 * 1440));
    const student = await studentLogin(t, f.students[0].id);
    const tutor = await tutorOf(t, f.cohort.id);
    return { ...f, enrolmentId: f.enrolments[0].id, student, tutor };
  }

  const log = (user: TestUser, body: object) =>
    t.http().post('/api/v1/me/study-log').set(bearer(user)).send(body);
  const review = (user: TestUser, id: string, action: 'approve' | 'return', body: object = {}) =>
    t.http().post(`/api/v1/study-log/${id}/${action}`).set(bearer(user)).send(body);
  const progress = async (user: TestUser, enrolmentId: string) =>
    (await t.http().get(`/api/v1/enrolments/${enrolmentId}/progress`).set(bearer(user))).body;

  it('counts approved minutes, shows submitted ones as pending and returned ones as neither', async () => {
    const f = await arrange();
    const entries = [];
    for (const minutes of [90, 60, 45]) {
      const res = await log(f.student, {
        date: londonDay(-2),
        minutes,
        kind: 'reading',
        reflection: 'Read Seikkula on dialogism',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        enrolmentId: f.enrolmentId,
        date: londonDay(-2),
        minutes,
        kind: 'reading',
        status: 'submitted',
      });
      entries.push(res.body.id as string);
    }
    expect((await progress(f.student, f.enrolmentId)).independentStudy).toEqual({
      approvedHours: 0,
      pendingHours: 3.3, // 195 / 60 = 3.25, half up
      targetHours: 120,
    });

    const approved = await review(f.tutor, entries[0], 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', reviewedById: f.tutor.id });
    const returned = await review(f.tutor, entries[1], 'return', {
      comment: 'Say what you read, please',
    });
    expect(returned.body).toMatchObject({
      status: 'returned',
      reviewComment: 'Say what you read, please',
    });
    expect((await progress(f.student, f.enrolmentId)).independentStudy).toEqual({
      approvedHours: 1.5,
      pendingHours: 0.8,
      targetHours: 120,
    });

    const mine = await t.http().get('/api/v1/me/study-log').set(bearer(f.student));
    expect(mine.body.items.map((e: { status: string }) => e.status).sort()).toEqual([
      'approved',
      'returned',
      'submitted',
    ]);
    const pending = await t
      .http()
      .get(`/api/v1/cohorts/${f.cohort.id}/study-log?status=submitted`)
      .set(bearer(f.tutor));
    expect(pending.body.items.map((e: { id: string }) => e.id)).toEqual([entries[2]]);

    // Approving twice changes nothing and audits once.
    await review(f.tutor, entries[0], 'approve');
    const events = await auditEvents(t.db, entries[0]);
    expect(events.map((e) => e.action)).toEqual(['study_log.submitted', 'study_log.approved']);
    expect(JSON.stringify(events)).not.toContain('Seikkula');
  });

  it.each([
    ['a future date', () => ({ date: londonDay(1) }), 422, 'date'],
    ['a date before the enrolment', () => ({ date: londonDay(-40) }), 422, 'date'],
    ['an impossible date', () => ({ date: '2026-02-30' }), 400, 'date'],
    ['no minutes', () => ({ minutes: 0 }), 400, 'minutes'],
    ['more than a day', () => ({ minutes: 1441 }), 400, 'minutes'],
    ['fractional minutes', () => ({ minutes: 30.5 }), 400, 'minutes'],
    ['an unknown kind', () => ({ kind: 'napping' }), 400, 'kind'],
    ['a NUL in the reflection', () => ({ reflection: 'a\u0000b' }), 400, 'reflection'],
  ])('refuses %s with a problem naming the field', async (_name, over, status, field) => {
    const f = await arrange();
    const res = await log(f.student, {
      date: londonDay(-1),
      minutes: 30,
      kind: 'other',
      ...over(),
    });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    const [{ n }] = await t.db.query(
      'SELECT count(*)::int AS n FROM study_log_entries WHERE enrolment_id = $1',
      [f.enrolmentId],
    );
    expect(n).toBe(0);
  });

  it('refuses study after the enrolment ended, and takes it up to the last day', async () => {
    const f = await arrange();
    await setEnrolmentState(t.db, f.enrolmentId, {
      status: 'withdrawn',
      endedAt: DateTime.fromISO(`${londonDay(-5)}T12:00`, { zone: 'Europe/London' }).toJSDate(),
    });
    const after = await log(f.student, { date: londonDay(-4), minutes: 30, kind: 'reading' });
    expect(after.status).toBe(422);
    expect(after.body.code).toBe('study_log_outside_enrolment');
    const lastDay = await log(f.student, { date: londonDay(-5), minutes: 30, kind: 'reading' });
    expect(lastDay.status).toBe(201);
  });

  it('lets only the cohort’s tutors and admins review, and students read only their own', async () => {
    const f = await arrange();
    const other = await arrange();
    const entry = (await log(f.student, { date: londonDay(0), minutes: 30, kind: 'supervision' }))
      .body;
    expect((await review(other.tutor, entry.id, 'approve')).status).toBe(404);
    expect((await review(f.student, entry.id, 'approve')).status).toBe(403);
    expect((await review(admin, unknownId(), 'approve')).status).toBe(404);
    expect((await review(admin, 'not-a-uuid', 'approve')).status).toBe(400);
    expect((await review(admin, entry.id, 'approve')).status).toBe(200);
    const foreign = await t
      .http()
      .get(`/api/v1/enrolments/${f.enrolmentId}/study-log`)
      .set(bearer(other.student));
    expect(foreign.status).toBe(404);
    const own = await t
      .http()
      .get(`/api/v1/enrolments/${f.enrolmentId}/study-log`)
      .set(bearer(f.student));
    expect(own.body.items).toHaveLength(1);
    expect((await log(f.tutor, { date: londonDay(0), minutes: 30, kind: 'other' })).status).toBe(
      403,
    );
  });

  it('lets a student correct a returned entry, which is submitted again; an approved one is settled', async () => {
    const f = await arrange();
    const other = await arrange();
    const entry = (await log(f.student, { date: londonDay(-2), minutes: 30, kind: 'other' })).body;
    await review(f.tutor, entry.id, 'return', { comment: 'Which book?' });
    const patch = (user: TestUser, id: string, body: object) =>
      t.http().patch(`/api/v1/me/study-log/${id}`).set(bearer(user)).send(body);
    expect((await patch(other.student, entry.id, { minutes: 45 })).status).toBe(404);
    const future = await patch(f.student, entry.id, { date: londonDay(3) });
    expect(future.status).toBe(422);
    expect(future.body.errors[0].field).toBe('date');
    const fixed = await patch(f.student, entry.id, {
      minutes: 45,
      kind: 'reading',
      reflection: 'Open Dialogue and Psychosis, chapter 3',
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({
      status: 'submitted',
      minutes: 45,
      kind: 'reading',
      date: londonDay(-2),
      reviewComment: 'Which book?',
    });
    expect((await progress(f.student, f.enrolmentId)).independentStudy.pendingHours).toBe(0.8);
    await review(f.tutor, entry.id, 'approve');
    expect((await patch(f.student, entry.id, { minutes: 600 })).status).toBe(409);
  });

  it('decides min_independent_hours on approved minutes only, in progress and completion', async () => {
    const f = await arrange([
      { type: 'min_contact_hours', value: 0 },
      { type: 'min_independent_hours', value: 2 },
    ]);
    const s = await makeSession(t.db, f.cohort.id, { startsAt: minutesFromNow(-2 * 1440) });
    await mark(t.db, s.id, f.enrolmentId, 'present');
    const a = (await log(f.student, { date: londonDay(-1), minutes: 90, kind: 'reading' })).body;
    const b = (await log(f.student, { date: londonDay(-1), minutes: 30, kind: 'peer_practice' }))
      .body;
    const rule = async () =>
      (await progress(admin, f.enrolmentId)).rules.find(
        (r: { type: string }) => r.type === 'min_independent_hours',
      );
    expect(await rule()).toEqual({
      type: 'min_independent_hours',
      required: 2,
      actual: 0,
      passed: false,
    });
    await review(f.tutor, a.id, 'approve');
    await review(f.tutor, b.id, 'approve');
    expect(await rule()).toEqual({
      type: 'min_independent_hours',
      required: 2,
      actual: 2,
      passed: true,
    });
    const evaluated = await t
      .http()
      .post(`/api/v1/cohorts/${f.cohort.id}/completion/evaluate`)
      .set(bearer(admin));
    expect(evaluated.body).toMatchObject({ completed: 1, notCompleted: 0 });
    const [decision] = await t.db.query(
      'SELECT facts FROM completion_decisions WHERE enrolment_id = $1',
      [f.enrolmentId],
    );
    expect(decision.facts.approvedStudyMinutes).toBe(120);
  });

  it('records the university award apart, shows it to the student and exports both', async () => {
    const f = await arrange();
    const put = (user: TestUser, body: object) =>
      t.http().put(`/api/v1/enrolments/${f.enrolmentId}/award`).set(bearer(user)).send(body);
    const award = {
      awardingBody: 'London South Bank University',
      title: 'Graduate Certificate in Peer-supported Open Dialogue',
      level: 6,
      credits: 60,
      result: 'merit',
      conferredOn: londonDay(-3),
    };
    expect((await put(f.tutor, award)).status).toBe(403);
    for (const [over, field] of [
      [{ result: 'first' }, 'result'],
      [{ level: 9 }, 'level'],
      [{ credits: -1 }, 'credits'],
      [{ awardingBody: '' }, 'awardingBody'],
      [{ result: 'pending' }, 'conferredOn'],
    ] as const) {
      const bad = await put(admin, { ...award, ...over });
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain(PROBLEM);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await put(admin, { ...award, conferredOn: londonDay(2) })).status).toBe(422);
    const saved = await put(admin, award);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ ...award, enrolmentId: f.enrolmentId });
    await put(admin, award);
    expect((await auditEvents(t.db, f.enrolmentId)).map((e) => e.action)).toEqual([
      'award.recorded',
    ]);

    const mine = await t
      .http()
      .get(`/api/v1/enrolments/${f.enrolmentId}/award`)
      .set(bearer(f.student));
    expect(mine.body).toMatchObject(award);
    const other = await arrange();
    expect(
      (await t.http().get(`/api/v1/enrolments/${f.enrolmentId}/award`).set(bearer(other.student)))
        .status,
    ).toBe(404);

    const entry = (await log(f.student, { date: londonDay(-1), minutes: 75, kind: 'reading' }))
      .body;
    await review(admin, entry.id, 'approve');
    const csv = await t
      .http()
      .get(`/api/v1/reports/accreditation?cohortId=${f.cohort.id}&format=csv`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary);
    const rows: string[][] = parse(csv.body as Buffer, { bom: true });
    const [header, row] = rows;
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('Approved independent hours')).toBe('1.3');
    expect(cell('Awarding body')).toBe('London South Bank University');
    expect(cell('Award level')).toBe('6');
    expect(cell('Award result')).toBe('merit');
    expect(cell('Award conferred on')).toBe(londonDay(-3));
  });

  it('covers the log in subject access and erases reflections and comments', async () => {
    const f = await arrange();
    const entry = (
      await log(f.student, {
        date: londonDay(-1),
        minutes: 60,
        kind: 'reflective_writing',
        reflection: 'My own private thoughts',
      })
    ).body;
    await review(f.tutor, entry.id, 'return', { comment: 'Too short, Alex' });
    const exported = await t
      .http()
      .get(`/api/v1/students/${f.students[0].id}/export`)
      .set(bearer(admin));
    expect(exported.body.studyLog).toEqual([
      expect.objectContaining({
        id: entry.id,
        reflection: 'My own private thoughts',
        reviewComment: 'Too short, Alex',
        minutes: 60,
      }),
    ]);
    expect(exported.body.auditEvents.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['study_log.submitted', 'study_log.returned']),
    );

    expect(
      (await t.http().delete(`/api/v1/students/${f.students[0].id}`).set(bearer(admin))).status,
    ).toBe(204);
    const [row] = await t.db.query(
      'SELECT reflection, review_comment, minutes, status FROM study_log_entries WHERE id = $1',
      [entry.id],
    );
    expect(row).toEqual({
      reflection: null,
      review_comment: null,
      minutes: 60,
      status: 'returned',
    });
  });
});
