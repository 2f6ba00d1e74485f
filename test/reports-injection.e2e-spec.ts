import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type request from 'supertest';
import { makeCohort, makeCourse, makeSession, makeStudent } from './helpers/factories';
import { enrol, mark } from './helpers/report-factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

jest.setTimeout(120_000);

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** Characters that make a spreadsheet program read a text cell as a formula. */
const TRIGGER = /^[=+\-@\t\r\0]/;

describe('accreditation export: no formula injection', () => {
  let t: TestApp;
  let admin: TestUser;
  let cohortId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    const course = await makeCourse(t.db);
    // An assessment's code and title are course data too: they head its column (the CSV by the
    // code, the XLSX by the title and the code).
    await t.db.query(
      `UPDATE courses SET assessments = '[{"code": "@ESSAY", "title": "=Essay", "required": true}]' WHERE id = $1`,
      [course.id],
    );
    const cohort = await makeCohort(t.db, course.id, { number: 7 });
    cohortId = cohort.id;
    await t.db.query(`UPDATE cohorts SET name = $2 WHERE id = $1`, [cohort.id, '\t=1+1']);
    const session = await makeSession(t.db, cohort.id, {
      startsAt: new Date('2018-01-08T09:00:00Z'),
    });

    const evil = await makeStudent(t.db, {
      givenName: '=HYPERLINK("http://x","y")',
      familyName: '-1+2',
      employer: "+cmd|' /C calc'!A0",
      email: '@sum@pod.test',
    });
    const other = await makeStudent(t.db, { givenName: 'Rhys', familyName: '\r=2+3' });
    for (const s of [evil, other]) {
      const e = await enrol(t.db, s.id, cohort);
      await mark(t.db, session.id, e.id, 'late', 180);
    }
  });
  afterAll(() => t.close());

  const download = (format: string) =>
    t
      .http()
      .get(`/api/v1/reports/accreditation?cohortId=${cohortId}&format=${format}`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary);

  it('CSV: every text cell that could start a formula arrives as text behind a quote', async () => {
    const res = await download('csv');
    expect(res.status).toBe(200);
    const rows: string[][] = parse(res.body as Buffer, { bom: true });
    const header = rows[0];
    expect(header).toContain(`'@ESSAY`);
    const records = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    const evil = records.find((r) => r['Family name'] === `'-1+2`);
    expect(evil).toMatchObject({
      'Cohort name': `'\t=1+1`,
      'Given name': `'=HYPERLINK("http://x","y")`,
      Email: `'@sum@pod.test`,
      Employer: `'+cmd|' /C calc'!A0`,
      // a number is not text: it is never prefixed
      'Attendance %': '50',
    });
    expect(records.map((r) => r['Family name'])).toContain(`'\r=2+3`);
    for (const cell of rows.flat()) expect(cell).not.toMatch(TRIGGER);
  });

  it('XLSX: the same cells are strings with the leading quote, and no cell is a formula', async () => {
    const res = await download('xlsx');
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body);
    const sheet = workbook.worksheets[0];

    const cells: ExcelJS.Cell[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell)));
    expect(cells.length).toBeGreaterThan(20);
    for (const cell of cells) {
      expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
      expect(cell.formula).toBeUndefined();
      if (cell.type === ExcelJS.ValueType.String) expect(cell.value).not.toMatch(TRIGGER);
    }

    const texts = cells
      .filter((c) => c.type === ExcelJS.ValueType.String)
      // XML parsers read a raw carriage return as a line feed; the quote in front is what matters
      .map((c) => (c.value as string).replace(/\n/g, '\r'));
    expect(texts).toEqual(
      expect.arrayContaining([
        `'=Essay (@ESSAY)`,
        `'\t=1+1`,
        `'=HYPERLINK("http://x","y")`,
        `'-1+2`,
        `'@sum@pod.test`,
        `'+cmd|' /C calc'!A0`,
        `'\r=2+3`,
      ]),
    );
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const attendance = sheet.getRow(2).getCell(header.indexOf('Attendance %') + 1);
    expect(attendance.type).toBe(ExcelJS.ValueType.Number);
    expect(attendance.value).toBe(50);
  });
});
