import { makeBlock, makeCohort, makeCourse, makeSession, makeStudent } from './helpers/factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

jest.setTimeout(60_000);

const PROBLEM = 'application/problem+json';

describe('history import: POST /cohorts/:cohortId/history/import', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  /** A finished 2016-17 cohort with one block of two 3-hour sessions (London time). */
  async function pastCohort() {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, {
      startDate: '2016-10-17',
      endDate: '2017-10-06',
      status: 'completed',
    });
    const block = await makeBlock(t.db, cohort.id, {
      startDate: '2016-10-17',
      endDate: '2016-10-21',
    });
    for (const startsAt of ['2016-10-17T08:30:00Z', '2016-10-17T12:30:00Z']) {
      await makeSession(t.db, cohort.id, {
        startsAt: new Date(startsAt),
        minutes: 180,
        blockId: block.id,
      });
    }
    return { course, cohort };
  }

  const HEADER =
    'email,givenName,familyName,profession,employer,route,enrolledOn,status,endedOn,reason,' +
    'session:2016-10-17T09:30,session:2016-10-17T13:30,assessment:ESSAY,assessment:PRACTICE,' +
    'decision,decidedOn,override,overrideReason,certificateSerial,certificateIssuedOn';
  const line = (tag: string, rest: string) =>
    `${tag}@history.test,Ada,${tag},nurse,NELFT,graduate_certificate,2016-10-01,${rest}`;
  const goodCsv = (tag: string) =>
    [
      HEADER,
      line(
        `${tag}-a`,
        'completed,2017-10-20,,present,late:120,pass:2,pass,completed,2017-10-20,,,HIST-' +
          tag +
          '-1,2017-11-01',
      ),
      line(
        `${tag}-b`,
        'not_completed,2017-10-20,,absent,excused,refer,pass,not_completed,2017-10-20,,,,',
      ),
      line(
        `${tag}-c`,
        'completed,2017-10-20,,absent,absent,pass,pass,completed,2017-10-27,yes,Exam board agreed,,',
      ),
      line(`${tag}-d`, 'withdrawn,2016-12-01,Moved trust,present,present,,,,,,,,'),
    ].join('\n');

  const post = (cohortId: string, csv: string, query = '', user = admin) =>
    t
      .http()
      .post(`/api/v1/cohorts/${cohortId}/history/import${query}`)
      .set(bearer(user))
      .set('content-type', 'text/csv')
      .send(csv);
  const count = async (sql: string, params: unknown[]) => {
    const [row]: Array<{ n: number }> = await t.db.query(sql, params);
    return row.n;
  };

  it('dry run reports what it would write and writes nothing', async () => {
    const { cohort } = await pastCohort();
    const res = await post(cohort.id, goodCsv('dry'), '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      enrolments: 4,
      studentsCreated: 4,
      attendanceRecords: 8,
      assessmentResults: 6,
      decisions: 3,
      paperCertificates: 1,
      dryRun: true,
      errors: [],
    });
    expect(
      await count('SELECT count(*)::int AS n FROM enrolments WHERE cohort_id = $1', [cohort.id]),
    ).toBe(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM students WHERE email LIKE 'dry-%'`, []),
    ).toBe(0);
  });

  it('imports enrolments, registers, results, imported decisions and paper certificates', async () => {
    const { cohort } = await pastCohort();
    const res = await post(cohort.id, goodCsv('real'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      enrolments: 4,
      decisions: 3,
      paperCertificates: 1,
      dryRun: false,
    });

    const progress = await t.http().get(`/api/v1/cohorts/${cohort.id}/progress`).set(bearer(admin));
    const byName = Object.fromEntries(
      progress.body.items.map((p: { studentName: string }) => [p.studentName, p]),
    );
    // present 180 + late 120 of 360 = 83.3%; excused leaves the denominator.
    expect(byName['Ada real-a'].attendance).toMatchObject({ percent: 83.3, attendedHours: 5 });
    expect(byName['Ada real-b'].attendance).toMatchObject({ percent: 0, commitmentPercent: 50 });
    expect(byName['Ada real-a'].status).toBe('completed');
    expect(byName['Ada real-a'].certificate).toMatchObject({
      serial: 'HIST-real-1',
      status: 'issued',
    });

    const decisions = await t.db.query(
      `SELECT s.family_name, d.outcome, d.imported, d.override, d.reason,
              to_char(d.decided_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day
         FROM completion_decisions d JOIN enrolments e ON e.id = d.enrolment_id
         JOIN students s ON s.id = e.student_id WHERE e.cohort_id = $1 ORDER BY s.family_name`,
      [cohort.id],
    );
    expect(decisions).toEqual([
      {
        family_name: 'real-a',
        outcome: 'completed',
        imported: true,
        override: false,
        reason: null,
        day: '2017-10-20',
      },
      {
        family_name: 'real-b',
        outcome: 'not_completed',
        imported: true,
        override: false,
        reason: null,
        day: '2017-10-20',
      },
      {
        family_name: 'real-c',
        outcome: 'completed',
        imported: true,
        override: true,
        reason: 'Exam board agreed',
        day: '2017-10-27',
      },
    ]);
    const [certificate] = await t.db.query(
      `SELECT id, on_paper, length(pdf) AS bytes, contact_hours::float8 AS hours,
              to_char(issued_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS issued
         FROM certificates WHERE serial = 'HIST-real-1'`,
    );
    const { id: certificateId, ...paper } = certificate;
    expect(paper).toEqual({ on_paper: true, bytes: 0, hours: 5, issued: '2017-11-01' });
    // No PDF was rendered for it: its download says so rather than sending an empty file.
    const pdf = await t.http().get(`/api/v1/certificates/${certificateId}/pdf`).set(bearer(admin));
    expect(pdf.status).toBe(404);
    expect(pdf.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(pdf.body.code).toBe('pdf_of_paper_certificate_not_found');
    // ...and its record says it is a paper one, so pages offer no download.
    const read = await t.http().get(`/api/v1/certificates/${certificateId}`).set(bearer(admin));
    expect(read.body).toMatchObject({ serial: 'HIST-real-1', onPaper: true });
    const [{ attempt }] = await t.db.query(
      `SELECT r.attempt FROM assessment_results r JOIN enrolments e ON e.id = r.enrolment_id
         JOIN students s ON s.id = e.student_id WHERE s.family_name = 'real-a' AND r.assessment_code = 'ESSAY'`,
    );
    expect(attempt).toBe(2);

    // The cohort is now filled: a second import is refused whole.
    const again = await post(cohort.id, goodCsv('again'));
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain(PROBLEM);
  });

  it('takes labels as well as codes, and stores the codes', async () => {
    const { cohort } = await pastCohort();
    const csv = [
      HEADER,
      'worded@history.test,Ada,Worded,Peer support worker,NELFT,Postgraduate certificate (level 7),' +
        '2016-10-01,Not completed,2017-10-20,,Left early:90,Excused,Referred,Passed:2,' +
        'Not completed,2017-10-20,,,,',
    ].join('\n');
    const res = await post(cohort.id, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enrolments: 1, attendanceRecords: 2, errors: [] });
    const [row] = await t.db.query(
      `SELECT s.profession, e.route, e.status,
              (SELECT array_agg(a.status::text ORDER BY a.status) FROM attendance_records a
                WHERE a.enrolment_id = e.id) AS marks,
              (SELECT array_agg(r.assessment_code || ':' || r.outcome || ':' || r.attempt
                                ORDER BY r.assessment_code) FROM assessment_results r
                WHERE r.enrolment_id = e.id) AS results
         FROM enrolments e JOIN students s ON s.id = e.student_id
        WHERE s.email = 'worded@history.test'`,
    );
    expect(row).toEqual({
      profession: 'peer_support_worker',
      route: 'postgraduate_certificate',
      status: 'not_completed',
      marks: ['excused', 'left_early'],
      results: ['ESSAY:refer:1', 'PRACTICE:pass:2'],
    });

    // A second cohort: the first now has its history.
    const fresh = await pastCohort();
    const unknown = await post(
      fresh.cohort.id,
      [HEADER, line('astro', 'Lunar,2017-10-20,,,,,,,,,,,')]
        .join('\n')
        .replace(',nurse,', ',Astronaut,'),
    );
    expect(unknown.body.errors).toEqual(
      expect.arrayContaining([
        {
          line: 2,
          message: expect.stringMatching(/^profession: "Astronaut" is not one of Nurse, /),
        },
        {
          line: 2,
          message:
            'status: must be one of Completed, Not completed, Withdrawn, Deferred, Transferred (a finished cohort)',
        },
      ]),
    );
  });

  it('reports every bad line with its number and reason and writes nothing', async () => {
    const { cohort } = await pastCohort();
    await makeStudent(t.db, { email: 'known@history.test' });
    const csv = [
      HEADER,
      line('ok', 'completed,2017-10-20,,present,present,pass,pass,completed,2017-10-20,,,,'),
      line('bad-status', 'enrolled,2017-10-20,,present,present,,,,,,,,'),
      line('bad-mark', 'completed,2017-10-20,,late:200,maybe,pass,pass,completed,2017-10-20,,,,'),
      line(
        'bad-decision',
        'completed,2017-10-20,,present,present,pass,pass,not_completed,2017-10-20,,,,',
      ),
      line('ok', 'withdrawn,2099-01-01,,,,,,,,,,,'),
      'new@history.test,,,,,graduate_certificate,2016-10-01,withdrawn,2016-12-01,,,,,,,,,,,',
    ].join('\r\n');
    const res = await post(cohort.id, csv);
    expect(res.status).toBe(200);
    expect(res.body.enrolments).toBe(0);
    expect(res.body.errors).toEqual([
      { line: 3, message: expect.stringContaining('status: must be one of') },
      {
        line: 4,
        message: expect.stringContaining('session:2016-10-17T09:30: late needs the minutes'),
      },
      { line: 4, message: expect.stringContaining('session:2016-10-17T13:30: "maybe"') },
      { line: 5, message: 'decision: must be completed, as the status' },
      { line: 6, message: 'email: ok@history.test also appears on line 2' },
      { line: 6, message: 'endedOn: 2099-01-01 is in the future' },
      { line: 7, message: 'givenName: is required for a new student' },
      { line: 7, message: 'familyName: is required for a new student' },
      { line: 7, message: 'profession: is required for a new student' },
    ]);
    expect(
      await count('SELECT count(*)::int AS n FROM enrolments WHERE cohort_id = $1', [cohort.id]),
    ).toBe(0);
  });

  it('refuses a header naming a session the cohort does not have, and non-CSV bodies', async () => {
    const { cohort } = await pastCohort();
    const res = await post(
      cohort.id,
      'email,route,enrolledOn,status,endedOn,session:2016-10-18T09:30\n',
    );
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(res.body.errors[0].message).toContain('session:2016-10-18T09:30');
    const json = await t
      .http()
      .post(`/api/v1/cohorts/${cohort.id}/history/import`)
      .set(bearer(admin))
      .send({ csv: 'x' });
    expect(json.status).toBe(400);
  });

  it('is for admins only', async () => {
    const { cohort } = await pastCohort();
    const tutor = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
    expect((await post(cohort.id, goodCsv('tutor'), '', tutor)).status).toBe(403);
  });
});
