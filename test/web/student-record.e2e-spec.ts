import type { Browser, Page } from 'playwright-core';
import {
  clickAndWait,
  expectAccessible,
  expectNoPageProblems,
  launchBrowser,
  newPage,
  screenshot,
  signedInPage,
  startWebApp,
  WebTestApp,
} from '../helpers/browser';
import { POD_ASSESSMENTS } from '../helpers/factories';
import { bearer, createUser, TestUser } from '../helpers/test-app';
import { HTML, pageText, signedInAgent } from '../helpers/web-factories';

jest.setTimeout(180_000);

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

interface Arranged {
  cohort: { id: string; name: string };
  priya: { studentId: string; enrolmentId: string };
  tom: { studentId: string; enrolmentId: string };
  wanda: { studentId: string; enrolmentId: string };
}

/**
 * Arranged through the API as an administrator would: a cohort whose five sessions have all
 * ended (so completion can be evaluated), and three students. Priya attended everything but her
 * essay was referred twice; Tom missed two sessions (60%) and passed; Wanda attended and passed,
 * then was withdrawn by mistake.
 */
async function arrange(t: WebTestApp, admin: TestUser): Promise<Arranged> {
  const api = () => t.http();
  const rules = [
    { type: 'min_attendance_percent', value: 80 },
    { type: 'assessments_passed', codes: ['ESSAY'] },
  ];
  const course = await api()
    .post('/api/v1/courses')
    .set(bearer(admin))
    .send({
      code: `REC${Date.now().toString(36).toUpperCase()}`,
      title: 'Peer-supported Open Dialogue',
      provider: 'NELFT NHS Foundation Trust with London South Bank University',
      accreditationBody: 'AFT',
      accreditationLevel: 'Foundation',
      targets: { contactHours: 60, independentHours: 120 },
      assessments: POD_ASSESSMENTS,
      defaultCompletionRules: rules,
    })
    .expect(201);
  const cohort = await api()
    .post('/api/v1/cohorts')
    .set(bearer(admin))
    .send({
      courseId: course.body.id,
      number: 41,
      startDate: day(-30),
      endDate: day(-1),
      capacity: 3,
      completionRules: rules,
    })
    .expect(201);
  const sessions: string[] = [];
  for (let i = 0; i < 5; i++) {
    const startsAt = new Date(Date.now() - (10 - i) * DAY);
    const s = await api()
      .post(`/api/v1/cohorts/${cohort.body.id}/sessions`)
      .set(bearer(admin))
      .send({
        title: `Network meetings ${i + 1}`,
        kind: 'teaching',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 4 * 3_600_000).toISOString(),
      })
      .expect(201);
    sessions.push(s.body.id);
  }
  const enrol = async (givenName: string, familyName: string) => {
    const student = await api()
      .post('/api/v1/students')
      .set(bearer(admin))
      .send({
        givenName,
        familyName,
        email: `${givenName}.${familyName}@nelft.example`.toLowerCase(),
        profession: 'peer_support_worker',
        employer: 'NELFT NHS Foundation Trust',
      })
      .expect(201);
    const enrolment = await api()
      .post(`/api/v1/cohorts/${cohort.body.id}/enrolments`)
      .set(bearer(admin))
      .send({
        studentId: student.body.id,
        route: 'graduate_certificate',
        enrolledAt: new Date(Date.now() - 20 * DAY).toISOString(),
      })
      .expect(201);
    return { studentId: student.body.id as string, enrolmentId: enrolment.body.id as string };
  };
  const priya = await enrol('Priya', 'Raman');
  const tom = await enrol('Tom', 'Baker');
  const wanda = await enrol('Wanda', 'Okoro');
  for (const [i, sessionId] of sessions.entries()) {
    await api()
      .put(`/api/v1/sessions/${sessionId}/attendance`)
      .set(bearer(admin))
      .send({
        records: [
          { enrolmentId: priya.enrolmentId, status: 'present' },
          { enrolmentId: tom.enrolmentId, status: i < 3 ? 'present' : 'absent' },
          { enrolmentId: wanda.enrolmentId, status: 'present' },
        ],
      })
      .expect(200);
  }
  const essay = (enrolmentId: string, outcome: string, mark: number) =>
    api()
      .put(`/api/v1/enrolments/${enrolmentId}/assessments/ESSAY`)
      .set(bearer(admin))
      .send({ outcome, mark })
      .expect(200);
  await essay(priya.enrolmentId, 'refer', 35);
  await essay(priya.enrolmentId, 'refer', 38);
  await essay(tom.enrolmentId, 'pass', 64);
  await essay(wanda.enrolmentId, 'pass', 71);
  await api()
    .post(`/api/v1/enrolments/${wanda.enrolmentId}/withdraw`)
    .set(bearer(admin))
    .send({ reason: 'Left the trust' })
    .expect(200);
  return { cohort: { id: cohort.body.id, name: cohort.body.name }, priya, tom, wanda };
}

describe('a student record in a browser', () => {
  let t: WebTestApp;
  let browser: Browser;
  let page: Page;
  let admin: TestUser;
  let a: Arranged;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    admin = await createUser(t, 'admin');
    a = await arrange(t, admin);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async () => {
    if (page) {
      expectNoPageProblems(page);
      await page.context().close();
    }
  });

  const main = () => page.locator('main');
  const searchFromHeader = async (words: string) => {
    await page.getByRole('searchbox', { name: 'Search for a student' }).fill(words);
    await clickAndWait(page, page.getByRole('button', { name: 'Search for a student' }));
  };

  it('the confirmation page names every rule each student will fail, with their figures', async () => {
    page = await signedInPage(browser, t.baseUrl, admin.email);
    await page.goto(`/admin/cohorts/${a.cohort.id}/completion`);
    const list = page.locator('.app-not-completed');
    const row = (name: string) => list.locator('.nhsuk-summary-list__row', { hasText: name });
    // Priya attended everything: the page must not make her failure look like a mistake.
    await expect(row('Priya Raman').innerText()).resolves.toContain(
      'Reflective essay: referred at attempt 2, pass required',
    );
    await expect(row('Priya Raman').innerText()).resolves.not.toContain('Attendance');
    await expect(row('Tom Baker').innerText()).resolves.toContain('Attendance 60% (needs 80%)');
    await expect(row('Tom Baker').innerText()).resolves.not.toContain('essay');
    await expect(list.innerText()).resolves.not.toContain('Wanda');
    await expectAccessible(page, 'completion confirmation');
    await screenshot(page, 'completion-confirmation-rules');
  });

  it('an administrator finds a student from the header, sees why they are at risk, corrects a name and overrides the decision', async () => {
    page = await signedInPage(browser, t.baseUrl, admin.email);

    await searchFromHeader('baker');
    await expectAccessible(page, 'student search');
    await clickAndWait(page, main().getByRole('link', { name: 'Baker, Tom' }));
    expect(await page.locator('h1').innerText()).toBe('Tom Baker');
    const enrolment = page.locator('section', { hasText: a.cohort.name });
    await expect(enrolment.locator('.nhsuk-card--warning').innerText()).resolves.toContain(
      'Even attending every session that is left, attendance can reach at most 60%; 80% is needed to complete the course.',
    );
    await expect(enrolment.locator('.app-failing-rules').innerText()).resolves.toBe(
      'Attendance 60% (needs 80%)',
    );
    await expectAccessible(page, 'student record');
    await screenshot(page, 'student-record');

    // Correct the given name: the reason is required, then kept in the audit trail.
    await clickAndWait(page, main().getByRole('link', { name: 'Change their details' }));
    await page.getByLabel('Given name').fill('Thomas');
    await clickAndWait(page, page.getByRole('button', { name: 'Save changes' }));
    await expect(page.locator('.nhsuk-error-summary').innerText()).resolves.toContain(
      'Enter why you are changing their details',
    );
    expect(await page.getByLabel('Given name').inputValue()).toBe('Thomas');
    await expectAccessible(page, 'change details with an error');
    await page.getByLabel('Why are you changing their details?').fill('Name misspelt at import');
    await clickAndWait(page, page.getByRole('button', { name: 'Save changes' }));
    expect(await page.locator('h1').innerText()).toBe('Thomas Baker');
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      'Their details have been changed',
    );
    const corrected = page.locator('.app-audit-trail tbody tr', { hasText: 'Details corrected' });
    await expect(corrected.innerText()).resolves.toContain(
      'Changed: given name. Reason: Name misspelt at import',
    );

    // Override the rules: Tom is marked completed, with a reason.
    await clickAndWait(page, main().getByRole('link', { name: /^Decide completion/ }));
    await expectAccessible(page, 'decide completion');
    await clickAndWait(page, page.getByRole('button', { name: 'Save decision' }));
    const problems = await page.locator('.nhsuk-error-summary').innerText();
    expect(problems).toContain('Select completed or not completed');
    expect(problems).toContain('Enter why you are overriding the rules');
    await page.getByLabel('Completed', { exact: true }).check();
    await page
      .getByLabel('Why are you overriding the rules?')
      .fill('Exam board agreed extenuating circumstances');
    await clickAndWait(page, page.getByRole('button', { name: 'Save decision' }));
    expect(await page.locator('h1').innerText()).toBe('Thomas Baker');
    const decided = page.locator('section', { hasText: a.cohort.name });
    await expect(decided.innerText()).resolves.toMatch(
      /Decision: Completed, by an administrator on .*: Exam board agreed extenuating circumstances/,
    );
    await expect(decided.locator('.nhsuk-summary-list').first().innerText()).resolves.toContain(
      'Completed',
    );
    await expect(page.locator('.app-audit-trail').innerText()).resolves.toContain(
      'Completion decided by an administrator',
    );
    await expectAccessible(page, 'student record after override');

    // The subject access export is a download of the API's JSON, with the corrected name.
    const exported = await page.request.get(`/admin/students/${a.tom.studentId}/export`);
    expect(exported.status()).toBe(200);
    expect(exported.headers()['content-disposition']).toMatch(/^attachment/);
    expect((await exported.json()).student.givenName).toBe('Thomas');
  });

  it('a withdrawn enrolment is reinstated from the student record; the cohort roster offers it too', async () => {
    page = await signedInPage(browser, t.baseUrl, admin.email);
    await page.goto(`/admin/cohorts/${a.cohort.id}`);
    await expect(page.getByRole('link', { name: 'Reinstate Wanda Okoro' }).count()).resolves.toBe(
      1,
    );
    await clickAndWait(page, main().getByRole('link', { name: 'Wanda Okoro' }).first());
    expect(await page.locator('h1').innerText()).toBe('Wanda Okoro');

    await clickAndWait(page, main().getByRole('link', { name: /^Reinstate/ }));
    await expectAccessible(page, 'reinstate');
    await page.getByLabel('Reason').fill('Withdrawn by mistake');
    await clickAndWait(page, page.getByRole('button', { name: 'Reinstate Wanda Okoro' }));
    expect(await page.locator('h1').innerText()).toBe('Wanda Okoro');
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      `Their enrolment in ${a.cohort.name} is now: Enrolled`,
    );
    const history = await page
      .locator('table', { has: page.locator('caption', { hasText: 'Status history' }) })
      .innerText();
    expect(history).toMatch(/Withdrawn: Enrolled to Withdrawn\s+Left the trust/);
    expect(history).toMatch(
      /Reinstated after withdrawal: Withdrawn to Enrolled\s+Withdrawn by mistake/,
    );
    await expectAccessible(page, 'student record after reinstating');
  });

  it('a deferred student resumes from their record, back into a seat', async () => {
    const api = () => t.http();
    const dev = await api()
      .post('/api/v1/students')
      .set(bearer(admin))
      .send({
        givenName: 'Dev',
        familyName: 'Shah',
        email: `dev.shah.${Date.now()}@nelft.example`,
        profession: 'nurse',
      })
      .expect(201);
    const enrolment = await api()
      .post(`/api/v1/cohorts/${a.cohort.id}/enrolments`)
      .set(bearer(admin))
      .send({ studentId: dev.body.id, route: 'graduate_certificate' })
      .expect(201);
    // The cohort is full (3 of 3 after the reinstatement): Dev waits, takes Wanda's seat when she
    // leaves again, then defers.
    expect(enrolment.body.status).toBe('waitlisted');
    await api()
      .post(`/api/v1/enrolments/${a.wanda.enrolmentId}/withdraw`)
      .set(bearer(admin))
      .send({ reason: 'Left the trust after all' })
      .expect(200);
    await api()
      .post(`/api/v1/enrolments/${enrolment.body.id}/defer`)
      .set(bearer(admin))
      .send({ reason: 'Maternity leave' })
      .expect(200);

    page = await signedInPage(browser, t.baseUrl, admin.email);
    await page.goto(`/admin/students/${dev.body.id}`);
    await clickAndWait(page, main().getByRole('link', { name: /^Resume/ }));
    expect(await page.locator('h1').innerText()).toContain('Resume after deferral');
    await expectAccessible(page, 'resume');
    await page.getByLabel('Reason').fill('Back from maternity leave');
    await clickAndWait(page, page.getByRole('button', { name: 'Resume Dev Shah' }));
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      `Their enrolment in ${a.cohort.name} is now: Enrolled`,
    );
    const history = await page
      .locator('table', { has: page.locator('caption', { hasText: 'Status history' }) })
      .innerText();
    expect(history).toMatch(
      /Resumed after deferral: Deferred to Enrolled\s+Back from maternity leave/,
    );
  });

  it('erasure waits behind a confirmation page', async () => {
    page = await signedInPage(browser, t.baseUrl, admin.email);
    await searchFromHeader('priya.raman@');
    await clickAndWait(page, main().getByRole('link', { name: 'Raman, Priya' }));
    await clickAndWait(page, main().getByRole('link', { name: 'Erase their personal data' }));
    expect(await page.locator('h1').innerText()).toBe('Erase their personal data');
    await expect(page.locator('.nhsuk-card--warning').innerText()).resolves.toContain(
      'This cannot be undone',
    );
    await expectAccessible(page, 'erasure confirmation');
    await clickAndWait(page, main().getByRole('link', { name: 'Cancel' }));
    expect(await page.locator('h1').innerText()).toBe('Priya Raman');
    const [{ erased }] = await t.db.query(
      'SELECT erased_at IS NOT NULL AS erased FROM students WHERE id = $1',
      [a.priya.studentId],
    );
    expect(erased).toBe(false);
  });

  it('without scripts, erasure is a POST that needs the form token, and then erases', async () => {
    const student = await t
      .http()
      .post('/api/v1/students')
      .set(bearer(admin))
      .send({
        givenName: 'Erin',
        familyName: 'Quayle',
        email: 'erin.quayle@nelft.example',
        profession: 'nurse',
      })
      .expect(201);
    const id = student.body.id as string;
    const { agent, post } = await signedInAgent(t, admin.email);
    const forged = await agent.post(`/admin/students/${id}/erase`).type('form').set('Accept', HTML);
    expect(forged.status).toBe(403);
    const erased = await post(`/admin/students/${id}/erase`, {});
    expect([erased.status, erased.headers.location]).toEqual([
      303,
      `/admin/students/${id}?erased=1`,
    ]);
    const record = pageText((await agent.get(erased.headers.location).set('Accept', HTML)).text);
    expect(record).toContain('Their personal data has been erased');
    expect(record).not.toContain('Quayle');
    expect(record).not.toContain('Change their details');
  });

  it('tutors and students may not open the admin student pages', async () => {
    const tutor = await createUser(t, 'tutor', { cohortIds: [a.cohort.id] });
    const student = await createUser(t, 'student', { studentId: a.priya.studentId });
    for (const user of [tutor, student]) {
      page = await signedInPage(browser, t.baseUrl, user.email);
      for (const path of [
        `/admin/students/${a.priya.studentId}`,
        `/admin/students?q=raman`,
        `/admin/students/${a.priya.studentId}/export`,
      ]) {
        const res = await page.goto(path);
        expect([user.role, path, res?.status()]).toEqual([user.role, path, 403]);
      }
      expect(await page.getByRole('searchbox', { name: 'Search for a student' }).count()).toBe(0);
      await page.context().close();
    }
    page = await newPage(browser, t.baseUrl);
  });
});
