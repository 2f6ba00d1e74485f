import { randomUUID } from 'node:crypto';
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
import { makeCohort, makeCourse, makeEnrolment, makeStudent } from '../helpers/factories';
import { createUser } from '../helpers/test-app';

describe('sign in and sign out in a browser', () => {
  let t: WebTestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    page = await newPage(browser, t.baseUrl);
  });
  afterEach(async () => {
    await page.context().close();
  });

  const pathOf = (p: Page) => new URL(p.url()).pathname;

  it('shows an accessible sign-in page in the NHS.UK design system', async () => {
    await page.goto('/');
    expect(pathOf(page)).toBe('/sign-in');
    expect(await page.title()).toBe('Sign in – POD Cohorts');
    expect(await page.locator('html').getAttribute('lang')).toBe('en-GB');
    await expect(page.locator('.nhsuk-header__service-name').innerText()).resolves.toBe(
      'POD Cohorts',
    );
    // nhsuk-frontend's JavaScript ran from /assets (the password input gains its Show button).
    await page.getByRole('button', { name: 'Show password' }).waitFor();
    await expectAccessible(page, 'sign-in page');
    expectNoPageProblems(page);
    await screenshot(page, 'sign-in');

    // The skip link is the first thing the keyboard reaches and goes to the main content.
    await page.keyboard.press('Tab');
    expect((await page.locator(':focus').innerText()).trim()).toBe('Skip to main content');
  });

  it('shows a wrong password in the error summary, linked to the field', async () => {
    const tutor = await createUser(t, 'tutor');
    await signIn(page, tutor.email, 'not-the-password');
    expect(pathOf(page)).toBe('/sign-in');
    expect(await page.title()).toBe('Error: Sign in – POD Cohorts');
    const summary = page.locator('.nhsuk-error-summary');
    await expect(summary.getByRole('heading').innerText()).resolves.toBe('There is a problem');
    const link = summary.getByRole('link', { name: 'Enter a correct email and password' });
    expect(await link.getAttribute('href')).toBe('#email');
    await expect(page.locator('#email-error').innerText()).resolves.toContain(
      'Enter a correct email and password',
    );
    expect(await page.locator('#email').getAttribute('aria-describedby')).toContain('email-error');
    expect(await page.locator('#email').inputValue()).toBe(tutor.email);
    await expectAccessible(page, 'sign-in page with an error');
    await screenshot(page, 'sign-in-error');

    await link.click();
    expect(await page.locator(':focus').getAttribute('id')).toBe('email');
    expectNoPageProblems(page);
  });

  it('an admin signs in and lands on the cohorts overview', async () => {
    // Specs share the run's database: a course title of its own finds this test's row.
    const title = `Open Dialogue ${randomUUID()}`;
    const course = await makeCourse(t.db, { title });
    const cohort = await makeCohort(t.db, course.id, { capacity: 2 });
    for (const status of ['enrolled', 'enrolled', 'waitlisted']) {
      await makeEnrolment(t.db, (await makeStudent(t.db)).id, cohort, { status });
    }
    const admin = await createUser(t, 'admin');
    await signIn(page, admin.email);
    expect(pathOf(page)).toBe('/admin');
    expect(await page.title()).toBe('Cohorts – POD Cohorts');
    const row = page.getByRole('row').filter({ hasText: title });
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells.slice(3)).toEqual(['2 of 2', '0', '1', '0', '0']);
    const nav = page.getByRole('navigation', { name: 'Menu' });
    expect(await nav.getByRole('link', { name: 'Cohorts' }).getAttribute('aria-current')).toBe(
      'page',
    );
    await expectAccessible(page, 'admin cohorts');
    expectNoPageProblems(page);
    await screenshot(page, 'admin-cohorts');
  });

  it('a tutor signs in and sees only the cohorts they teach', async () => {
    const course = await makeCourse(t.db);
    const mine = await makeCohort(t.db, course.id);
    const other = await makeCohort(t.db, course.id);
    const tutor = await createUser(t, 'tutor', { cohortIds: [mine.id] });
    await signIn(page, tutor.email);
    expect(pathOf(page)).toBe('/tutor');
    const text = await page.locator('main').innerText();
    expect(text).toContain(`Cohort ${mine.number}`);
    expect(text).not.toContain(`Cohort ${other.number}`);
    await expectAccessible(page, 'tutor cohorts');
    await screenshot(page, 'tutor-cohorts');
  });

  it('a student signs in and lands on their progress page listing their enrolments', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    const someoneElses = await makeCohort(t.db, course.id);
    const student = await makeStudent(t.db);
    await makeEnrolment(t.db, student.id, cohort);
    await makeEnrolment(t.db, (await makeStudent(t.db)).id, someoneElses);
    const user = await createUser(t, 'student', { studentId: student.id });
    await signIn(page, user.email);
    expect(pathOf(page)).toBe('/progress');
    expect(await page.title()).toBe('Your progress – POD Cohorts');
    const main = await page.locator('main').innerText();
    expect(main).toContain(`Cohort ${cohort.number}`);
    expect(main).toContain('Enrolled');
    expect(main).not.toContain(`Cohort ${someoneElses.number}`);
    await expectAccessible(page, 'student progress');
    expectNoPageProblems(page);
    await screenshot(page, 'student-progress');

    // On a phone the header navigation still works and nothing fails accessibility.
    await page.setViewportSize({ width: 375, height: 812 });
    await expectAccessible(page, 'student progress on a phone');
    await screenshot(page, 'student-progress-phone');
  });

  it('signing out ends the session', async () => {
    const admin = await createUser(t, 'admin');
    await signIn(page, admin.email);
    expect(pathOf(page)).toBe('/admin');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign out' }));
    expect(pathOf(page)).toBe('/sign-in');
    await expect(page.locator('.nhsuk-notification-banner').innerText()).resolves.toContain(
      'You have signed out',
    );
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('pod_session');
    await page.goto('/admin');
    expect(page.url()).toBe(`${t.baseUrl}/sign-in?next=%2Fadmin`);
    await expectAccessible(page, 'signed out');
    expectNoPageProblems(page);
  });

  it('a student opening an admin page gets the no-access page', async () => {
    const student = await makeStudent(t.db);
    const user = await createUser(t, 'student', { studentId: student.id });
    await signIn(page, user.email);
    const response = await page.goto('/admin');
    expect(response?.status()).toBe(403);
    expect(await page.title()).toBe('You do not have access to this page – POD Cohorts');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
      'You do not have access to this page',
    );
    // Their own navigation is still there to get back.
    await page.getByRole('link', { name: 'Your progress' }).waitFor();
    await expectAccessible(page, 'no access');
    await screenshot(page, 'no-access');

    const missing = await page.goto('/admin/nothing-here');
    expect(missing?.status()).toBe(404);
    await expectAccessible(page, 'page not found');
    await screenshot(page, 'page-not-found');
  });

  it('refuses a form posted without its CSRF token', async () => {
    const admin = await createUser(t, 'admin');
    await page.goto('/sign-in');
    await page.locator('input[name="_csrf"]').evaluate((input) => input.remove());
    await page.getByLabel('Email address').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill('correct-horse-battery-staple');
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
    expect((await response).status()).toBe(403);
    expect(pathOf(page)).toBe('/sign-in');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
      'Your form could not be sent',
    );
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('pod_session');
    await expectAccessible(page, 'form expired');
    await screenshot(page, 'form-expired');
  });
});
