import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import {
  clickAndWait,
  expectAccessible,
  expectNoPageProblems,
  launchBrowser,
  newPage,
  screenshot,
  signIn,
  startWebApp,
  WebTestApp,
} from '../helpers/browser';
import { createUser } from '../helpers/test-app';
import { makePageCohort, PageCohort } from '../helpers/web-factories';

jest.setTimeout(120_000);

/** Accreditation pages in Chromium: the study log, its review, the award, history import, the return. */
describe('accreditation pages in a browser', () => {
  let t: WebTestApp;
  let browser: Browser;
  let c: PageCohort;
  const pages: Page[] = [];

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    const tag = randomUUID().slice(0, 4);
    c = await makePageCohort(t.db, {
      names: [
        ['Ife', `Okoro-${tag}`],
        ['Bola', `Adeyemi-${tag}`],
      ],
      past: 2,
      future: 1,
    });
  });
  afterAll(async () => {
    for (const p of pages) await p.context().close();
    await browser?.close();
    await t?.close();
  });

  async function as(email: string): Promise<Page> {
    const page = await newPage(browser, t.baseUrl);
    pages.push(page);
    await signIn(page, email);
    return page;
  }

  it('a student logs study, a tutor approves it, and the hours count on the student’s page', async () => {
    const [ife] = c.students;
    const student = await createUser(t, 'student', { studentId: ife.id });
    const page = await as(student.email);
    await clickAndWait(
      page,
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Your study' }),
    );
    expect(await page.title()).toBe('Your independent study – POD Cohorts');
    // A future date is refused on the form, naming the field.
    const tomorrow = DateTime.now()
      .setZone('Europe/London')
      .plus({ days: 1 })
      .toISODate() as string;
    await page.getByLabel('Date').fill(tomorrow);
    await page.getByLabel('Minutes').fill('90');
    await clickAndWait(page, page.getByRole('button', { name: 'Log study' }));
    await expect(page.locator('.nhsuk-error-summary').innerText()).resolves.toContain('future');
    await expectAccessible(page, 'study log with an error');

    const yesterday = DateTime.now()
      .setZone('Europe/London')
      .minus({ days: 1 })
      .toISODate() as string;
    await page.getByLabel('Date').fill(yesterday);
    await page.getByLabel('Minutes').fill('90');
    await page.getByLabel('Kind of study').selectOption('peer_practice');
    await page.getByLabel(/What you did/).fill('Practised reflecting with my peer group');
    await clickAndWait(page, page.getByRole('button', { name: 'Log study' }));
    let main = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(main).toContain('Study logged');
    expect(main).toMatch(/Waiting for review 1\.5 hours/);
    await expectAccessible(page, 'study log');
    await screenshot(page, 'student-study-log');

    const tutor = await createUser(t, 'tutor', { cohortIds: [c.cohort.id] });
    const tutorPage = await as(tutor.email);
    await tutorPage.goto(`/tutor/cohorts/${c.cohort.id}/study-log`);
    expect(await tutorPage.locator('main').innerText()).toContain(
      'Practised reflecting with my peer group',
    );
    await expectAccessible(tutorPage, 'study review');
    await screenshot(tutorPage, 'tutor-study-review');
    await clickAndWait(tutorPage, tutorPage.getByRole('button', { name: 'Approve' }));
    expect(await tutorPage.locator('main').innerText()).toContain('Nothing is waiting for review.');
    expectNoPageProblems(tutorPage);

    await page.goto('/study-log');
    main = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(main).toMatch(/Approved 1\.5 hours of the 120 hours the course asks for/);
    expectNoPageProblems(page);
  });

  it('a long review queue shows the 25 oldest entries and how many are waiting', async () => {
    const bola = c.students[1];
    const student = await createUser(t, 'student', { studentId: bola.id });
    const date = DateTime.now().setZone('Europe/London').minus({ days: 1 }).toISODate();
    for (let i = 1; i <= 27; i++) {
      const logged = await t
        .http()
        .post('/api/v1/me/study-log')
        .set('authorization', `Bearer ${student.token}`)
        .send({ date, minutes: 30, kind: 'reading', reflection: `Reading number ${i}` });
      expect(logged.status).toBe(201);
    }
    const tutor = await createUser(t, 'tutor', { cohortIds: [c.cohort.id] });
    const page = await as(tutor.email);
    await page.goto(`/tutor/cohorts/${c.cohort.id}/study-log`);
    const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(main).toContain('The 25 oldest of 27 entries waiting, oldest first.');
    expect(main).toContain('Reading number 1 ');
    expect(main).not.toContain('Reading number 26');
    await expect(page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(25);
    await clickAndWait(page, page.getByRole('button', { name: 'Approve' }).first());
    expect(await page.locator('main').innerText()).toContain('The 25 oldest of 26 entries waiting');
    expectNoPageProblems(page);
  });

  it('an admin records the award, checks and imports a past cohort, and downloads the return', async () => {
    const admin = await createUser(t, 'admin');
    const page = await as(admin.email);
    const [ife] = c.students;
    await page.goto(`/admin/enrolments/${ife.enrolmentId}/award`);
    await page.getByLabel('Title of the award').fill('Graduate Certificate in Open Dialogue');
    await page.getByLabel('Merit').check();
    await page.getByLabel('Date conferred').fill('2099-01-01');
    await clickAndWait(page, page.getByRole('button', { name: 'Save award' }));
    await expect(page.locator('.nhsuk-error-summary').innerText()).resolves.toContain(
      'conferredOn must not be in the future',
    );
    await page.getByLabel('Date conferred').fill('2020-01-01');
    await clickAndWait(page, page.getByRole('button', { name: 'Save award' }));
    expect(await page.locator('main').innerText()).toContain('Award saved');
    await expectAccessible(page, 'award');

    // A past cohort without sessions: the file's bad line is listed and nothing is written.
    const [{ id: pastId }] = await t.db.query(
      `INSERT INTO cohorts (course_id, number, name, start_date, end_date, capacity, status, timezone, completion_rules)
       VALUES ($1, 999, 'Cohort 999', '2016-10-17', '2017-10-06', 70, 'completed', 'Europe/London', '[]') RETURNING id`,
      [c.course.id],
    );
    await page.goto(`/admin/cohorts/${pastId}/history`);
    const csv = [
      'email,givenName,familyName,profession,route,enrolledOn,status,endedOn',
      'paper.one@history.test,Ann,Paper,nurse,graduate_certificate,2016-10-17,withdrawn,2016-12-01',
      'paper.two@history.test,Ben,Paper,nurse,level_9,2016-10-17,withdrawn,2016-12-01',
    ].join('\n');
    await page.getByLabel('CSV contents').fill(csv);
    await page.getByLabel('Check the file only').check();
    await clickAndWait(page, page.getByRole('button', { name: 'Import history' }));
    expect(await page.locator('table').innerText()).toContain('route: must be one of');
    await expectAccessible(page, 'history import with problems');
    await page.getByLabel('CSV contents').fill(csv.split('\n').slice(0, 2).join('\n'));
    await clickAndWait(page, page.getByRole('button', { name: 'Import history' }));
    expect(await page.locator('main').innerText()).toContain('The file is ready to import');
    await page.getByLabel('Check the file only').uncheck();
    await clickAndWait(page, page.getByRole('button', { name: 'Import history' }));
    expect(await page.locator('main').innerText()).toContain('Cohort history imported');

    await clickAndWait(
      page,
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Annual return' }),
    );
    await page.getByLabel('Course').selectOption(c.course.id);
    await page.getByLabel('Year').fill('2017');
    await clickAndWait(page, page.getByRole('button', { name: 'Show the return' }));
    const table = (await page.locator('table').innerText()).replace(/\s+/g, ' ');
    expect(table).toContain('Cohort 999');
    expect(table).toMatch(/Intake 1/);
    expect(table).toMatch(/Intake: Nurse 1/);
    await expectAccessible(page, 'annual return');
    await screenshot(page, 'admin-annual-return');
    for (const [name, filename] of [
      ['Download the spreadsheet (XLSX)', `${c.course.code.toLowerCase()}-annual-return-2017.xlsx`],
      ['Download the printable PDF', `${c.course.code.toLowerCase()}-annual-return-2017.pdf`],
    ]) {
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name }).click();
      expect((await download).suggestedFilename()).toBe(filename);
    }
    expectNoPageProblems(page);
  });
});
