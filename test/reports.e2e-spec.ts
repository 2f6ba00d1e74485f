import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import type request from 'supertest';
import { attendancePercent, commitmentPercent } from '../src/completion/completion-rules';
import { sqlAttendancePercent, sqlCommitmentPercent, sqlHours } from '../src/reports/percent-sql';
import {
  makeBlock,
  makeCohort,
  makeCourse,
  makeSession,
  makeStudent,
  recordAssessment,
} from './helpers/factories';
import {
  enrol,
  makeBulkEnrolments,
  makeCertificate,
  makeDecision,
  mark,
  setEnrolmentState,
} from './helpers/report-factories';
import {
  bearer,
  createTestApp,
  createUser,
  eventually,
  TestApp,
  TestUser,
} from './helpers/test-app';

jest.setTimeout(120_000);

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Collects the body as bytes whatever the content type (supertest would decode text). */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  // superagent hands the raw response (a Node stream) to a custom parser
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

const today = () => DateTime.now().setZone('Europe/London').toISODate();
const at = (iso: string) => new Date(iso);

function readCsv(body: Buffer): string[][] {
  const rows: string[][] = parse(body, { bom: true });
  return rows;
}

async function readXlsx(body: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  return workbook.worksheets[0];
}

/** The sheet as rows of raw cell values (null for an empty cell), header first. */
function sheetRows(sheet: ExcelJS.Worksheet, width: number): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push(Array.from({ length: width }, (_, i) => row.getCell(i + 1).value ?? null));
  });
  return rows;
}

function byHeader<T>(rows: T[][]): Array<Record<string, T>> {
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header.map((h, i) => [String(h), r[i]])));
}

/**
 * The seeded facts. Cohort A: four blocks; four mandatory ended sessions of 360 minutes
 * (two in block 1, one in block 2, one outside any block), one non-mandatory ended session, one
 * future mandatory session in block 3; block 4 has no sessions.
 *   Zoë: present at all four                  -> 1440/1440 = 100 %, blocks 100 / 100
 *   Ben: present, late 300, excused, absent   -> 660/(1440-360) = 61.1 %, commitment 70.8 %,
 *                                                11 h, block 1 660/720 = 91.7 %, block 2 excused
 *   Cai: absent, left early 200, present, -   -> 560/1440 = 38.9 %, 9.3 h, block 1 27.8 %
 *   Dee: withdrawn (was seated)
 * Cohort B: one block with one ended session. Eve present (100 %); Fay transferred out (was
 * seated); Gus deferred before being seated.
 */
interface Fixture {
  course: { id: string; code: string };
  cohortA: { id: string; number: number; course_id: string };
  cohortB: { id: string; number: number; course_id: string };
}

async function seed(t: TestApp): Promise<Fixture> {
  const db = t.db;
  const code = `POD${Math.floor(Math.random() * 1e6)}`;
  const course = await makeCourse(db, { code });
  const cohortA = await makeCohort(db, course.id, { number: 4 });
  const cohortB = await makeCohort(db, course.id, { number: 5 });
  await db.query(`UPDATE cohorts SET name = 'Cohort 4 (January 2018)' WHERE id = $1`, [cohortA.id]);

  const b1 = await makeBlock(db, cohortA.id, {
    title: 'Residential week 1',
    startDate: '2018-01-08',
    endDate: '2018-01-12',
  });
  const b2 = await makeBlock(db, cohortA.id, {
    title: 'Residential week 2',
    startDate: '2018-03-05',
    endDate: '2018-03-09',
  });
  const b3 = await makeBlock(db, cohortA.id, {
    title: 'Residential week 3',
    startDate: '2099-06-01',
    endDate: '2099-06-05',
  });
  await makeBlock(db, cohortA.id, {
    title: 'Residential week 4',
    startDate: '2099-09-01',
    endDate: '2099-09-05',
  });
  const s1 = await makeSession(db, cohortA.id, {
    blockId: b1.id,
    startsAt: at('2018-01-08T09:00:00Z'),
  });
  const s2 = await makeSession(db, cohortA.id, {
    blockId: b1.id,
    startsAt: at('2018-01-09T09:00:00Z'),
  });
  const s3 = await makeSession(db, cohortA.id, {
    blockId: b2.id,
    startsAt: at('2018-03-05T09:00:00Z'),
  });
  const s4 = await makeSession(db, cohortA.id, { startsAt: at('2018-04-10T09:00:00Z') });
  const optional = await makeSession(db, cohortA.id, {
    startsAt: at('2018-04-11T09:00:00Z'),
    mandatory: false,
  });
  await makeSession(db, cohortA.id, { blockId: b3.id, startsAt: at('2099-06-01T09:00:00Z') });

  const student = async (
    givenName: string,
    familyName: string,
    employer: string | null = 'NELFT NHS Foundation Trust',
  ) => {
    const s = await makeStudent(db, { givenName, familyName, profession: 'peer_support_worker' });
    await db.query('UPDATE students SET employer = $2 WHERE id = $1', [s.id, employer]);
    return s;
  };
  const zoe = await enrol(db, (await student('Zoë', 'Ó Briain')).id, cohortA, {
    route: 'postgraduate_certificate',
  });
  const ben = await enrol(db, (await student('Ben', 'Adeyemi')).id, cohortA);
  const cai = await enrol(db, (await student('Cai', 'Brown', null)).id, cohortA);
  const dee = await enrol(db, (await student('Dee', 'Clarke')).id, cohortA);

  for (const s of [s1, s2, s3, s4, optional]) await mark(db, s.id, zoe.id, 'present');
  await mark(db, s1.id, ben.id, 'present');
  await mark(db, s2.id, ben.id, 'late', 300);
  await mark(db, s3.id, ben.id, 'excused');
  await mark(db, s4.id, ben.id, 'absent');
  await mark(db, s1.id, cai.id, 'absent');
  await mark(db, s2.id, cai.id, 'left_early', 200);
  await mark(db, s3.id, cai.id, 'present');
  await mark(db, s1.id, dee.id, 'present');

  await recordAssessment(db, zoe.id, 'ESSAY', 'pass');
  await recordAssessment(db, zoe.id, 'PRACTICE', 'pass');
  await recordAssessment(db, ben.id, 'ESSAY', 'refer');

  await makeDecision(db, zoe.id, 'completed', { decidedAt: at('2018-12-15T10:00:00Z') });
  await makeDecision(db, ben.id, 'not_completed', { decidedAt: at('2018-12-15T10:00:00Z') });
  await makeDecision(db, ben.id, 'completed', {
    override: true,
    decidedAt: at('2018-12-20T10:00:00Z'),
  });
  await makeDecision(db, cai.id, 'not_completed', { decidedAt: at('2018-12-15T10:00:00Z') });
  await setEnrolmentState(db, zoe.id, { status: 'completed', endedAt: at('2018-12-15T10:00:00Z') });
  await setEnrolmentState(db, ben.id, { status: 'completed', endedAt: at('2018-12-20T10:00:00Z') });
  await setEnrolmentState(db, cai.id, {
    status: 'not_completed',
    endedAt: at('2018-12-15T10:00:00Z'),
  });
  await setEnrolmentState(db, dee.id, { status: 'withdrawn', endedAt: at('2018-01-20T12:00:00Z') });

  await makeCertificate(db, zoe.id, {
    serial: `${code}-C4-0001`,
    issuedAt: at('2018-12-16T10:00:00Z'),
  });
  await makeCertificate(db, ben.id, {
    serial: `${code}-C4-0002`,
    status: 'revoked',
    issuedAt: at('2018-12-21T10:00:00Z'),
  });

  const bBlock = await makeBlock(db, cohortB.id, {
    startDate: '2018-02-05',
    endDate: '2018-02-09',
  });
  const bSession = await makeSession(db, cohortB.id, {
    blockId: bBlock.id,
    startsAt: at('2018-02-05T09:00:00Z'),
  });
  const eve = await enrol(db, (await student('Eve', 'Davies')).id, cohortB);
  const fay = await enrol(db, (await student('Fay', 'Evans')).id, cohortB);
  const gus = await enrol(db, (await student('Gus', 'Fox')).id, cohortB, {
    status: 'deferred',
  });
  await mark(db, bSession.id, eve.id, 'present');
  await setEnrolmentState(db, fay.id, {
    status: 'transferred',
    endedAt: at('2018-01-15T12:00:00Z'),
  });
  void gus;

  return { course, cohortA, cohortB };
}

const FIXED_LEADING = [
  'Cohort number',
  'Cohort name',
  'Given name',
  'Family name',
  'Email',
  'Profession',
  'Employer',
  'Route',
  'Enrolment status',
  'Enrolled on',
  'Ended on',
  'Sessions eligible',
  'Sessions attended',
  'Attendance %',
  'Commitment %',
  'Attended contact hours',
  'Approved independent hours',
  'Seated on',
];
const FIXED_TRAILING = [
  'Completion decision',
  'Decided on',
  'Overridden',
  'Certificate serial',
  'Certificate status',
  'Awarding body',
  'Award title',
  'Award level',
  'Award credits',
  'Award result',
  'Award conferred on',
];
const COHORT_A_HEADERS = [
  ...FIXED_LEADING,
  'Block 1 %',
  'Block 2 %',
  'Block 3 %',
  'Block 4 %',
  'ESSAY',
  'PRACTICE',
  'PRESENT',
  ...FIXED_TRAILING,
];

/** Cohort A's rows, as numbers; the CSV has the same values as text. */
const expectedA = (code: string) => [
  {
    'Cohort number': 4,
    'Cohort name': 'Cohort 4 (January 2018)',
    'Given name': 'Ben',
    'Family name': 'Adeyemi',
    Route: 'graduate_certificate',
    'Enrolment status': 'completed',
    'Enrolled on': '2017-12-01',
    'Ended on': '2018-12-20',
    'Sessions eligible': 4,
    'Sessions attended': 2,
    'Attendance %': 61.1,
    'Commitment %': 70.8,
    'Attended contact hours': 11,
    'Block 1 %': 91.7,
    'Block 2 %': null,
    'Block 3 %': null,
    'Block 4 %': null,
    ESSAY: 'refer',
    PRACTICE: null,
    PRESENT: null,
    'Completion decision': 'completed',
    'Decided on': '2018-12-20',
    Overridden: 'yes',
    'Certificate serial': `${code}-C4-0002`,
    'Certificate status': 'revoked',
  },
  {
    'Given name': 'Cai',
    'Family name': 'Brown',
    Employer: null,
    'Enrolment status': 'not_completed',
    'Sessions eligible': 4,
    'Sessions attended': 2,
    'Attendance %': 38.9,
    'Commitment %': 38.9,
    'Attended contact hours': 9.3,
    'Block 1 %': 27.8,
    'Block 2 %': 100,
    ESSAY: null,
    'Completion decision': 'not_completed',
    Overridden: 'no',
    'Certificate serial': null,
    'Certificate status': null,
  },
  {
    'Given name': 'Dee',
    'Family name': 'Clarke',
    'Enrolment status': 'withdrawn',
    'Ended on': '2018-01-20',
    'Completion decision': null,
    'Decided on': null,
    Overridden: null,
  },
  {
    'Given name': 'Zoë',
    'Family name': 'Ó Briain',
    Profession: 'peer_support_worker',
    Employer: 'NELFT NHS Foundation Trust',
    Route: 'postgraduate_certificate',
    'Enrolment status': 'completed',
    'Sessions eligible': 4,
    'Sessions attended': 4,
    'Attendance %': 100,
    'Commitment %': 100,
    'Attended contact hours': 24,
    'Block 1 %': 100,
    'Block 2 %': 100,
    'Block 3 %': null,
    'Block 4 %': null,
    ESSAY: 'pass',
    PRACTICE: 'pass',
    PRESENT: null,
    'Completion decision': 'completed',
    'Decided on': '2018-12-15',
    Overridden: 'no',
    'Certificate serial': `${code}-C4-0001`,
    'Certificate status': 'issued',
  },
];

/** The CSV shows a number as its text and an empty cell as ''. */
const asCsv = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === 'number' || typeof v === 'string' ? `${v}` : '',
    ]),
  );

/**
 * The XLSX is read by people: the same cells as the CSV, with the codes in words and each
 * assessment column headed by its title (the CSV keeps the codes for other systems).
 */
const XLSX_HEADERS: Record<string, string> = {
  ESSAY: 'Reflective essay (ESSAY)',
  PRACTICE: 'Practice portfolio (PRACTICE)',
  PRESENT: 'Group presentation (PRESENT)',
};
const XLSX_WORDS: Record<string, Record<string, string>> = {
  Profession: { peer_support_worker: 'Peer support worker' },
  Route: {
    graduate_certificate: 'Graduate certificate (level 6)',
    postgraduate_certificate: 'Postgraduate certificate (level 7)',
  },
  'Enrolment status': {
    completed: 'Completed',
    not_completed: 'Not completed',
    withdrawn: 'Withdrawn',
  },
  ESSAY: { pass: 'Passed', refer: 'Referred' },
  PRACTICE: { pass: 'Passed' },
  'Completion decision': { completed: 'Completed', not_completed: 'Not completed' },
  'Certificate status': { issued: 'Issued', revoked: 'Revoked' },
};
const asXlsx = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      XLSX_HEADERS[k] ?? k,
      typeof v === 'string' ? (XLSX_WORDS[k]?.[v] ?? v) : v,
    ]),
  );

describe('accreditation reports', () => {
  let t: TestApp;
  let admin: TestUser;
  let f: Fixture;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    f = await seed(t);
  });
  afterAll(() => t.close());

  const download = (query: string, user: TestUser = admin) =>
    t
      .http()
      .get(`/api/v1/reports/accreditation${query}`)
      .set(bearer(user))
      .buffer(true)
      .parse(binary);

  it('exports a cohort as CSV with a BOM, the documented headers and the seeded numbers', async () => {
    const res = await download(`?cohortId=${f.cohortA.id}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${f.course.code.toLowerCase()}-c4-accreditation-${today()}.csv"`,
    );
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8')).toContain('\r\n');

    const rows = readCsv(body);
    expect(rows[0]).toEqual(COHORT_A_HEADERS);
    const records = byHeader(rows);
    expect(records).toHaveLength(4);
    expectedA(f.course.code).forEach((expected, i) => {
      expect(records[i]).toMatchObject(asCsv(expected));
    });
  });

  it('exports the same cohort as XLSX with numbers as numbers and empty cells for nothing', async () => {
    const res = await download(`?cohortId=${f.cohortA.id}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_TYPE);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${f.course.code.toLowerCase()}-c4-accreditation-${today()}.xlsx"`,
    );
    const sheet = await readXlsx(res.body as Buffer);
    expect(sheet.name).toBe('Accreditation');
    const rows = sheetRows(sheet, COHORT_A_HEADERS.length);
    expect(rows[0]).toEqual(COHORT_A_HEADERS.map((h) => XLSX_HEADERS[h] ?? h));
    const records = byHeader(rows);
    expect(records).toHaveLength(4);
    expectedA(f.course.code).forEach((expected, i) => {
      expect(records[i]).toMatchObject(asXlsx(expected));
    });
    expect(records[3]).toMatchObject({
      Profession: 'Peer support worker',
      Route: 'Postgraduate certificate (level 7)',
      'Reflective essay (ESSAY)': 'Passed',
    });
    const attendance = sheet.getRow(2).getCell(COHORT_A_HEADERS.indexOf('Attendance %') + 1);
    expect(attendance.type).toBe(ExcelJS.ValueType.Number);
    expect(attendance.value).toBe(61.1);
  });

  it('exports a course: every cohort, block columns up to the largest cohort, empty cells past a cohort’s own blocks', async () => {
    const res = await download(`?courseId=${f.course.id}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${f.course.code.toLowerCase()}-accreditation-${today()}.csv"`,
    );
    const records = byHeader(readCsv(res.body as Buffer));
    expect(
      records.map((r) => [r['Cohort number'], r['Given name'], r['Enrolment status']]),
    ).toEqual([
      ['4', 'Ben', 'completed'],
      ['4', 'Cai', 'not_completed'],
      ['4', 'Dee', 'withdrawn'],
      ['4', 'Zoë', 'completed'],
      ['5', 'Eve', 'enrolled'],
      ['5', 'Fay', 'transferred'],
      ['5', 'Gus', 'deferred'],
    ]);
    expect(records[4]).toMatchObject({
      'Sessions eligible': '1',
      'Attendance %': '100',
      'Attended contact hours': '6',
      'Block 1 %': '100',
      'Block 2 %': '',
      'Block 3 %': '',
      'Block 4 %': '',
    });
  });

  it('writes a header row and nothing else for a cohort without enrolments', async () => {
    const empty = await makeCohort(t.db, f.course.id);
    const csv = await download(`?cohortId=${empty.id}`);
    expect(csv.status).toBe(200);
    expect(readCsv(csv.body as Buffer)).toEqual([
      [...FIXED_LEADING, 'ESSAY', 'PRACTICE', 'PRESENT', ...FIXED_TRAILING],
    ]);
    const xlsx = await download(`?cohortId=${empty.id}&format=xlsx`);
    expect((await readXlsx(xlsx.body as Buffer)).rowCount).toBe(1);
  });

  it('audits each export with who, what and the format', async () => {
    await download(`?cohortId=${f.cohortB.id}&format=xlsx`);
    const events: Array<{ actor_id: string; entity_type: string; after: object }> =
      await t.db.query(
        `SELECT actor_id, entity_type, after FROM audit_events
        WHERE action = 'report.export' AND entity_id = $1`,
        [f.cohortB.id],
      );
    expect(events).toEqual([
      {
        actor_id: admin.id,
        entity_type: 'cohort',
        after: { report: 'accreditation', format: 'xlsx' },
      },
    ]);
  });

  it('refuses tutors (even of the cohort) and students with 403', async () => {
    const tutor = await createUser(t, 'tutor', { cohortIds: [f.cohortA.id] });
    const student = await createUser(t, 'student', {
      studentId: (await makeStudent(t.db)).id,
    });
    for (const user of [tutor, student]) {
      expect((await download(`?cohortId=${f.cohortA.id}`, user)).status).toBe(403);
      const summary = await t
        .http()
        .get(`/api/v1/reports/accreditation/summary?courseId=${f.course.id}`)
        .set(bearer(user));
      expect(summary.status).toBe(403);
    }
  });

  it.each([
    ['neither id', '?format=csv', ['cohortId', 'courseId']],
    ['both ids', '?cohortId=COHORT&courseId=COURSE', ['cohortId', 'courseId']],
    ['a malformed cohortId', '?cohortId=42', ['cohortId']],
    ['an unknown format', '?cohortId=COHORT&format=pdf', ['format']],
  ])('answers 400 naming the field for %s', async (_, query, fields) => {
    const res = await t
      .http()
      .get(
        `/api/v1/reports/accreditation${query.replace('COHORT', f.cohortA.id).replace('COURSE', f.course.id)}`,
      )
      .set(bearer(admin));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
  });

  it('answers 404 for an unknown cohort or course', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const query of [`?cohortId=${unknown}`, `?courseId=${unknown}&format=xlsx`]) {
      const res = await t.http().get(`/api/v1/reports/accreditation${query}`).set(bearer(admin));
      expect(res.status).toBe(404);
    }
    const summary = await t
      .http()
      .get(`/api/v1/reports/accreditation/summary?courseId=${unknown}`)
      .set(bearer(admin));
    expect(summary.status).toBe(404);
  });

  const COHORT_A_FIGURES = {
    intake: 4,
    seated: 3,
    withdrawn: 1,
    deferred: 0,
    transferred: 0,
    completed: 2,
    notCompleted: 1,
    completionRate: 66.7,
    // mean of 100, 61.11… and 38.88… (unrounded) = 66.66…
    meanAttendancePercent: 66.7,
    // five mandatory sessions of 6 h (four ended, one to come); the optional one does not count
    contactHoursScheduled: 30,
    certificatesIssued: 1,
  };
  const COHORT_B_FIGURES = {
    intake: 2,
    seated: 1,
    withdrawn: 0,
    deferred: 1,
    transferred: 1,
    completed: 0,
    notCompleted: 0,
    completionRate: null,
    meanAttendancePercent: 100,
    contactHoursScheduled: 6,
    certificatesIssued: 0,
  };
  const TOTALS = {
    intake: 6,
    seated: 4,
    withdrawn: 1,
    deferred: 1,
    transferred: 1,
    completed: 2,
    notCompleted: 1,
    completionRate: 66.7,
    // over the four seated enrolments of the course: (100 + 61.11… + 38.88… + 100) / 4
    meanAttendancePercent: 75,
    contactHoursScheduled: 36,
    certificatesIssued: 1,
  };

  it('summarises a course per cohort and in total', async () => {
    const res = await t
      .http()
      .get(`/api/v1/reports/accreditation/summary?courseId=${f.course.id}`)
      .set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ courseId: f.course.id, courseCode: f.course.code });
    const [a, b, ...others] = res.body.cohorts;
    expect(a).toMatchObject({ cohortId: f.cohortA.id, number: 4, ...COHORT_A_FIGURES });
    expect(b).toMatchObject({ cohortId: f.cohortB.id, number: 5, ...COHORT_B_FIGURES });
    // cohorts made by other tests of this course have no enrolments
    for (const c of others) expect(c).toMatchObject({ intake: 0, meanAttendancePercent: null });
    expect(res.body.totals).toEqual(TOTALS);
  });

  it('gives the same summary numbers as an XLSX sheet with a total row', async () => {
    const res = await t
      .http()
      .get(`/api/v1/reports/accreditation/summary?courseId=${f.course.id}&format=xlsx`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_TYPE);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${f.course.code.toLowerCase()}-accreditation-summary-${today()}.xlsx"`,
    );
    const sheet = await readXlsx(res.body as Buffer);
    const records = byHeader(sheetRows(sheet, 15));
    const figures = (
      o: Omit<typeof TOTALS, 'completionRate'> & { completionRate: number | null },
    ) => ({
      Intake: o.intake,
      Seated: o.seated,
      Withdrawn: o.withdrawn,
      Deferred: o.deferred,
      Transferred: o.transferred,
      Completed: o.completed,
      'Not completed': o.notCompleted,
      'Completion rate %': o.completionRate,
      'Mean attendance %': o.meanAttendancePercent,
      'Contact hours scheduled': o.contactHoursScheduled,
      'Certificates issued': o.certificatesIssued,
    });
    expect(records[0]).toEqual({
      'Cohort number': 4,
      'Cohort name': 'Cohort 4 (January 2018)',
      'Start date': '2018-01-08',
      'End date': '2018-12-14',
      ...figures(COHORT_A_FIGURES),
    });
    expect(records[1]).toMatchObject({ 'Cohort number': 5, ...figures(COHORT_B_FIGURES) });
    expect(records.at(-1)).toEqual({
      'Cohort number': null,
      'Cohort name': 'Total',
      'Start date': null,
      'End date': null,
      ...figures(TOTALS),
    });
  });

  it('streams a large export and gives the connection back to the pool, also when the client hangs up', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    await makeBulkEnrolments(t.db, cohort, 6000);
    const pool = (t.db.driver as unknown as { master: Pool }).master;

    const full = await download(`?courseId=${course.id}`);
    expect(readCsv(full.body as Buffer)).toHaveLength(6001);

    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    for (const format of ['csv', 'xlsx']) {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: `/api/v1/reports/accreditation?cohortId=${cohort.id}&format=${format}`,
            headers: bearer(admin),
          },
          (res) => {
            if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
            // Hang up after the first chunk, long before the end of the file.
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
        req.end();
      });
    }
    await eventually(async () => {
      const running: unknown[] = await t.db.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND query LIKE '%"cohortNumber"%' AND state <> 'idle'`,
      );
      return running.length === 0 && pool.totalCount === pool.idleCount;
    });
    // The pool still serves: more exports than it has connections, one after another.
    for (let i = 0; i < 25; i++) {
      expect((await download(`?cohortId=${f.cohortB.id}`)).status).toBe(200);
    }
  });
});

describe('SQL percentages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('round exactly like attendancePercent, commitmentPercent and round1 over a grid of minutes', async () => {
    const rows: Array<{
      a: number;
      e: number;
      x: number;
      pct: number | null;
      com: number | null;
      h: number;
    }> = await t.db.query(
      `SELECT a, e, x,
                ${sqlAttendancePercent('a', 'e', 'x')} AS pct,
                ${sqlCommitmentPercent('a', 'e', 'x')} AS com,
                ${sqlHours('a')} AS h
           FROM (SELECT e, x, a
                   FROM generate_series(0, 45) e, generate_series(0, 45) x, generate_series(0, 45) a
                  WHERE x <= e AND a <= e - x
                 UNION ALL
                 SELECT 1440, x, a FROM unnest(ARRAY[0, 90, 360]) x, generate_series(0, 1080) a
                 UNION ALL
                 SELECT 7200, 0, a FROM generate_series(0, 7200, 7) a) g`,
    );
    expect(rows.length).toBeGreaterThan(20_000);
    const mismatches = rows.filter((r) => {
      const f = { attendedMinutes: r.a, eligibleMinutes: r.e, excusedMinutes: r.x };
      return (
        r.pct !== attendancePercent(f) ||
        r.com !== commitmentPercent(f) ||
        r.h !== Math.round((r.a / 60) * 10) / 10
      );
    });
    expect(mismatches).toEqual([]);
  });
});
