import { randomUUID } from 'node:crypto';
import { makeStudent } from './helpers/factories';
import { postStudentCsv, studentCsv } from './helpers/enrolment-factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

const HEADER = 'givenName,familyName,email,profession,employer,registrationNumber';

describe('student CSV import', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  const importCsv = (csv: string, query = '', user: TestUser = admin) =>
    postStudentCsv(t.app.getHttpServer(), user, csv, query);
  const countLike = async (pattern: string) =>
    Number(
      (await t.db.query('SELECT count(*) AS n FROM students WHERE email LIKE $1', [pattern]))[0].n,
    );

  it('imports 5,000 lines in one request', async () => {
    const tag = randomUUID().slice(0, 8);
    const csv = studentCsv(5000, tag);
    const started = process.hrtime.bigint();
    const res = await importCsv(csv);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(`5,000-line import took ${ms.toFixed(0)} ms\n`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created: 5000,
      updated: 0,
      unchanged: 0,
      records: 5000,
      dryRun: false,
      errors: [],
    });
    expect(await countLike(`import-${tag}-%`)).toBe(5000);
    const [sample] = await t.db.query('SELECT * FROM students WHERE email = $1', [
      `import-${tag}-42@pod.test`,
    ]);
    expect(sample).toMatchObject({
      given_name: 'Given42',
      family_name: 'Family42',
      employer: 'NELFT NHS Foundation Trust, Ilford',
      registration_number: 'REG42',
    });

    // The same file again changes nothing.
    const again = await importCsv(csv);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 5000 });
    expect(await countLike(`import-${tag}-%`)).toBe(5000);
  });

  it('writes nothing when any line is bad, and names each bad line and why', async () => {
    const tag = randomUUID().slice(0, 8);
    const csv = [
      HEADER,
      `Ok,One,ok1-${tag}@pod.test,nurse,,`,
      `Bad,Email,not-an-email,nurse,,`,
      `Ok,Two,ok2-${tag}@pod.test,psychologist,,`,
      `Bad,Job,job-${tag}@pod.test,astronaut,,`,
      `,NoName,noname-${tag}@pod.test,nurse,,`,
      `Dup,Licate,OK1-${tag}@pod.test,nurse,,`,
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 0, updated: 0, records: 6 });
    expect(
      res.body.errors.map((e: { line: number; message: string }) => [e.line, e.message]),
    ).toEqual([
      [3, 'email: "not-an-email" is not a valid email address'],
      [
        5,
        expect.stringMatching(
          /^profession: "astronaut" is not one of Nurse, .*, Peer support worker, .*Other$/,
        ),
      ],
      [6, 'givenName: is required'],
      [7, `email: ok1-${tag}@pod.test also appears on line 2`],
    ]);
    expect(await countLike(`%${tag}@pod.test`)).toBe(0);
  });

  it('reads a profession written as its label, its code or a spreadsheet variant of either', async () => {
    const tag = randomUUID().slice(0, 8);
    const csv = [
      HEADER,
      `Ann,Label,label-${tag}@pod.test,Occupational therapist,,`,
      `Ben,Code,code-${tag}@pod.test,peer_support_worker,,`,
      `Cai,Shout,shout-${tag}@pod.test,PEER-SUPPORT-WORKER,,`,
      `Dee,Spaced,spaced-${tag}@pod.test,  social   worker ,,`,
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.body).toMatchObject({ created: 4, errors: [] });
    const rows: Array<{ email: string; profession: string }> = await t.db.query(
      'SELECT email, profession FROM students WHERE email LIKE $1 ORDER BY email',
      [`%-${tag}@pod.test`],
    );
    expect(rows.map((r) => [r.email.split('-')[0], r.profession])).toEqual([
      ['code', 'peer_support_worker'],
      ['label', 'occupational_therapist'],
      ['shout', 'peer_support_worker'],
      ['spaced', 'social_worker'],
    ]);
  });

  it('dryRun reports what would happen without writing', async () => {
    const existing = await makeStudent(t.db, { givenName: 'Old' });
    const tag = randomUUID().slice(0, 8);
    const csv = `${HEADER}\nNew,Person,new-${tag}@pod.test,nurse,,\nRenamed,Person,${existing.email},nurse,,\n`;
    const res = await importCsv(csv, '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created: 1,
      updated: 1,
      unchanged: 0,
      records: 2,
      dryRun: true,
      errors: [],
    });
    expect(await countLike(`new-${tag}@pod.test`)).toBe(0);
    const [s] = await t.db.query('SELECT given_name FROM students WHERE id = $1', [existing.id]);
    expect(s.given_name).toBe('Old');
  });

  it('updates students whose email already exists (any case) instead of duplicating them', async () => {
    const existing = await makeStudent(t.db, { givenName: 'Before', employer: 'Old Trust' });
    const csv =
      `\uFEFFemail,givenName,familyName,profession\r\n` +
      `${existing.email.toUpperCase()},After,Changed,Peer support worker\r\n`;
    const res = await importCsv(csv);
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 0, errors: [] });
    const rows = await t.db.query('SELECT * FROM students WHERE email = $1', [existing.email]);
    expect(rows).toHaveLength(1);
    // employer was not a column of this file, so the stored value stays.
    expect(rows[0]).toMatchObject({
      id: existing.id,
      given_name: 'After',
      family_name: 'Changed',
      profession: 'peer_support_worker',
      employer: 'Old Trust',
    });
    const [audit] = await t.db.query(
      `SELECT after FROM audit_events WHERE action = 'student.import' ORDER BY created_at DESC LIMIT 1`,
    );
    expect(audit.after).toMatchObject({ created: 0, updated: 1 });
  });

  it.each<[string, string, string]>([
    [
      'a missing required column',
      'givenName,familyName,email\nA,B,a@x.org\n',
      'invalid_csv_header',
    ],
    ['an unknown column', `${HEADER},nickname\n`, 'invalid_csv_header'],
    ['an empty body', '', 'empty_csv'],
  ])('answers 400 for %s', async (_name, csv, code) => {
    const res = await importCsv(csv);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
  });

  it('names the missing column', async () => {
    const res = await importCsv('givenName,familyName,profession\n');
    expect(res.body.detail).toMatch(/required column email is missing/);
    expect(res.body.errors).toEqual([
      { field: 'header', message: 'required column email is missing' },
    ]);
  });

  it('answers 400 for a JSON body and for a bad dryRun value', async () => {
    const json = await t
      .http()
      .post('/api/v1/students/import')
      .set(bearer(admin))
      .send({ students: [] });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('csv_body_required');
    const bad = await importCsv(`${HEADER}\n`, '?dryRun=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('dryRun');
  });

  it('is for admins only (403 for a tutor)', async () => {
    const tutor = await createUser(t, 'tutor');
    expect((await importCsv(`${HEADER}\n`, '', tutor)).status).toBe(403);
  });
});
