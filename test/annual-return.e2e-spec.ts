import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import type request from 'supertest';
import {
  makeCohort,
  makeCourse,
  makeSession,
  makeStudent,
  makeEnrolment,
} from './helpers/factories';
import { pdfText } from './helpers/pdf-text';
import { makeCertificate, mark, minutesFromNow, studentLogin } from './helpers/progress-factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

jest.setTimeout(90_000);

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};
const round1 = (n: number) => Math.round(n * 10) / 10;
const today = () => DateTime.now().setZone('Europe/London');

describe('annual return: GET /reports/annual-return', () => {
  let t: TestApp;
  let admin: TestUser;
  let course: { id: string; code: string };
  let cohort: { id: string; number: number; course_id: string };
  const year = today().year;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    course = await makeCourse(t.db);
    // Running this year; a 50% attendance rule so that some complete and some do not.
    cohort = await makeCohort(t.db, course.id, {
      startDate: `${year}-01-01`,
      endDate: `${year}-12-31`,
      rules: [{ type: 'min_attendance_percent', value: 50 }],
    });
    // Not running this year: must not appear.
    await makeCohort(t.db, course.id, { startDate: '2016-10-17', endDate: '2017-10-06' });
    const sessions = [];
    for (const days of [5, 4, 3]) {
      sessions.push(
        await makeSession(t.db, cohort.id, {
          startsAt: minutesFromNow(-days * 1440),
          minutes: 180,
        }),
      );
    }
    await makeSession(t.db, cohort.id, { startsAt: minutesFromNow(3 * 1440), minutes: 180 });
    const people = [
      ['peer_support_worker', 'NELFT NHS Foundation Trust', ['present', 'present', 'present']],
      ['peer_support_worker', 'East London NHS Foundation Trust', ['present', 'late', 'absent']],
      ['nurse', 'NELFT NHS Foundation Trust', ['present', 'absent', 'absent']],
      ['psychologist', 'NELFT NHS Foundation Trust', ['excused', 'present', 'left_early']],
      ['nurse', 'Camden and Islington NHS Foundation Trust', ['absent', 'absent', 'absent']],
      ['social_worker', 'NELFT NHS Foundation Trust', ['present', 'present', 'present']],
    ] as const;
    const enrolments: string[] = [];
    for (const [i, [profession, employer, marks]] of people.entries()) {
      const s = await makeStudent(t.db, { profession, employer, givenName: `P${i}` });
      const e = await makeEnrolment(t.db, s.id, cohort, { enrolledAt: minutesFromNow(-30 * 1440) });
      enrolments.push(e.id);
      for (const [k, status] of marks.entries()) {
        await mark(
          t.db,
          sessions[k].id,
          e.id,
          status,
          status === 'late' || status === 'left_early' ? 100 : undefined,
        );
      }
      // Study: 30 min a day for 4 + i days (the first: whole days), two in three approved.
      const student = await studentLogin(t, s.id);
      const minutes =
        i === 0 ? [1440, 1440, 1440, 1440, 1440] : Array.from({ length: 4 + i }, () => 30);
      for (const [d, m] of minutes.entries()) {
        const entry = await t
          .http()
          .post('/api/v1/me/study-log')
          .set(bearer(student))
          .send({
            date: today()
              .minus({ days: d + 1 })
              .toISODate(),
            minutes: m,
            kind: 'reading',
          });
        expect(entry.status).toBe(201);
        if (d % 3 !== 2) {
          await t
            .http()
            .post(`/api/v1/study-log/${entry.body.id}/approve`)
            .set(bearer(admin))
            .send({});
        }
      }
    }
    await t.db.query(`UPDATE courses SET targets_independent_hours = 3 WHERE id = $1`, [course.id]);
    const assess = (e: string, code: string, outcome: string) =>
      t
        .http()
        .put(`/api/v1/enrolments/${e}/assessments/${code}`)
        .set(bearer(admin))
        .send({ outcome });
    await assess(enrolments[0], 'ESSAY', 'refer');
    await assess(enrolments[0], 'ESSAY', 'pass');
    await assess(enrolments[1], 'ESSAY', 'pass');
    await assess(enrolments[2], 'ESSAY', 'fail');
    await assess(enrolments[3], 'PRACTICE', 'pass');
    const award = (e: string, result: string) =>
      t
        .http()
        .put(`/api/v1/enrolments/${e}/award`)
        .set(bearer(admin))
        .send({
          awardingBody: 'London South Bank University',
          title: 'Graduate Certificate',
          level: 6,
          credits: 60,
          result,
          ...(result === 'pending' ? {} : { conferredOn: today().minus({ days: 1 }).toISODate() }),
        });
    expect((await award(enrolments[0], 'merit')).status).toBe(200);
    await award(enrolments[1], 'pass');
    await award(enrolments[3], 'pending');
    const withdrawn = await t
      .http()
      .post(`/api/v1/enrolments/${enrolments[4]}/withdraw`)
      .set(bearer(admin))
      .send({ reason: 'Moved trust' });
    expect(withdrawn.status).toBe(200);
    // The cohort is still running (a session is to come), so the board decides by override.
    for (const [i, outcome] of [
      [0, 'completed'],
      [1, 'completed'],
      [2, 'not_completed'],
      [3, 'not_completed'],
    ] as const) {
      const decided = await t
        .http()
        .post(`/api/v1/enrolments/${enrolments[i]}/completion`)
        .set(bearer(admin))
        .send({ outcome, reason: 'Decided by the exam board' });
      expect(decided.status).toBe(200);
    }
    await makeCertificate(t.db, enrolments[0], 'issued');
    await makeCertificate(t.db, enrolments[5], 'revoked');
  });
  afterAll(() => t.close());

  const get = (query: string, user = admin) =>
    t
      .http()
      .get(`/api/v1/reports/annual-return${query}`)
      .set(bearer(user))
      .buffer(true)
      .parse(binary);

  it('recomputes every figure of the cohort from the per-enrolment export and the timetable', async () => {
    const res = await t
      .http()
      .get(`/api/v1/reports/annual-return?courseId=${course.id}&year=${year}`)
      .set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body.cohorts.map((c: { number: number }) => c.number)).toEqual([cohort.number]);
    const figures = res.body.cohorts[0];

    const csv = await t
      .http()
      .get(`/api/v1/reports/accreditation?cohortId=${cohort.id}&format=csv`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary);
    const [header, ...lines]: string[][] = parse(csv.body as Buffer, { bom: true });
    const rows = lines.map((l) => Object.fromEntries(header.map((h, i) => [h, l[i]])));
    const intake = rows.filter((r) => r['Seated on'] !== '');
    const seated = rows.filter((r) =>
      ['enrolled', 'completed', 'not_completed'].includes(r['Enrolment status']),
    );
    const count = (list: typeof rows, f: (r: Record<string, string>) => boolean) =>
      list.filter(f).length;
    const tally = (list: typeof rows, column: string) => {
      const m: Record<string, number> = {};
      for (const r of list) m[r[column]] = (m[r[column]] ?? 0) + 1;
      return m;
    };
    const status = (s: string) => count(rows, (r) => r['Enrolment status'] === s);
    const percents = seated
      .filter((r) => r['Attendance %'] !== '')
      .map((r) => Number(r['Attendance %']));
    const hours = seated.map((r) => Number(r['Approved independent hours']));
    const completed = status('completed');
    const notCompleted = status('not_completed');
    const sessions = (
      await t.http().get(`/api/v1/cohorts/${cohort.id}/sessions`).set(bearer(admin))
    ).body.items as Array<{ endsAt: string; contactMinutes: number; mandatory: boolean }>;
    const mandatory = sessions.filter((s) => s.mandatory);
    const band = (lo: number, hi: number) => percents.filter((p) => p >= lo && p < hi).length;

    expect(figures).toMatchObject({
      intake: intake.length,
      peerSupportWorkers: count(intake, (r) => r.Profession === 'peer_support_worker'),
      seated: seated.length,
      withdrawn: status('withdrawn'),
      deferred: status('deferred'),
      transferred: status('transferred'),
      completed,
      notCompleted,
      completionRate: round1((100 * completed) / (completed + notCompleted)),
      contactHoursScheduled: round1(mandatory.reduce((n, s) => n + s.contactMinutes, 0) / 60),
      contactHoursDelivered: round1(
        mandatory
          .filter((s) => new Date(s.endsAt) <= new Date())
          .reduce((n, s) => n + s.contactMinutes, 0) / 60,
      ),
      attendance: {
        measured: percents.length,
        meanPercent: round1(percents.reduce((a, b) => a + b, 0) / percents.length),
        bands: [
          { band: '90-100%', count: band(90, Infinity) },
          { band: '80-89.9%', count: band(80, 90) },
          { band: '70-79.9%', count: band(70, 80) },
          { band: '60-69.9%', count: band(60, 70) },
          { band: 'under 60%', count: band(-Infinity, 60) },
        ],
      },
      independentStudy: {
        enrolments: seated.length,
        meanApprovedHours: round1(hours.reduce((a, b) => a + b, 0) / hours.length),
        meetingTarget: hours.filter((h) => h >= 3).length,
        meetingTargetPercent: round1((100 * hours.filter((h) => h >= 3).length) / seated.length),
      },
      certificates: {
        issued: count(rows, (r) => r['Certificate status'] === 'issued'),
        onPaper: 0,
        revoked: count(rows, (r) => r['Certificate status'] === 'revoked'),
      },
    });
    expect(
      Object.fromEntries(
        figures.intakeByProfession.map((p: { profession: string; count: number }) => [
          p.profession,
          p.count,
        ]),
      ),
    ).toEqual(tally(intake, 'Profession'));
    expect(
      Object.fromEntries(
        figures.intakeByEmployer.map((p: { employer: string; count: number }) => [
          p.employer,
          p.count,
        ]),
      ),
    ).toEqual(tally(intake, 'Employer'));
    const awards = tally(intake, 'Award result');
    expect(figures.universityResults).toEqual({
      pass: awards.pass ?? 0,
      merit: awards.merit ?? 0,
      distinction: awards.distinction ?? 0,
      fail: awards.fail ?? 0,
      pending: awards.pending ?? 0,
      notRecorded: awards[''] ?? 0,
    });
    // Per assessment, the attempts add up to the export's latest outcomes.
    for (const code of ['ESSAY', 'PRACTICE', 'PRESENT']) {
      for (const outcome of ['pass', 'refer', 'fail'] as const) {
        const fromReturn = figures.assessments
          .filter((a: { code: string }) => a.code === code)
          .reduce((n: number, a: Record<string, number>) => n + a[outcome], 0);
        expect([code, outcome, fromReturn]).toEqual([
          code,
          outcome,
          count(rows, (r) => r[code] === outcome),
        ]);
      }
    }
    expect(figures.assessments).toContainEqual({
      code: 'ESSAY',
      attempt: 2,
      pass: 1,
      refer: 0,
      fail: 0,
    });
    // The data is varied enough for the comparison to mean something.
    expect(figures).toMatchObject({ intake: 6, withdrawn: 1, peerSupportWorkers: 2 });
    expect(figures.completed).toBeGreaterThan(0);
    expect(figures.notCompleted).toBeGreaterThan(0);
    expect(figures.independentStudy.meetingTarget).toBeGreaterThan(0);
    expect(figures.independentStudy.meetingTarget).toBeLessThan(5);
  });

  it('downloads as XLSX with the figures and their definitions, and as a printable PDF', async () => {
    const xlsx = await get(`?courseId=${course.id}&year=${year}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toBe(
      `attachment; filename="${course.code.toLowerCase()}-annual-return-${year}.xlsx"`,
    );
    const workbook = new ExcelJS.Workbook();
    const bytes: Buffer = xlsx.body;
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const [sheet, definitions] = workbook.worksheets;
    expect([sheet.name, definitions.name]).toEqual(['Annual return', 'Definitions']);
    const values = new Map<string, unknown>();
    sheet.eachRow((r) => values.set(r.getCell(1).text, r.getCell(2).value));
    expect(values.get('Figure')).toBe(`Cohort ${cohort.number}`);
    expect(values.get('Intake')).toBe(6);
    expect(values.get('Withdrawn')).toBe(1);
    // People read the file: codes are in words, assessments go by their titles.
    expect(values.get('Intake: Peer support worker')).toBe(2);
    expect(values.get('Reflective essay attempt 2: Passed')).toBe(1);
    expect([...values.keys()].filter((k) => /_|ESSAY|: (pass|refer|fail)$/.test(k))).toEqual([]);
    expect(definitions.rowCount).toBeGreaterThan(10);

    const pdf = await get(`?courseId=${course.id}&year=${year}&format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain('Peer support workers in the intake');
    expect(text).toContain('Intake: Peer support worker');
    expect(text).toContain('What each figure means');
  });

  it('answers an empty return for a year without cohorts, and refuses bad input and non-admins', async () => {
    const empty = await t
      .http()
      .get(`/api/v1/reports/annual-return?courseId=${course.id}&year=2030`)
      .set(bearer(admin));
    expect(empty.body.cohorts).toEqual([]);
    for (const [query, field] of [
      [`?courseId=${course.id}&year=abc`, 'year'],
      [`?courseId=${course.id}`, 'year'],
      [`?courseId=nope&year=2017`, 'courseId'],
      [`?courseId=${course.id}&year=2017&format=doc`, 'format'],
    ]) {
      const res = await t.http().get(`/api/v1/reports/annual-return${query}`).set(bearer(admin));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const tutor = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
    expect((await get(`?courseId=${course.id}&year=${year}`, tutor)).status).toBe(403);
  });
});
