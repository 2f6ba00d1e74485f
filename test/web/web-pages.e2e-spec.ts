import { randomUUID } from 'node:crypto';
import { makeCertificate } from '../helpers/enrolment-factories';
import { markAttendance, recordAssessment } from '../helpers/factories';
import { formatDate } from '../../src/web/view-helpers';
import { bearer, createTestApp, createUser, TestApp } from '../helpers/test-app';
import {
  csrfFrom,
  errorSummary,
  HTML,
  makePageCohort,
  makeVerifiableCertificate,
  PageCohort,
  pageText,
  signedInAgent,
} from '../helpers/web-factories';

/**
 * The pages as a browser without scripts uses them (plain GETs and form POSTs through
 * supertest): who sees what, forms that work without JavaScript, and downloads. The browser
 * specs beside this one drive the same pages in Chromium.
 */
describe('web pages without a browser', () => {
  let t: TestApp;
  let c: PageCohort;
  let admin: Awaited<ReturnType<typeof createUser>>;
  let tutor: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    t = await createTestApp();
    c = await makePageCohort(t.db, {
      names: [
        ['Ada', `Okafor-${randomUUID().slice(0, 4)}`],
        ['Ben', `Shah-${randomUUID().slice(0, 4)}`],
      ],
      past: 2,
      future: 1,
    });
    admin = await createUser(t, 'admin');
    tutor = await createUser(t, 'tutor', { cohortIds: [c.cohort.id] });
  });
  afterAll(() => t.close());

  const registerPath = () => `/tutor/sessions/${c.past[1].id}/register`;

  it('every page answers its role with HTML, and every POST form carries the CSRF field', async () => {
    const [a, b] = c.students;
    const cert = await makeCertificate(t.db, { id: a.enrolmentId, cohortId: c.cohort.id });
    const studentUser = await createUser(t, 'student', { studentId: a.id });
    const pages: Record<string, string[]> = {
      [admin.email]: [
        '/admin',
        `/admin/cohorts/${c.cohort.id}`,
        `/admin/cohorts/${c.cohort.id}?sort=attendance`,
        `/admin/cohorts/${c.cohort.id}/enrol`,
        `/admin/cohorts/${c.cohort.id}/completion`,
        `/admin/enrolments/${b.enrolmentId}/withdraw`,
        `/admin/enrolments/${b.enrolmentId}/defer`,
        `/admin/enrolments/${b.enrolmentId}/transfer`,
        `/admin/enrolments/${b.enrolmentId}/completion`,
        '/admin/students',
        '/admin/students?q=okafor',
        `/admin/students/${a.id}`,
        `/admin/students/${a.id}/edit`,
        `/admin/students/${a.id}/erase`,
        '/admin/students/import',
        '/admin/certificates',
        `/admin/certificates?cohortId=${c.cohort.id}&status=issued`,
        `/admin/certificates/${cert.id}/revoke`,
        `/admin/certificates/${cert.id}/reissue`,
        `/tutor/cohorts/${c.cohort.id}`,
        registerPath(),
        '/verify',
      ],
      [tutor.email]: ['/tutor', `/tutor/cohorts/${c.cohort.id}`, registerPath()],
      [studentUser.email]: ['/progress', '/timetable', `/progress/${a.enrolmentId}/attendance`],
    };
    for (const [email, paths] of Object.entries(pages)) {
      const { agent } = await signedInAgent(t, email);
      for (const path of paths) {
        const res = await agent.get(path).set('Accept', HTML);
        expect([path, res.status, res.headers['content-type']]).toEqual([
          path,
          200,
          'text/html; charset=utf-8',
        ]);
        const forms = res.text.match(/<form[^>]*method="post"[\s\S]*?<\/form>/g) ?? [];
        for (const form of forms)
          expect([path, form.includes('name="_csrf"')]).toEqual([path, true]);
      }
    }
  });

  it('a tutor sees only the cohorts they teach: others are "Page not found"', async () => {
    const other = await makePageCohort(t.db, { names: [['Cy', 'Other']], past: 1 });
    const { agent, post } = await signedInAgent(t, tutor.email);
    for (const path of [
      `/tutor/cohorts/${other.cohort.id}`,
      `/tutor/sessions/${other.past[0].id}/register`,
      `/tutor/cohorts/not-a-uuid`,
    ]) {
      const res = await agent.get(path).set('Accept', HTML);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.text).toContain('Page not found');
    }
    const refused = await post(`/tutor/sessions/${other.past[0].id}/register`, {
      [`records.${other.students[0].enrolmentId}.status`]: 'absent',
    });
    expect(refused.status).toBe(404);
    const [{ n }] = await t.db.query(
      'SELECT count(*)::int AS n FROM attendance_records WHERE session_id = $1',
      [other.past[0].id],
    );
    expect(n).toBe(0);
    // Admin pages are not for tutors at all.
    expect((await agent.get(`/admin/cohorts/${c.cohort.id}`).set('Accept', HTML)).status).toBe(403);
  });

  it('without scripts, "Mark everyone present" marks the rest present, keeps a choice made and saves nothing', async () => {
    const { post } = await signedInAgent(t, tutor.email);
    const [a, b] = c.students;
    const res = await post(registerPath(), {
      action: 'all-present',
      [`records.${a.enrolmentId}.status`]: 'absent',
      [`records.${a.enrolmentId}.note`]: 'Phoned in sick',
    });
    expect(res.status).toBe(200);
    expect(pageText(res.text)).toContain('Everyone not marked yet is marked present');
    expect(res.text).toMatch(
      new RegExp(
        `id="records-${b.enrolmentId}-status" name="records.${b.enrolmentId}.status" type="radio" value="present" checked`,
      ),
    );
    // The absence chosen for the first student stands.
    expect(res.text).toMatch(
      new RegExp(`name="records.${a.enrolmentId}.status" type="radio" value="absent" checked`),
    );
    expect(res.text).not.toMatch(
      new RegExp(`name="records.${a.enrolmentId}.status" type="radio" value="present" checked`),
    );
    expect(res.text).toContain('value="Phoned in sick"');
    const [{ n }] = await t.db.query(
      'SELECT count(*)::int AS n FROM attendance_records WHERE session_id = $1',
      [c.past[1].id],
    );
    expect(n).toBe(0);
  });

  it('register errors are listed in the summary, linked to the field, with the values kept', async () => {
    const { post } = await signedInAgent(t, tutor.email);
    const [a, b] = c.students;
    const res = await post(registerPath(), {
      [`records.${a.enrolmentId}.status`]: 'late',
      [`records.${a.enrolmentId}.minutes`]: '',
      [`records.${b.enrolmentId}.status`]: 'left_early',
      [`records.${b.enrolmentId}.minutes`]: '500',
      [`records.${b.enrolmentId}.note`]: 'Left for a ward round',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Error: Register: Open Dialogue practice 2');
    expect(errorSummary(res.text)).toEqual([
      `#records-${a.enrolmentId}-minutes Enter how many minutes ${a.name} attended`,
    ]);
    expect(res.text).toContain('value="Left for a ward round"');
    expect(res.text).toContain('value="500"');

    // The range is the attendance service's rule; its refusal lands on the right input.
    const ranged = await post(registerPath(), {
      [`records.${a.enrolmentId}.status`]: 'present',
      [`records.${b.enrolmentId}.status`]: 'left_early',
      [`records.${b.enrolmentId}.minutes`]: '500',
    });
    expect(ranged.status).toBe(422);
    expect(errorSummary(ranged.text)).toEqual([
      `#records-${b.enrolmentId}-minutes ${b.name}: minutes attended for left early must be more than 0 and less than 240`,
    ]);
    const [{ n }] = await t.db.query(
      'SELECT count(*)::int AS n FROM attendance_records WHERE session_id = $1',
      [c.past[1].id],
    );
    expect(n).toBe(0);
  });

  it('a saved register says who saved it and when; tutors and admins may both take it', async () => {
    const { agent, post } = await signedInAgent(t, tutor.email);
    const [a, b] = c.students;
    const save = await post(`/tutor/sessions/${c.past[0].id}/register`, {
      [`records.${a.enrolmentId}.status`]: 'present',
      [`records.${b.enrolmentId}.status`]: 'late',
      [`records.${b.enrolmentId}.minutes`]: '200',
    });
    expect(save.status).toBe(303);
    expect(save.headers.location).toBe(`/tutor/sessions/${c.past[0].id}/register?saved=2`);
    const page = pageText((await agent.get(save.headers.location).set('Accept', HTML)).text);
    expect(page).toContain('Register saved Every student is marked.');
    expect(page).toMatch(new RegExp(`Last saved by ${tutor.email} on \\d+ \\w+ \\d{4} at`));
    const rows = await t.db.query(
      `SELECT enrolment_id, status, minutes_attended FROM attendance_records WHERE session_id = $1`,
      [c.past[0].id],
    );
    expect(
      Object.fromEntries(
        rows.map((r: Record<string, unknown>) => [r.enrolment_id, [r.status, r.minutes_attended]]),
      ),
    ).toEqual({
      [a.enrolmentId]: ['present', 240],
      [b.enrolmentId]: ['late', 200],
    });

    const asAdmin = await signedInAgent(t, admin.email);
    const again = await asAdmin.post(`/tutor/sessions/${c.past[0].id}/register`, {
      [`records.${a.enrolmentId}.status`]: 'excused',
    });
    expect(again.status).toBe(303);
  });

  it('imports students from CSV text: each bad line listed, a dry run writes nothing, then an import', async () => {
    const { agent, post } = await signedInAgent(t, admin.email);
    const tag = randomUUID().slice(0, 8);
    const header = 'givenName,familyName,email,profession,employer,registrationNumber';
    const bad = [
      header,
      `Ada,Lovelace,ada-${tag}@example.org,nurse,NELFT,`,
      `Bob,,bob-${tag}@example.org,nurse,,`,
      `Cy,Young,not-an-email,astronaut,,`,
    ].join('\r\n');
    const refused = await post('/admin/students/import', { csv: bad });
    expect(refused.status).toBe(422);
    const text = pageText(refused.text);
    expect(text).toContain('There is a problem');
    expect(text).toMatch(/Line 3: familyName/);
    expect(text).toMatch(/Line 4: email/);
    expect(text).toMatch(
      /Line 4: profession: "astronaut" is not one of Nurse, .*Peer support worker/,
    );
    // The page lists the professions in words, as the file may give them.
    expect(text).toMatch(/Professions: Nurse, Psychiatrist, .*Peer support worker, .*Other\./);
    expect(errorSummary(refused.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^#csv Line 3: familyName/)]),
    );
    expect(text).toContain('Nothing was imported');
    const count = async () =>
      (
        await t.db.query(`SELECT count(*)::int AS n FROM students WHERE email LIKE $1`, [
          `%-${tag}@example.org`,
        ])
      )[0].n;
    expect(await count()).toBe(0);

    const good = [
      header,
      `Ada,Lovelace,ada-${tag}@example.org,nurse,NELFT,`,
      `Bob,Marley,bob-${tag}@example.org,Peer support worker,,`,
    ].join('\n');
    const dry = await post('/admin/students/import', { csv: good, dryRun: 'yes' });
    expect(dry.status).toBe(200);
    expect(pageText(dry.text)).toContain('Nothing has been saved. Importing it would add 2');
    expect(await count()).toBe(0);

    const done = await post('/admin/students/import', { csv: good });
    expect(done.status).toBe(303);
    expect(await count()).toBe(2);
    const banner = pageText((await agent.get(done.headers.location).set('Accept', HTML)).text);
    expect(banner).toContain('Students imported 2 added, 0 updated, 0 already up to date.');
  });

  it('revokes a certificate only with a reason, and the public page then says revoked', async () => {
    const { agent, post } = await signedInAgent(t, admin.email);
    const cert = await makeVerifiableCertificate(t.db, {
      id: c.students[1].enrolmentId,
      cohortId: c.cohort.id,
    });
    const path = `/admin/certificates/${cert.id}/revoke`;
    const empty = await post(path, { reason: '  ' });
    expect(empty.status).toBe(422);
    expect(errorSummary(empty.text)).toEqual(['#reason Enter a reason']);
    const done = await post(path, { reason: 'Issued against the wrong record' });
    expect(done.status).toBe(303);
    const [row] = await t.db.query(
      'SELECT status, revoked_reason FROM certificates WHERE id = $1',
      [cert.id],
    );
    expect(row).toEqual({ status: 'revoked', revoked_reason: 'Issued against the wrong record' });
    const list = pageText((await agent.get(done.headers.location).set('Accept', HTML)).text);
    expect(list).toContain(`Certificate ${cert.serial} revoked`);

    const verify = await t.http().get(`/verify/${cert.verification_code}`).set('Accept', HTML);
    expect(verify.status).toBe(200);
    const page = pageText(verify.text);
    expect(page).toContain(`Certificate ${cert.serial}`);
    expect(page).toContain('Revoked');
    expect(page).not.toContain('wrong record');
    // The shared layout: the NHS.UK header, the skip link, our stylesheet and scripts.
    expect(verify.text).toContain('<html lang="en-GB">');
    expect(verify.text).toContain('class="nhsuk-skip-link"');
    expect(verify.text).toContain('href="/assets/nhsuk/nhsuk-frontend.min.css"');
    expect(verify.text).toContain('<meta name="robots" content="noindex">');

    const unknown = await t.http().get('/verify/ABCD-EFGH-JKMN-PQ').set('Accept', HTML);
    expect(unknown.status).toBe(404);
    expect(pageText(unknown.text)).toContain('Certificate not found');
    const typed = await t
      .http()
      .get(`/verify?code=${encodeURIComponent(' abcd efgh ')}`)
      .set('Accept', HTML);
    expect(typed.status).toBe(303);
    expect(typed.headers.location).toBe('/verify/abcd%20efgh');
  });

  it('downloads: the report as CSV and XLSX, the timetable as a calendar, the certificate as PDF', async () => {
    const { agent } = await signedInAgent(t, admin.email);
    const csv = await agent.get(`/admin/reports/accreditation?cohortId=${c.cohort.id}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename=".+\.csv"$/);
    expect(csv.text).toContain(c.students[0].email);
    const xlsx = await agent
      .get(`/admin/reports/accreditation?courseId=${c.course.id}&format=xlsx`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const bad = await agent.get('/admin/reports/accreditation?format=pdf').set('Accept', HTML);
    expect(bad.status).toBe(404);

    const d = await makePageCohort(t.db, {
      names: [
        ['Eve', 'Adeyemi'],
        ['Fin', 'Byrne'],
      ],
      past: 1,
    });
    const [a, b] = d.students;
    const own = await makeCertificate(t.db, { id: a.enrolmentId, cohortId: d.cohort.id });
    const others = await makeCertificate(t.db, { id: b.enrolmentId, cohortId: d.cohort.id });
    const student = await createUser(t, 'student', { studentId: a.id });
    const s = await signedInAgent(t, student.email);
    const pdf = await s.agent.get(`/certificates/${own.id}/download`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${own.serial}.pdf"`);
    const theirs = await s.agent.get(`/certificates/${others.id}/download`).set('Accept', HTML);
    expect(theirs.status).toBe(404);
    expect(theirs.text).toContain('Page not found');

    const ics = await s.agent.get('/timetable.ics');
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toContain('BEGIN:VCALENDAR');
    expect(ics.text.match(/BEGIN:VEVENT/g)).toHaveLength(d.past.length + d.future.length);
  });

  it('the student sees their own figures and nobody else’s enrolment', async () => {
    const [a, b] = c.students;
    const fresh = await makePageCohort(t.db, {
      names: [['Dee', `Kaur-${randomUUID().slice(0, 4)}`]],
      past: 2,
      future: 1,
    });
    const [d] = fresh.students;
    await markAttendance(t.db, fresh.past[0].id, d.enrolmentId, 'present');
    await markAttendance(t.db, fresh.past[1].id, d.enrolmentId, 'late', 60);
    await recordAssessment(t.db, d.enrolmentId, 'ESSAY', 'pass');
    const user = await createUser(t, 'student', { studentId: d.id });
    const { agent } = await signedInAgent(t, user.email);
    const text = pageText((await agent.get('/progress').set('Accept', HTML)).text);
    // 240 + 60 of 480 minutes = 62.5%; 5 hours of the course's 60.
    expect(text).toContain('Attendance 62.5%');
    expect(text).toContain('Hours attended 5 hours of the 60 hours the course asks for');
    expect(text).toContain('Attend at least 80% of your sessions — you are at 62.5%');
    expect(text).toContain('Pass the Practice portfolio');
    expect(text).toContain('You are at risk of not completing the course');
    expect(text).not.toContain(a.name);
    for (const id of [a.enrolmentId, b.enrolmentId]) {
      const res = await agent.get(`/progress/${id}/attendance`).set('Accept', HTML);
      expect(res.status).toBe(404);
    }
  });

  it('the completion and dashboard pages show the API’s own numbers, and no evaluation before the cohort ends', async () => {
    const { agent } = await signedInAgent(t, admin.email);
    const preview = await t
      .http()
      .get(`/api/v1/cohorts/${c.cohort.id}/completion/preview`)
      .set(bearer(admin));
    expect(preview.body.canEvaluate).toBe(false);
    const confirm = await agent.get(`/admin/cohorts/${c.cohort.id}/completion`).set('Accept', HTML);
    const text = pageText(confirm.text);
    expect(text).toContain(
      `Completion can be evaluated once the last mandatory session has ended, on ${formatDate(
        preview.body.lastMandatorySessionEndsAt,
      )}`,
    );
    expect(text).toContain(`${preview.body.evaluated} seated enrolments will be evaluated`);
    expect(text).toContain(`${preview.body.notCompleted} do not and will be marked not completed`);
    expect(confirm.text).not.toContain(`action="/admin/cohorts/${c.cohort.id}/completion"`);
    const refused = await t
      .http()
      .post(`/api/v1/cohorts/${c.cohort.id}/completion/evaluate`)
      .set(bearer(admin));
    expect(refused.status).toBe(409);

    // The dashboard's row for the cohort: seats and at-risk count as the API's summary says.
    const summary = await t.http().get(`/api/v1/cohorts/${c.cohort.id}/summary`).set(bearer(admin));
    const dashboard = await agent.get('/admin').set('Accept', HTML);
    const row = dashboard.text
      .split('<tr')
      .find((r) => r.includes(`/admin/cohorts/${c.cohort.id}"`)) as string;
    expect(pageText(row)).toContain(
      summary.body.atRisk > 0 ? `${summary.body.atRisk} at risk` : 'At risk 0',
    );
  });

  it('refuses a form without its CSRF token before doing anything', async () => {
    const { agent } = await signedInAgent(t, admin.email);
    const res = await agent
      .post(`/admin/enrolments/${c.students[1].enrolmentId}/withdraw`)
      .type('form')
      .set('Accept', HTML)
      .send({ reason: 'Left the trust' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Your form could not be sent');
    const [row] = await t.db.query('SELECT status FROM enrolments WHERE id = $1', [
      c.students[1].enrolmentId,
    ]);
    expect(row.status).toBe('enrolled');
    expect(csrfFrom(res.text)).toBeTruthy();
  });
});
