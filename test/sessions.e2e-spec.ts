import { randomUUID } from 'node:crypto';
import { attend, cohortActors, CohortActors, enrol } from './helpers/cohorts-factories';
import { makeBlock, makeCohort, makeCourse, makeSession, makeStudent } from './helpers/factories';
import { bearer, createTestApp, TestApp } from './helpers/test-app';

const fields = (body: { errors?: Array<{ field: string }> }) =>
  (body.errors ?? []).map((e) => e.field);

// jest.config's per-project testTimeout did not reach the hooks (they hit Jest's 5 s default
// under load on the shared machine), so this file sets its own.
jest.setTimeout(120_000);

describe('sessions', () => {
  let t: TestApp;
  let course: { id: string };
  let cohort: { id: string; course_id: string };
  let block: { id: string };
  let who: CohortActors;

  const create = (body: Record<string, unknown>, cohortId = cohort.id, user = who?.admin) =>
    t.http().post(`/api/v1/cohorts/${cohortId}/sessions`).set(bearer(user)).send(body);
  const sessionCount = async (cohortId = cohort.id) =>
    (
      await t.db.query(`SELECT count(*)::int AS n FROM sessions WHERE cohort_id = $1`, [cohortId])
    )[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id);
    block = await makeBlock(t.db, cohort.id, {
      title: 'Residential week 2',
      startDate: '2018-03-26',
      endDate: '2018-03-30',
    });
    who = await cohortActors(t, cohort.id);
  });
  afterAll(() => t.close());

  describe('time zone rule', () => {
    it('stores 09:30 on 26 March 2018 (the day after BST began) as 08:30Z', async () => {
      const res = await create({
        title: 'Open Dialogue practice',
        kind: 'residential',
        startsAt: '2018-03-26T09:30',
        endsAt: '2018-03-26T16:30',
        blockId: block.id,
        location: 'Goodmayes Hospital, Ilford',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        cohortId: cohort.id,
        blockId: block.id,
        blockTitle: 'Residential week 2',
        kind: 'residential',
        startsAt: '2018-03-26T08:30:00.000Z',
        endsAt: '2018-03-26T15:30:00.000Z',
        localStartsAt: '2018-03-26T09:30:00',
        localEndsAt: '2018-03-26T16:30:00',
        timezone: 'Europe/London',
        contactMinutes: 420,
        mandatory: true,
        location: 'Goodmayes Hospital, Ilford',
      });
      const [row] = await t.db.query(
        `SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS utc FROM sessions WHERE id = $1`,
        [res.body.id],
      );
      expect(row.utc).toBe('2018-03-26T08:30');
    });

    it('stores 09:30 on 29 October 2018 (the day after BST ended) as 09:30Z', async () => {
      const res = await create({
        title: 'Network meeting practice',
        kind: 'teaching',
        startsAt: '2018-10-29T09:30',
        endsAt: '2018-10-29T12:00',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        startsAt: '2018-10-29T09:30:00.000Z',
        endsAt: '2018-10-29T12:00:00.000Z',
        localStartsAt: '2018-10-29T09:30:00',
        contactMinutes: 150,
        blockId: null,
      });
    });

    it('takes a time with Z or an offset as an instant, whatever the cohort zone', async () => {
      const zulu = await create({
        title: 'Online supervision',
        kind: 'online',
        startsAt: '2018-03-27T18:00:00Z',
        endsAt: '2018-03-27T19:30:00Z',
      });
      expect(zulu.status).toBe(201);
      expect(zulu.body).toMatchObject({
        startsAt: '2018-03-27T18:00:00.000Z',
        localStartsAt: '2018-03-27T19:00:00',
        contactMinutes: 90,
      });
      const offset = await create({
        title: 'Peer group',
        kind: 'peer_group',
        startsAt: '2018-03-28T09:30:00-04:00',
        endsAt: '2018-03-28T10:30:00-04:00',
      });
      expect(offset.status).toBe(201);
      expect(offset.body).toMatchObject({
        startsAt: '2018-03-28T13:30:00.000Z',
        localStartsAt: '2018-03-28T14:30:00',
      });
    });

    it("reads local times in the cohort's own zone", async () => {
      const ny = await makeCohort(t.db, course.id, { timezone: 'America/New_York' });
      const res = await create(
        {
          title: 'Exchange day',
          kind: 'teaching',
          startsAt: '2018-03-26T09:30',
          endsAt: '2018-03-26T10:30',
        },
        ny.id,
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        startsAt: '2018-03-26T13:30:00.000Z',
        timezone: 'America/New_York',
        localStartsAt: '2018-03-26T09:30:00',
      });
    });

    it('refuses a local time the clocks skip or repeat with 422 naming the field, writing nothing', async () => {
      const before = await sessionCount();
      const gap = await create({
        title: 'Night session',
        kind: 'teaching',
        startsAt: '2018-03-25T01:30',
        endsAt: '2018-03-25T03:30',
      });
      expect(gap.status).toBe(422);
      expect(fields(gap.body)).toEqual(['startsAt']);
      expect(gap.body.detail).toMatch(/does not exist in Europe\/London/);
      const repeated = await create({
        title: 'Night session',
        kind: 'teaching',
        startsAt: '2018-10-28T00:30',
        endsAt: '2018-10-28T01:30',
      });
      expect(repeated.status).toBe(422);
      expect(fields(repeated.body)).toEqual(['endsAt']);
      // The same instants with explicit offsets are accepted.
      const explicit = await create({
        title: 'Night session',
        kind: 'teaching',
        startsAt: '2018-10-28T00:30+01:00',
        endsAt: '2018-10-28T01:30+00:00',
      });
      expect(explicit.status).toBe(201);
      expect(explicit.body.contactMinutes).toBe(120);
      expect(await sessionCount()).toBe(before + 1);
    });

    it('refuses endsAt at or before startsAt with 422 naming endsAt, writing nothing', async () => {
      const before = await sessionCount();
      for (const [startsAt, endsAt] of [
        ['2018-03-26T09:30', '2018-03-26T09:30'],
        ['2018-03-26T09:30', '2018-03-26T08:00'],
        ['2018-03-26T09:30', '2018-03-26T08:30:00Z'],
      ]) {
        const res = await create({ title: 'Backwards', kind: 'teaching', startsAt, endsAt });
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.code).toBe('ends_before_start');
        expect(fields(res.body)).toEqual(['endsAt']);
      }
      expect(await sessionCount()).toBe(before);
    });
  });

  describe('create', () => {
    it('refuses malformed input with 400 naming each field', async () => {
      const before = await sessionCount();
      const res = await create({
        title: '',
        kind: 'lecture',
        startsAt: '26/03/2018 09:30',
        endsAt: '2018-03-26',
        blockId: 'block-1',
        mandatory: 'yes',
        contactMinutes: -1,
        room: 'B2',
      });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(
        expect.arrayContaining([
          'title',
          'kind',
          'startsAt',
          'endsAt',
          'blockId',
          'mandatory',
          'contactMinutes',
          'room',
        ]),
      );
      const impossible = await create({
        title: 'Leap',
        kind: 'teaching',
        startsAt: '2018-02-29T09:30',
        endsAt: '2018-02-29T10:30',
      });
      expect(impossible.status).toBe(400);
      expect(fields(impossible.body)).toEqual(['startsAt', 'endsAt']);
      expect(await sessionCount()).toBe(before);
    });

    it('keeps set contact minutes and the mandatory flag, and refuses more minutes than the session lasts', async () => {
      const res = await create({
        title: 'Lunch-break reflection',
        kind: 'residential',
        startsAt: '2018-03-27T09:00',
        endsAt: '2018-03-27T17:00',
        contactMinutes: 390,
        mandatory: false,
        blockId: block.id,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ contactMinutes: 390, mandatory: false });
      const tooMany = await create({
        title: 'Too long',
        kind: 'teaching',
        startsAt: '2018-03-27T09:00',
        endsAt: '2018-03-27T10:00',
        contactMinutes: 61,
      });
      expect(tooMany.status).toBe(422);
      expect(fields(tooMany.body)).toEqual(['contactMinutes']);
    });

    it("refuses another cohort's block and a session outside its block's days (422)", async () => {
      const other = await makeCohort(t.db, course.id);
      const foreign = await makeBlock(t.db, other.id);
      const res = await create({
        title: 'Wrong block',
        kind: 'residential',
        startsAt: '2018-01-08T09:30',
        endsAt: '2018-01-08T16:30',
        blockId: foreign.id,
      });
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['blockId']);
      const outside = await create({
        title: 'Not in the week',
        kind: 'residential',
        startsAt: '2018-04-02T09:30',
        endsAt: '2018-04-02T16:30',
        blockId: block.id,
      });
      expect(outside.status).toBe(422);
      expect(outside.body.code).toBe('session_outside_block');
    });

    it('answers 404 for an unknown cohort and 403 to tutors and students', async () => {
      const body = {
        title: 'x',
        kind: 'teaching',
        startsAt: '2018-03-26T09:30',
        endsAt: '2018-03-26T10:30',
      };
      expect((await create(body, randomUUID())).status).toBe(404);
      expect((await create(body, 'nope')).status).toBe(400);
      expect((await create(body, cohort.id, who.tutor)).status).toBe(403);
      expect((await create(body, cohort.id, who.student)).status).toBe(403);
    });
  });

  describe('list and read', () => {
    let own: { id: string; course_id: string };
    beforeAll(async () => {
      own = await makeCohort(t.db, course.id);
      for (const [startsAt, endsAt, title] of [
        ['2018-03-27T09:30', '2018-03-27T10:30', 'Tuesday'],
        ['2018-03-26T09:30', '2018-03-26T10:30', 'Monday'],
        ['2018-03-30T09:30', '2018-03-30T10:30', 'Friday'],
        // The night the clocks go forward: 00:00 to 03:00 local is two hours.
        ['2018-03-25T00:00', '2018-03-25T03:00', 'Sunday night'],
        ['2018-03-26T00:30', '2018-03-26T01:30', 'Monday 00:30'],
      ]) {
        const res = await create({ title, kind: 'teaching', startsAt, endsAt }, own.id);
        expect(res.status).toBe(201);
      }
    });

    it('lists sessions in start order with local times, for admins and own tutors', async () => {
      const tutor = (await cohortActors(t, own.id)).tutor;
      for (const user of [who.admin, tutor]) {
        const res = await t.http().get(`/api/v1/cohorts/${own.id}/sessions`).set(bearer(user));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
        expect(res.body.items.map((s: { title: string }) => s.title)).toEqual([
          'Sunday night',
          'Monday 00:30',
          'Monday',
          'Tuesday',
          'Friday',
        ]);
        expect(res.body.items[0]).toMatchObject({
          startsAt: '2018-03-25T00:00:00.000Z',
          endsAt: '2018-03-25T02:00:00.000Z',
          contactMinutes: 120,
        });
        expect(res.body.items[1]).toMatchObject({
          startsAt: '2018-03-25T23:30:00.000Z',
          localStartsAt: '2018-03-26T00:30:00',
        });
      }
    });

    it('filters by cohort-local days and by instants', async () => {
      const titles = async (query: string) => {
        const res = await t
          .http()
          .get(`/api/v1/cohorts/${own.id}/sessions?${query}`)
          .set(bearer(who.admin));
        expect(res.status).toBe(200);
        return res.body.items.map((s: { title: string }) => s.title);
      };
      // 26 March local starts at 23:00Z on the 25th: the 00:30 BST session belongs to the 26th.
      expect(await titles('from=2018-03-26&to=2018-03-26')).toEqual(['Monday 00:30', 'Monday']);
      expect(await titles('from=2018-03-27')).toEqual(['Tuesday', 'Friday']);
      expect(await titles('to=2018-03-25')).toEqual(['Sunday night']);
      // Instants make a half-open range: a session starting exactly at `to` is left out.
      expect(await titles('from=2018-03-26T08:30:00Z&to=2018-03-27T08:30:00Z')).toEqual(['Monday']);
      expect(await titles('from=2018-03-26T08:30:00Z&to=2018-03-27T08:30:01Z')).toEqual([
        'Monday',
        'Tuesday',
      ]);
      expect(await titles('from=2018-03-26T09:30&limit=1&offset=1')).toEqual(['Tuesday']);
    });

    it('refuses bad filters with 400 naming them', async () => {
      const res = await t
        .http()
        .get(`/api/v1/cohorts/${own.id}/sessions?from=yesterday&to=2018-02-30&limit=0`)
        .set(bearer(who.admin));
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(expect.arrayContaining(['from', 'limit']));
      const impossible = await t
        .http()
        .get(`/api/v1/cohorts/${own.id}/sessions?to=2018-02-30`)
        .set(bearer(who.admin));
      expect(impossible.status).toBe(400);
      expect(fields(impossible.body)).toEqual(['to']);
    });

    it('answers 404 to other tutors and unknown cohorts, and 403 to students', async () => {
      expect(
        (await t.http().get(`/api/v1/cohorts/${own.id}/sessions`).set(bearer(who.otherTutor)))
          .status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${randomUUID()}/sessions`).set(bearer(who.admin)))
          .status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/cohorts/${own.id}/sessions`).set(bearer(who.student))).status,
      ).toBe(403);
    });

    it('reads one session for admins and own tutors, 404 for others, 403 for students', async () => {
      const s = await makeSession(t.db, cohort.id, {
        startsAt: new Date('2018-10-29T09:30:00Z'),
        minutes: 90,
      });
      const res = await t.http().get(`/api/v1/sessions/${s.id}`).set(bearer(who.tutor));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: s.id,
        startsAt: '2018-10-29T09:30:00.000Z',
        endsAt: '2018-10-29T11:00:00.000Z',
        localStartsAt: '2018-10-29T09:30:00',
        contactMinutes: 90,
      });
      expect(
        (await t.http().get(`/api/v1/sessions/${s.id}`).set(bearer(who.otherTutor))).status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/sessions/${randomUUID()}`).set(bearer(who.admin))).status,
      ).toBe(404);
      expect((await t.http().get(`/api/v1/sessions/${s.id}`).set(bearer(who.student))).status).toBe(
        403,
      );
    });
  });

  describe('update and delete', () => {
    const patch = (id: string, body: Record<string, unknown>, user = who.admin) =>
      t.http().patch(`/api/v1/sessions/${id}`).set(bearer(user)).send(body);

    it('moves a session in local time; derived contact minutes follow the times', async () => {
      const made = await create({
        title: 'Morning',
        kind: 'teaching',
        startsAt: '2018-10-26T09:30',
        endsAt: '2018-10-26T11:30',
      });
      const moved = await patch(made.body.id, {
        startsAt: '2018-10-29T09:30',
        endsAt: '2018-10-29T12:30',
        title: 'Morning (moved)',
        location: 'Online',
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        title: 'Morning (moved)',
        startsAt: '2018-10-29T09:30:00.000Z',
        endsAt: '2018-10-29T12:30:00.000Z',
        contactMinutes: 180,
        location: 'Online',
      });
      const cleared = await patch(made.body.id, { location: null, endsAt: '2018-10-29T10:30' });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ location: null, contactMinutes: 60 });
      const audit = await t.db.query(
        `SELECT action FROM audit_events WHERE entity_type = 'session' AND entity_id = $1 ORDER BY created_at`,
        [made.body.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'session.create',
        'session.update',
        'session.update',
      ]);
    });

    it('keeps contact minutes that were set when the times change, and refuses bad changes', async () => {
      const made = await create({
        title: 'Set minutes',
        kind: 'teaching',
        startsAt: '2018-10-26T09:00',
        endsAt: '2018-10-26T13:00',
        contactMinutes: 200,
      });
      const later = await patch(made.body.id, { startsAt: '2018-10-26T09:30' });
      expect(later.status).toBe(200);
      expect(later.body.contactMinutes).toBe(200);
      const backwards = await patch(made.body.id, { endsAt: '2018-10-26T09:00' });
      expect(backwards.status).toBe(422);
      expect(fields(backwards.body)).toEqual(['endsAt']);
      const tooShort = await patch(made.body.id, { endsAt: '2018-10-26T10:00' });
      expect(tooShort.status).toBe(422);
      expect(fields(tooShort.body)).toEqual(['contactMinutes']);
      const nul = await patch(made.body.id, { title: null, startsAt: 'soon', kind: 'party' });
      expect(nul.status).toBe(400);
      expect(fields(nul.body)).toEqual(expect.arrayContaining(['title', 'startsAt', 'kind']));
      const [row] = await t.db.query(
        `SELECT title, starts_at, ends_at, contact_minutes FROM sessions WHERE id = $1`,
        [made.body.id],
      );
      expect(row).toMatchObject({
        title: 'Set minutes',
        starts_at: new Date('2018-10-26T08:30:00Z'),
        ends_at: new Date('2018-10-26T12:00:00Z'),
        contact_minutes: 200,
      });
      expect((await patch(randomUUID(), { title: 'x' })).status).toBe(404);
      expect((await patch(made.body.id, { title: 'x' }, who.tutor)).status).toBe(403);
    });

    it('refuses a change of contact minutes once attendance exists (409), but allows other edits', async () => {
      const s = await makeSession(t.db, cohort.id, {
        startsAt: new Date('2018-03-28T08:30:00Z'),
        minutes: 120,
      });
      const e = await enrol(t.db, (await makeStudent(t.db)).id, cohort);
      await attend(t.db, s.id, e.id, 'present');
      const minutes = await patch(s.id, { contactMinutes: 100 });
      expect(minutes.status).toBe(409);
      expect(minutes.body.code).toBe('session_has_attendance');
      const renamed = await patch(s.id, { title: 'Renamed', startsAt: '2018-03-28T10:30' });
      expect(renamed.status).toBe(409);
      const moved = await patch(s.id, {
        title: 'Renamed',
        startsAt: '2018-03-28T10:30',
        endsAt: '2018-03-28T12:30',
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ title: 'Renamed', contactMinutes: 120 });
    });

    it('deletes a session without attendance (204) and refuses one with attendance (409)', async () => {
      const free = await makeSession(t.db, cohort.id);
      const taken = await makeSession(t.db, cohort.id);
      const enrolment = await enrol(t.db, (await makeStudent(t.db)).id, cohort);
      await attend(t.db, taken.id, enrolment.id, 'absent');

      expect(
        (await t.http().delete(`/api/v1/sessions/${free.id}`).set(bearer(who.tutor))).status,
      ).toBe(403);
      const gone = await t.http().delete(`/api/v1/sessions/${free.id}`).set(bearer(who.admin));
      expect(gone.status).toBe(204);
      expect(
        (await t.http().get(`/api/v1/sessions/${free.id}`).set(bearer(who.admin))).status,
      ).toBe(404);
      expect(
        (await t.http().delete(`/api/v1/sessions/${free.id}`).set(bearer(who.admin))).status,
      ).toBe(404);
      const kept = await t.http().delete(`/api/v1/sessions/${taken.id}`).set(bearer(who.admin));
      expect(kept.status).toBe(409);
      expect(kept.body.code).toBe('session_has_attendance');
      expect(
        (await t.http().get(`/api/v1/sessions/${taken.id}`).set(bearer(who.admin))).status,
      ).toBe(200);
      const audit = await t.db.query(
        `SELECT action FROM audit_events WHERE entity_type = 'session' AND entity_id = ANY($1::uuid[])`,
        [[free.id, taken.id]],
      );
      expect(audit).toEqual([{ action: 'session.delete' }]);
    });
  });
});
