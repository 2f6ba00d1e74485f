import { INestApplicationContext } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import {
  clickAndWait,
  expectAccessible,
  expectNoPageProblems,
  launchBrowser,
  newPage,
  screenshot,
  signedInPage,
  signIn,
  startWebApp,
  WebTestApp,
} from '../helpers/browser';
import { POD_ASSESSMENTS, POD_RULES } from '../helpers/factories';
import { MailServer, startMailServer } from '../helpers/mail-server';
import { bearer, createUser, eventually, startTestWorker } from '../helpers/test-app';

jest.setTimeout(180_000);

const FIRST_PASSWORD = 'lantern meadow copper violin';
const SECOND_PASSWORD = 'harbour thistle glacier anthem';

/** The path of the one-time link in the newest email to `address` (the email names PUBLIC_BASE_URL). */
async function linkFor(mail: MailServer, address: string, n: number): Promise<string> {
  const messages = await eventually(() => {
    const found = mail.to(address);
    return Promise.resolve(found.length >= n ? found : null);
  }, 30_000);
  const match = /https?:\/\/[^/\s]+(\/account\/set-password\?token=[A-Za-z0-9_-]{43})/.exec(
    messages[n - 1].text,
  );
  if (!match) throw new Error(`no link in email ${n} to ${address}`);
  return match[1];
}

/** A course and one cohort of it, made through the API as an administrator. */
async function makeCohortThroughApi(
  t: WebTestApp,
  admin: { token: string },
  code: string,
  number: number,
): Promise<{ id: string }> {
  const course = await t
    .http()
    .post('/api/v1/courses')
    .set(bearer(admin))
    .send({
      code,
      title: 'Peer-supported Open Dialogue',
      provider: 'NELFT NHS Foundation Trust with London South Bank University',
      accreditationBody: 'AFT',
      accreditationLevel: 'Foundation',
      targets: { contactHours: 60, independentHours: 120 },
      assessments: POD_ASSESSMENTS,
      defaultCompletionRules: POD_RULES,
    })
    .expect(201);
  const cohort = await t
    .http()
    .post('/api/v1/cohorts')
    .set(bearer(admin))
    .send({
      courseId: course.body.id,
      number,
      startDate: '2027-01-11',
      endDate: '2027-12-10',
      capacity: 8,
    })
    .expect(201);
  return cohort.body;
}

/**
 * The "done when": from an empty system an administrator imports ten students, enrols
 * them in one step and invites them; one student sets a password from the emailed link, signs
 * in, signs out, resets the password through "Forgotten your password?" and signs in again.
 */
describe('people and access in a browser', () => {
  let t: WebTestApp;
  let worker: INestApplicationContext;
  let mail: MailServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mail = await startMailServer();
    t = await startWebApp();
    worker = await startTestWorker({ SMTP_URL: mail.url });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await t?.close();
    await mail?.close();
  });
  afterEach(async () => {
    expectNoPageProblems(page);
    await page.context().close();
  });

  it('an admin imports, enrols and invites ten students; one sets, uses and resets a password', async () => {
    const admin = await createUser(t, 'admin');
    // The course and cohort set-up pages belong to another issue; here they come through the API.
    const cohort = await makeCohortThroughApi(t, admin, 'PODWEB', 31);

    // The administrator imports ten students.
    page = await signedInPage(browser, t.baseUrl, admin.email);
    await clickAndWait(
      page,
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Import students' }),
    );
    const emails = Array.from({ length: 10 }, (_, i) => `student${i + 1}@example.org`);
    const csv = [
      'givenName,familyName,email,profession,employer,registrationNumber',
      ...emails.map((e, i) => `Sam${i + 1},Okafor,${e},nurse,NELFT,`),
    ].join('\n');
    await page.getByLabel('CSV contents').fill(csv);
    await clickAndWait(page, page.getByRole('button', { name: 'Import students' }));
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toMatch(
      /10 added/,
    );

    // ...enrols them in one step and invites them.
    await page.goto(`/admin/cohorts/${cohort.id}`);
    await clickAndWait(page, page.getByRole('button', { name: 'Enrol several students' }));
    await expectAccessible(page, 'enrol several students');
    await page.getByLabel("Students' email addresses").fill(emails.join('\n'));
    await page.getByLabel('Graduate certificate (level 6)').check();
    expect(await page.getByLabel('Invite them to set a password').isChecked()).toBe(true);
    await clickAndWait(page, page.getByRole('button', { name: 'Enrol students' }));
    const banner = await page.locator('.nhsuk-notification-banner').innerText();
    expect(banner).toMatch(/8 enrolled, 2 on the waiting list/);
    expect(banner).toMatch(/10 students were emailed a link/);
    await expectAccessible(page, 'students enrolled');
    await screenshot(page, 'people-enrolled-and-invited');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign out' }));

    // One student takes the link from the email and sets a password.
    const student = emails[3];
    const invitation = await linkFor(mail, student, 1);
    await page.goto(invitation);
    expect(await page.locator('h1').innerText()).toBe('Set your password');
    await expectAccessible(page, 'set your password');
    await page.getByLabel('New password', { exact: true }).fill('password1234');
    await page.getByLabel('Confirm your new password').fill('password1234');
    await clickAndWait(page, page.getByRole('button', { name: 'Save password and sign in' }));
    expect(await page.locator('.nhsuk-error-summary').innerText()).toMatch(/too easy to guess/);
    await expectAccessible(page, 'set password with a weak password');
    await page.getByLabel('New password', { exact: true }).fill(FIRST_PASSWORD);
    await page.getByLabel('Confirm your new password').fill(FIRST_PASSWORD);
    await clickAndWait(page, page.getByRole('button', { name: 'Save password and sign in' }));
    expect(new URL(page.url()).pathname).toBe('/progress');

    // The link works once.
    await page.goto(invitation);
    expect(await page.locator('h1').innerText()).toBe('This link no longer works');

    // Sign out, then in with the password just set.
    await page.goto('/progress');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign out' }));
    await signIn(page, student, FIRST_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/progress');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign out' }));

    // "Forgotten your password?"
    await clickAndWait(page, page.getByRole('link', { name: 'Forgotten your password?' }));
    await expectAccessible(page, 'forgotten password');
    await page.getByLabel('Email address').fill(student);
    await clickAndWait(page, page.getByRole('button', { name: 'Send the link' }));
    expect(await page.locator('h1').innerText()).toBe('Check your email');
    await expectAccessible(page, 'check your email');
    const reset = await linkFor(mail, student, 2);
    await page.goto(reset);
    expect(await page.locator('h1').innerText()).toBe('Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill(SECOND_PASSWORD);
    await page.getByLabel('Confirm your new password').fill(SECOND_PASSWORD);
    await clickAndWait(page, page.getByRole('button', { name: 'Save password and sign in' }));
    expect(new URL(page.url()).pathname).toBe('/progress');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign out' }));

    // The old password no longer works; the new one does.
    await signIn(page, student, FIRST_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await signIn(page, student, SECOND_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/progress');
    await expectAccessible(page, 'student progress after reset');
  });

  it('an admin invites a tutor, sets their cohorts, signs them out everywhere and disables the login', async () => {
    const admin = await createUser(t, 'admin');
    await makeCohortThroughApi(t, admin, 'PODUSR', 32);
    const tutorEmail = `tutor-${Date.now()}@example.org`;
    page = await signedInPage(browser, t.baseUrl, admin.email);
    await clickAndWait(
      page,
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Users' }),
    );
    await expectAccessible(page, 'users');
    await clickAndWait(page, page.getByRole('button', { name: 'Invite a member of staff' }));
    await page.getByLabel('Email address').fill(tutorEmail);
    await page.getByLabel('Name', { exact: true }).fill('Tam Tutor');
    await page.getByLabel('Tutor', { exact: true }).check();
    await page.getByLabel('Cohort 32 (PODUSR)').check();
    await expectAccessible(page, 'invite a member of staff');
    await clickAndWait(page, page.getByRole('button', { name: 'Send invitation' }));
    expect(await page.locator('.nhsuk-notification-banner').innerText()).toContain(tutorEmail);

    // The tutor sets a password from the email and signs in elsewhere.
    const link = await linkFor(mail, tutorEmail, 1);
    const tutorPage = await newPage(browser, t.baseUrl);
    await tutorPage.goto(link);
    await tutorPage.getByLabel('New password', { exact: true }).fill(FIRST_PASSWORD);
    await tutorPage.getByLabel('Confirm your new password').fill(FIRST_PASSWORD);
    await clickAndWait(
      tutorPage,
      tutorPage.getByRole('button', { name: 'Save password and sign in' }),
    );
    expect(new URL(tutorPage.url()).pathname).toBe('/tutor');
    expect(await tutorPage.locator('main').innerText()).toContain('Cohort 32');

    // The admin finds them, renames them and signs them out everywhere.
    await page.getByLabel('Search by email address or name').fill('tam tut');
    // exact: the header's "Search for a student" is a button too.
    await clickAndWait(page, page.getByRole('button', { name: 'Search', exact: true }));
    await clickAndWait(page, page.getByRole('link', { name: tutorEmail }));
    await expectAccessible(page, 'a user');
    await page.getByLabel('Name', { exact: true }).fill('Tamsin Tutor');
    await clickAndWait(page, page.getByRole('button', { name: 'Save changes' }));
    expect(await page.locator('h1').innerText()).toBe('Tamsin Tutor');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign out everywhere' }));
    expect(await page.locator('.nhsuk-notification-banner').innerText()).toContain(
      'Signed out everywhere',
    );
    await tutorPage.reload();
    expect(new URL(tutorPage.url()).pathname).toBe('/sign-in');

    // Disabled, the login cannot sign in with the right password.
    await clickAndWait(page, page.getByRole('button', { name: 'Disable login' }));
    expect(await page.locator('.nhsuk-summary-list').innerText()).toContain('Disabled');
    await signIn(tutorPage, tutorEmail, FIRST_PASSWORD);
    expect(new URL(tutorPage.url()).pathname).toBe('/sign-in');
    expectNoPageProblems(tutorPage);
    await tutorPage.context().close();
  });
});
