import { randomUUID } from 'node:crypto';
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
import { makeCohort, makeStudent, recordAssessment } from '../helpers/factories';
import { createUser, eventually } from '../helpers/test-app';
import { makePageCohort, makeVerifiableCertificate, PageCohort } from '../helpers/web-factories';

/** An administrator's pages in Chromium: enrol, evaluate completion, withdraw, transfer, import, certificates. */
describe('administrator pages in a browser', () => {
  let t: WebTestApp;
  let browser: Browser;
  let c: PageCohort;
  let courseTitle: string;
  let adminEmail: string;
  let page: Page;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    const tag = randomUUID().slice(0, 4);
    courseTitle = `Open Dialogue ${tag}`;
    // Completion here needs only the reflective essay, so a student enrolled today can complete.
    c = await makePageCohort(t.db, {
      names: [
        ['Olu', `Adebayo-${tag}`],
        ['Wren', `Hale-${tag}`],
      ],
      past: 1,
      rules: [{ type: 'assessments_passed', codes: ['ESSAY'] }],
      courseTitle,
    });
    adminEmail = (await createUser(t, 'admin')).email;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    page = await signedInPage(browser, t.baseUrl, adminEmail);
  });
  afterEach(async () => {
    expectNoPageProblems(page);
    await page.context().close();
  });

  const enrolmentRow = (name: string) =>
    page.locator('#enrolments + table tbody tr', { hasText: name });

  it('an admin enrols a student from the cohort page and evaluates completion after confirming', async () => {
    const newcomer = await makeStudent(t.db, {
      givenName: 'Nia',
      familyName: `Evans-${randomUUID().slice(0, 4)}`,
    });
    const newcomerName = `Nia ${newcomer.family_name}`;

    // Specs share the run's database: this test's row is the one with its own course title.
    const row = page.getByRole('row').filter({ hasText: courseTitle });
    await clickAndWait(page, row.getByRole('link', { name: `Cohort ${c.cohort.number}` }));
    expect(await page.title()).toBe(`Cohort ${c.cohort.number} – POD Cohorts`);
    await expectAccessible(page, 'admin cohort page');
    await screenshot(page, 'admin-cohort');

    await clickAndWait(page, page.getByRole('button', { name: 'Enrol a student' }));
    await clickAndWait(page, page.getByRole('button', { name: 'Enrol student' }));
    const summary = page.locator('.nhsuk-error-summary');
    expect(await summary.getByRole('link').allInnerTexts()).toEqual([
      "Enter the student's email address",
      'Select the route the student is taking',
    ]);
    await expectAccessible(page, 'enrol form with errors');
    await screenshot(page, 'admin-enrol-errors');
    await page.getByLabel("Student's email address").fill(`nobody-${randomUUID()}@example.org`);
    await page.getByLabel('Postgraduate certificate (level 7)').check();
    await clickAndWait(page, page.getByRole('button', { name: 'Enrol student' }));
    await expect(summary.getByRole('link').innerText()).resolves.toBe(
      'No student has this email address. Check it, or import the student first',
    );
    expect(await page.getByLabel('Postgraduate certificate (level 7)').isChecked()).toBe(true);
    await page.getByLabel("Student's email address").fill(newcomer.email.toUpperCase());
    await clickAndWait(page, page.getByRole('button', { name: 'Enrol student' }));
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      `${newcomerName} is enrolled`,
    );
    await expect(enrolmentRow(newcomerName).innerText()).resolves.toContain('Enrolled');

    // The newcomer's essay is marked (by a tutor, elsewhere); Olu's is not.
    const [{ id: enrolmentId }] = await t.db.query(
      'SELECT id FROM enrolments WHERE student_id = $1 AND cohort_id = $2',
      [newcomer.id, c.cohort.id],
    );
    await recordAssessment(t.db, enrolmentId, 'ESSAY', 'pass');
    await recordAssessment(t.db, c.students[1].enrolmentId, 'ESSAY', 'pass');

    await clickAndWait(page, page.getByRole('button', { name: 'Evaluate completion' }));
    const confirm = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(confirm).toContain('3 seated enrolments will be evaluated');
    expect(confirm).toContain('2 meet every completion rule and will be marked completed');
    expect(confirm).toContain('1 does not and will be marked not completed');
    expect(confirm).toContain('2 certificates will be issued');
    expect(confirm).toContain(c.students[0].name);
    await expectAccessible(page, 'evaluate completion confirmation');
    await screenshot(page, 'admin-evaluate-confirm');
    await clickAndWait(page, page.getByRole('button', { name: 'Evaluate completion' }));

    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      '2 completed, 1 did not complete',
    );
    await expect(enrolmentRow(newcomerName).innerText()).resolves.toContain('Completed');
    await expect(enrolmentRow(c.students[0].name).innerText()).resolves.toContain('Not completed');
    await expectAccessible(page, 'cohort after evaluation');
    await screenshot(page, 'admin-cohort-evaluated');

    // The progress table sorts by attendance on the server, from its column header.
    await clickAndWait(page, page.getByRole('link', { name: /^Attendance/ }));
    expect(new URL(page.url()).search).toBe('?sort=attendance');
    expect(await page.locator('th[aria-sort]').innerText()).toContain('Attendance');
    await expectAccessible(page, 'cohort progress sorted by attendance');
  });

  it('withdraws and transfers with a reason', async () => {
    const extra = await makePageCohort(t.db, {
      names: [
        ['Tom', `Ruiz-${randomUUID().slice(0, 4)}`],
        ['Ivy', `Chen-${randomUUID().slice(0, 4)}`],
      ],
      past: 1,
    });
    const later = await makeCohort(t.db, extra.course.id, {
      startDate: '2027-01-11',
      endDate: '2027-12-10',
    });
    const [tom, ivy] = extra.students;
    await page.goto(`/admin/cohorts/${extra.cohort.id}`);

    await clickAndWait(page, page.getByRole('link', { name: `Withdraw ${tom.name}` }));
    await clickAndWait(page, page.getByRole('button', { name: `Withdraw ${tom.name}` }));
    await expect(page.locator('.nhsuk-error-summary').getByRole('link').innerText()).resolves.toBe(
      'Enter a reason',
    );
    await expectAccessible(page, 'withdraw with an error');
    await screenshot(page, 'admin-withdraw-error');
    await page.getByLabel('Reason').fill('Left the trust');
    await clickAndWait(page, page.getByRole('button', { name: `Withdraw ${tom.name}` }));
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      `${tom.name} has been withdrawn`,
    );
    await expect(enrolmentRow(tom.name).innerText()).resolves.toContain('Left the trust');

    await clickAndWait(page, page.getByRole('link', { name: `Transfer ${ivy.name}` }));
    const target = page.getByLabel('Cohort to transfer to');
    expect(await target.locator('option').allInnerTexts()).toEqual([
      'Choose a cohort',
      `Cohort ${later.number}`,
    ]);
    await page.getByLabel('Reason').fill('Moved to the January intake');
    await clickAndWait(page, page.getByRole('button', { name: `Transfer ${ivy.name}` }));
    await expect(page.locator('.nhsuk-error-summary').getByRole('link').innerText()).resolves.toBe(
      'Select the cohort to transfer to',
    );
    expect(await page.getByLabel('Reason').inputValue()).toBe('Moved to the January intake');
    await target.selectOption({ label: `Cohort ${later.number}` });
    await expectAccessible(page, 'transfer form');
    await screenshot(page, 'admin-transfer');
    await clickAndWait(page, page.getByRole('button', { name: `Transfer ${ivy.name}` }));
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      `${ivy.name} has been transferred`,
    );
    await expect(enrolmentRow(ivy.name).innerText()).resolves.toContain('Transferred');
    const [moved] = await t.db.query(
      `SELECT status FROM enrolments WHERE student_id = $1 AND cohort_id = $2`,
      [ivy.id, later.id],
    );
    expect(moved.status).toBe('enrolled');
  });

  it('imports students from a CSV file read in the page, listing each bad line', async () => {
    await clickAndWait(
      page,
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Import students' }),
    );
    const tag = randomUUID().slice(0, 8);
    const csv = [
      'givenName,familyName,email,profession,employer,registrationNumber',
      `Ada,Lovelace,ada-${tag}@example.org,nurse,NELFT,`,
      `Bob,,bob-${tag}@example.org,nurse,,`,
      `Cy,Young,cy-${tag}@example.org,astronaut,,`,
    ].join('\n');
    await page.getByLabel('Choose a CSV file').setInputFiles({
      name: 'students.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    // The script reads the file asynchronously.
    await eventually(async () => (await page.getByLabel('CSV contents').inputValue()) === csv);
    await page.getByLabel('Check the file only, do not import it').check();
    await clickAndWait(page, page.getByRole('button', { name: 'Import students' }));
    const lines = await page.locator('main table tbody tr').allInnerTexts();
    expect(lines.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^3 familyName/),
      expect.stringMatching(/^4 profession/),
    ]);
    const summaryLinks = page.locator('.nhsuk-error-summary').getByRole('link');
    expect(await summaryLinks.count()).toBe(2);
    await summaryLinks.first().click();
    expect(await page.locator(':focus').getAttribute('id')).toBe('csv');
    await expectAccessible(page, 'student import with bad lines');
    await screenshot(page, 'admin-import-errors');
  });

  it('lists certificates with filters, revokes one with a reason, and the public check says so', async () => {
    const cert = await makeVerifiableCertificate(
      t.db,
      { id: c.students[1].enrolmentId, cohortId: c.cohort.id },
      { holderName: 'Wren Hale' },
    );
    await clickAndWait(
      page,
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Certificates' }),
    );
    await page.getByLabel('Cohort', { exact: true }).selectOption(c.cohort.id);
    await page.getByLabel('Status').selectOption({ label: 'Issued' });
    await clickAndWait(page, page.getByRole('button', { name: 'Filter' }));
    const row = page.locator('tbody tr', { hasText: cert.serial });
    await expectAccessible(page, 'certificates list');
    await screenshot(page, 'admin-certificates');
    await clickAndWait(page, row.getByRole('link', { name: `Revoke ${cert.serial}` }));
    await page.getByLabel('Reason').fill('Issued against the wrong record');
    await expectAccessible(page, 'revoke certificate');
    await clickAndWait(page, page.getByRole('button', { name: 'Revoke certificate' }));
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      `Certificate ${cert.serial} revoked`,
    );

    const visitor = await newPage(browser, t.baseUrl);
    await visitor.goto('/verify');
    await visitor.getByLabel('Verification code').fill(cert.verification_code.toLowerCase());
    await clickAndWait(visitor, visitor.getByRole('button', { name: 'Check certificate' }));
    const text = await visitor.locator('main').innerText();
    expect(text).toContain(`Certificate ${cert.serial}`);
    expect(text).toContain('Revoked');
    expect(text).not.toContain('wrong record');
    await expectAccessible(visitor, 'public verification page');
    expectNoPageProblems(visitor);
    await screenshot(visitor, 'verify-revoked');
    await visitor.context().close();
  });
});
