import { cohortActors, CohortActors, enrol } from './helpers/cohorts-factories';
import { makeCohort, makeCourse, makeStudent } from './helpers/factories';
import { bearer, createTestApp, TestApp } from './helpers/test-app';
import { errorSummary, HTML, pageText, signedInAgent } from './helpers/web-factories';

jest.setTimeout(60_000);

/**
 * Editing and deleting a cohort's teaching blocks through the API (PATCH and DELETE
 * /api/v1/cohorts/:cohortId/blocks/:blockId): admin only, validated, audited; a block whose
 * sessions have a register cannot be deleted, and one with sessions says what happens to them.
 */
describe('teaching blocks: edit and delete', () => {
  let t: TestApp;
  let who: CohortActors;
  let cohort: { id: string; course_id: string };
  let other: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    const course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id, { startDate: '2027-09-06', endDate: '2028-06-30' });
    other = await makeCohort(t.db, course.id, { startDate: '2027-09-06', endDate: '2028-06-30' });
    who = await cohortActors(t, cohort.id);
  });
  afterAll(() => t?.close());

  const blocksPath = (cohortId = cohort.id) => `/api/v1/cohorts/${cohortId}/blocks`;

  async function addBlock(
    title: string,
    startDate = '2027-10-28',
    endDate = '2027-11-01',
    cohortId = cohort.id,
  ): Promise<string> {
    const res = await t
      .http()
      .post(blocksPath(cohortId))
      .set(bearer(who.admin))
      .send({ title, startDate, endDate })
      .expect(201);
    return res.body.id;
  }

  async function addSession(blockId: string, day: string, title = `Day ${day}`): Promise<string> {
    const res = await t
      .http()
      .post(`/api/v1/cohorts/${cohort.id}/sessions`)
      .set(bearer(who.admin))
      .send({
        title,
        kind: 'residential',
        startsAt: `${day}T09:30`,
        endsAt: `${day}T16:30`,
        blockId,
      })
      .expect(201);
    return res.body.id;
  }

  const audit = (entityId: string) =>
    t.db.query(
      `SELECT action, before, after FROM audit_events WHERE entity_id = $1 ORDER BY created_at, id`,
      [entityId],
    );

  it('an administrator renames a block and changes its days; the change is audited', async () => {
    const id = await addBlock('Residential week 4');
    await addSession(id, '2027-10-29');
    const res = await t
      .http()
      .patch(`${blocksPath()}/${id}`)
      .set(bearer(who.admin))
      .send({ title: 'Residential week 4 (Ilford)', startDate: '2027-10-27' })
      .expect(200);
    expect(res.body).toMatchObject({
      id,
      cohortId: cohort.id,
      title: 'Residential week 4 (Ilford)',
      startDate: '2027-10-27',
      endDate: '2027-11-01',
      sessionCount: 1,
      markedSessionCount: 0,
    });
    const listed = await t.http().get(blocksPath()).set(bearer(who.tutor)).expect(200);
    expect(listed.body.items.find((b: { id: string }) => b.id === id).title).toBe(
      'Residential week 4 (Ilford)',
    );
    expect((await audit(id)).map((a: { action: string }) => a.action)).toEqual([
      'block.create',
      'block.update',
    ]);
    const [, update] = await audit(id);
    expect(update.before).toEqual({
      title: 'Residential week 4',
      startDate: '2027-10-28',
      endDate: '2027-11-01',
    });
    expect(update.after).toEqual({
      title: 'Residential week 4 (Ilford)',
      startDate: '2027-10-27',
      endDate: '2027-11-01',
    });
  });

  it('bad input is refused naming the field, and changes nothing', async () => {
    const id = await addBlock('Residential week 5', '2027-11-08', '2027-11-12');
    await addSession(id, '2027-11-10');
    const cases: Array<[object, number, string, string]> = [
      [{ startDate: '10/11/2027' }, 400, 'startDate', 'validation_failed'],
      [{ title: '' }, 400, 'title', 'validation_failed'],
      [{ title: null }, 400, 'title', 'validation_failed'],
      [{ endDate: '2027-11-07' }, 422, 'endDate', 'end_before_start'],
      [{ endDate: '2028-07-01' }, 422, 'endDate', 'block_outside_cohort'],
      // The session on the 10th would fall outside the block's days.
      [{ startDate: '2027-11-11' }, 422, 'startDate', 'block_sessions_outside'],
      [{ endDate: '2027-11-09' }, 422, 'endDate', 'block_sessions_outside'],
    ];
    for (const [body, status, field, code] of cases) {
      const res = await t.http().patch(`${blocksPath()}/${id}`).set(bearer(who.admin)).send(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const [row] = await t.db.query(
      `SELECT title, start_date::text AS s, end_date::text AS e FROM blocks WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ title: 'Residential week 5', s: '2027-11-08', e: '2027-11-12' });
  });

  it('only administrators may edit or delete; a block of another cohort or an unknown one is 404', async () => {
    const id = await addBlock('Residential week 6', '2027-12-06', '2027-12-10');
    for (const user of [who.tutor, who.otherTutor, who.student]) {
      await t
        .http()
        .patch(`${blocksPath()}/${id}`)
        .set(bearer(user))
        .send({ title: 'x' })
        .expect(403);
      await t.http().delete(`${blocksPath()}/${id}`).set(bearer(user)).expect(403);
    }
    await t.http().delete(`${blocksPath()}/${id}`).expect(401);
    // The block exists, but not in that cohort.
    await t
      .http()
      .patch(`${blocksPath(other.id)}/${id}`)
      .set(bearer(who.admin))
      .send({ title: 'x' })
      .expect(404);
    await t
      .http()
      .delete(`${blocksPath(other.id)}/${id}`)
      .set(bearer(who.admin))
      .expect(404);
    await t
      .http()
      .patch(`${blocksPath()}/3f1c1a8e-0000-4000-8000-000000000000`)
      .set(bearer(who.admin))
      .send({ title: 'x' })
      .expect(404);
    await t.http().patch(`${blocksPath()}/not-a-uuid`).set(bearer(who.admin)).send({}).expect(400);
    const [{ title }] = await t.db.query('SELECT title FROM blocks WHERE id = $1', [id]);
    expect(title).toBe('Residential week 6');
  });

  it('a block with sessions is deleted only when told what happens to them: keep leaves them outside any block, delete removes them', async () => {
    const kept = await addBlock('Study day block', '2028-01-10', '2028-01-14');
    const keptSession = await addSession(kept, '2028-01-11');
    const refused = await t.http().delete(`${blocksPath()}/${kept}`).set(bearer(who.admin));
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'block_has_sessions' });
    expect(refused.body.detail).toContain('1 session');
    const bad = await t
      .http()
      .delete(`${blocksPath()}/${kept}?sessions=archive`)
      .set(bearer(who.admin))
      .expect(400);
    expect(bad.body.errors[0].field).toBe('sessions');

    await t
      .http()
      .delete(`${blocksPath()}/${kept}?sessions=keep`)
      .set(bearer(who.admin))
      .expect(204);
    const session = await t
      .http()
      .get(`/api/v1/sessions/${keptSession}`)
      .set(bearer(who.admin))
      .expect(200);
    expect(session.body.blockId).toBeNull();
    await t.http().delete(`${blocksPath()}/${kept}`).set(bearer(who.admin)).expect(404);

    const gone = await addBlock('Residential week 7', '2028-02-07', '2028-02-11');
    const s1 = await addSession(gone, '2028-02-07');
    const s2 = await addSession(gone, '2028-02-08');
    await t
      .http()
      .delete(`${blocksPath()}/${gone}?sessions=delete`)
      .set(bearer(who.admin))
      .expect(204);
    const left = await t.db.query('SELECT id FROM sessions WHERE id = ANY($1::uuid[])', [[s1, s2]]);
    expect(left).toEqual([]);
    expect((await audit(gone)).map((a: { action: string }) => a.action)).toEqual([
      'block.create',
      'block.delete',
    ]);
    const [deletion] = (await audit(gone)).slice(-1);
    expect(deletion.after).toEqual({ sessionsDeleted: 2, sessionsKept: 0 });
    expect((await audit(s1)).map((a: { action: string }) => a.action)).toContain('session.delete');

    const empty = await addBlock('Empty block', '2028-03-06', '2028-03-10');
    await t.http().delete(`${blocksPath()}/${empty}`).set(bearer(who.admin)).expect(204);
  });

  it('a block whose sessions have a register cannot be deleted, whatever is asked for its sessions', async () => {
    const id = await addBlock('Residential week 8', '2028-04-03', '2028-04-07');
    const marked = await addSession(id, '2028-04-03');
    await addSession(id, '2028-04-04');
    const student = await makeStudent(t.db);
    const enrolment = await enrol(t.db, student.id, cohort);
    await t
      .http()
      .put(`/api/v1/sessions/${marked}/attendance`)
      .set(bearer(who.tutor))
      .send({ records: [{ enrolmentId: enrolment.id, status: 'present' }] })
      .expect(200);
    for (const query of ['', '?sessions=delete', '?sessions=keep']) {
      const res = await t.http().delete(`${blocksPath()}/${id}${query}`).set(bearer(who.admin));
      expect([query, res.status]).toEqual([query, 409]);
      expect(res.body.code).toBe('block_has_attendance');
      expect(res.body.detail).toContain('1 of the block');
    }
    const [{ n }] = await t.db.query(
      'SELECT count(*)::int AS n FROM sessions WHERE block_id = $1',
      [id],
    );
    expect(n).toBe(2);
  });

  it("the timetable page's delete confirmation asks what happens to the sessions, and says why a block with registers stays", async () => {
    const { agent, post } = await signedInAgent(t, who.admin.email);
    const id = await addBlock('Residential week 9', '2028-05-08', '2028-05-12');
    const session = await addSession(id, '2028-05-09');
    const path = `/admin/cohorts/${cohort.id}/blocks/${id}/delete`;
    const confirm = await agent.get(path).set('Accept', HTML).expect(200);
    expect(pageText(confirm.text)).toContain('What happens to its 1 session?');

    const unanswered = await post(path, {});
    expect(unanswered.status).toBe(422);
    expect(errorSummary(unanswered.text)).toEqual([
      '#sessions Select what happens to the sessions of the block',
    ]);
    const kept = await post(path, { sessions: 'keep' });
    expect(kept.status).toBe(303);
    expect(kept.headers.location).toBe(
      `/admin/cohorts/${cohort.id}/timetable?notice=block-deleted`,
    );
    const [row] = await t.db.query('SELECT block_id FROM sessions WHERE id = $1', [session]);
    expect(row).toEqual({ block_id: null });

    // A block with a register: the page says why, offers no button, and a POST is refused.
    const marked = await addBlock('Residential week 10', '2028-06-05', '2028-06-09');
    const markedSession = await addSession(marked, '2028-06-05');
    const student = await makeStudent(t.db);
    const enrolment = await enrol(t.db, student.id, cohort);
    await t
      .http()
      .put(`/api/v1/sessions/${markedSession}/attendance`)
      .set(bearer(who.admin))
      .send({ records: [{ enrolmentId: enrolment.id, status: 'absent' }] })
      .expect(200);
    const markedPath = `/admin/cohorts/${cohort.id}/blocks/${marked}/delete`;
    const refusal = await agent.get(markedPath).set('Accept', HTML).expect(200);
    expect(pageText(refusal.text)).toContain('1 of its sessions has a register');
    expect(refusal.text).not.toContain(`action="${markedPath}"`);
    expect(confirm.text).toContain(`action="${path}"`);
    const timetable = await agent
      .get(`/admin/cohorts/${cohort.id}/timetable`)
      .set('Accept', HTML)
      .expect(200);
    expect(timetable.text).toContain(`/blocks/${marked}/edit`);
    expect(timetable.text).not.toContain(markedPath);
    const refused = await post(markedPath, { sessions: 'delete' });
    expect(refused.status).toBe(409);
    expect(errorSummary(refused.text).join()).toContain('has a register');
    // Only administrators reach these pages.
    const tutorAgent = await signedInAgent(t, who.tutor.email);
    expect((await tutorAgent.agent.get(markedPath).set('Accept', HTML)).status).toBe(403);
  });
});
