import { randomUUID } from 'node:crypto';
import {
  cohortActors,
  CohortActors,
  enrol,
  icsLines,
  icsValues,
} from './helpers/cohorts-factories';
import { makeBlock, makeCohort, makeCourse, makeSession, makeStudent } from './helpers/factories';
import { bearer, createTestApp, createUser, TestApp } from './helpers/test-app';

// jest.config's per-project testTimeout did not reach the hooks (they hit Jest's 5 s default
// under load on the shared machine), so this file sets its own.
jest.setTimeout(120_000);

describe('calendars', () => {
  let t: TestApp;
  let course: { id: string; code: string };
  let cohort: { id: string; number: number; course_id: string };
  let who: CohortActors;
  const sessionIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    course = await makeCourse(t.db);
    cohort = await makeCohort(t.db, course.id);
    who = await cohortActors(t, cohort.id);
    const block = await makeBlock(t.db, cohort.id, {
      title: 'Residential week 2',
      startDate: '2018-03-26',
      endDate: '2018-03-30',
    });
    // Entered as local times through the API, so the calendar shows the stored conversion.
    for (const body of [
      {
        title: 'Open Dialogue practice',
        kind: 'residential',
        startsAt: '2018-03-26T09:30',
        endsAt: '2018-03-26T16:30',
        blockId: block.id,
        location: 'Goodmayes Hospital, Ilford',
      },
      {
        title: 'Network meetings',
        kind: 'teaching',
        startsAt: '2018-10-29T09:30',
        endsAt: '2018-10-29T12:30',
      },
      {
        title: 'Winter supervision',
        kind: 'supervision',
        startsAt: '2018-01-15T14:00',
        endsAt: '2018-01-15T15:00',
      },
    ]) {
      const res = await t
        .http()
        .post(`/api/v1/cohorts/${cohort.id}/sessions`)
        .set(bearer(who.admin))
        .send(body);
      expect(res.status).toBe(201);
      sessionIds.push(res.body.id);
    }
  });
  afterAll(() => t.close());

  it('serves the cohort timetable as iCalendar with correct UTC times across clock changes', async () => {
    const res = await t
      .http()
      .get(`/api/v1/cohorts/${cohort.id}/calendar.ics`)
      .set(bearer(who.admin));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${course.code.toLowerCase()}-cohort-${cohort.number}.ics"`,
    );
    const ics = res.text;
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(icsLines(ics).filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(3);
    expect(icsLines(ics).filter((l) => l === 'END:VEVENT')).toHaveLength(3);
    expect(icsValues(ics, 'VERSION')).toEqual(['2.0']);
    expect(icsValues(ics, 'X-WR-CALNAME')).toEqual([
      `${course.code} Cohort ${cohort.number} timetable`,
    ]);
    // Start order: January (GMT), March the day after BST began, October the day after it ended.
    expect(icsValues(ics, 'DTSTART')).toEqual([
      '20180115T140000Z',
      '20180326T083000Z',
      '20181029T093000Z',
    ]);
    expect(icsValues(ics, 'DTEND')).toEqual([
      '20180115T150000Z',
      '20180326T153000Z',
      '20181029T123000Z',
    ]);
    expect(icsValues(ics, 'UID')).toEqual(
      [sessionIds[2], sessionIds[0], sessionIds[1]].map((id) => `${id}@pod-cohorts`),
    );
    expect(icsValues(ics, 'SUMMARY')).toEqual([
      'Winter supervision',
      'Open Dialogue practice',
      'Network meetings',
    ]);
    expect(icsValues(ics, 'LOCATION')).toEqual(['Goodmayes Hospital\\, Ilford']);
    expect(icsValues(ics, 'DESCRIPTION')[1]).toBe(
      `Cohort ${cohort.number}\\nBlock: Residential week 2\\nKind: residential`,
    );
    expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);

    const again = await t
      .http()
      .get(`/api/v1/cohorts/${cohort.id}/calendar.ics`)
      .set(bearer(who.tutor));
    expect(again.status).toBe(200);
    expect(again.text).toBe(ics);
  });

  it('serves an empty but valid calendar for a cohort with no sessions', async () => {
    const empty = await makeCohort(t.db, course.id);
    const res = await t
      .http()
      .get(`/api/v1/cohorts/${empty.id}/calendar.ics`)
      .set(bearer(who.admin));
    expect(res.status).toBe(200);
    expect(icsValues(res.text, 'BEGIN')).toEqual(['VCALENDAR']);
  });

  it('answers 404 to other tutors and unknown cohorts, 400 to a bad id and 403 to students', async () => {
    const url = `/api/v1/cohorts/${cohort.id}/calendar.ics`;
    expect((await t.http().get(url).set(bearer(who.otherTutor))).status).toBe(404);
    expect(
      (await t.http().get(`/api/v1/cohorts/${randomUUID()}/calendar.ics`).set(bearer(who.admin)))
        .status,
    ).toBe(404);
    expect(
      (await t.http().get(`/api/v1/cohorts/x/calendar.ics`).set(bearer(who.admin))).status,
    ).toBe(400);
    expect((await t.http().get(url).set(bearer(who.student))).status).toBe(403);
  });

  it("serves a student's own timetable: the sessions of the cohorts they hold a seat in", async () => {
    const record = await makeStudent(t.db);
    const student = await createUser(t, 'student', { studentId: record.id });
    await enrol(t.db, record.id, cohort, 'enrolled');
    const otherCourse = await makeCourse(t.db);
    const left = await makeCohort(t.db, otherCourse.id);
    await makeSession(t.db, left.id, { title: 'Not mine any more' });
    await enrol(t.db, record.id, left, 'withdrawn');
    const stranger = await makeCohort(t.db, otherCourse.id);
    await makeSession(t.db, stranger.id, { title: 'Never mine' });

    const res = await t.http().get('/api/v1/me/calendar.ics').set(bearer(student));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(icsValues(res.text, 'SUMMARY')).toEqual([
      'Winter supervision',
      'Open Dialogue practice',
      'Network meetings',
    ]);
    expect(icsValues(res.text, 'DTSTART')).toContain('20180326T083000Z');
    expect(icsValues(res.text, 'X-WR-CALNAME')).toEqual(['My POD Cohorts timetable']);
  });

  it('gives a student with no seat an empty calendar, and refuses admins and tutors (403)', async () => {
    const waiting = await makeStudent(t.db);
    const student = await createUser(t, 'student', { studentId: waiting.id });
    await enrol(t.db, waiting.id, cohort, 'waitlisted');
    const res = await t.http().get('/api/v1/me/calendar.ics').set(bearer(student));
    expect(res.status).toBe(200);
    expect(icsLines(res.text).filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(0);
    expect((await t.http().get('/api/v1/me/calendar.ics').set(bearer(who.admin))).status).toBe(403);
    expect((await t.http().get('/api/v1/me/calendar.ics').set(bearer(who.tutor))).status).toBe(403);
  });
});
