import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import {
  clickAndWait,
  expectAccessible,
  expectNoPageProblems,
  launchBrowser,
  screenshot,
  signedInPage,
  startWebApp,
  WebTestApp,
} from '../helpers/browser';
import { markAttendance } from '../helpers/factories';
import { createUser } from '../helpers/test-app';
import { makePageCohort, PageCohort } from '../helpers/web-factories';

/**
 * A tutor takes a register in Chromium (pointer and keyboard, desktop and tablet width) and the
 * student's progress page shows the change.
 */
describe('taking a register in a browser', () => {
  let t: WebTestApp;
  let browser: Browser;
  let c: PageCohort;
  let tutorEmail: string;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    const tag = randomUUID().slice(0, 4);
    c = await makePageCohort(t.db, {
      names: [
        ['Amara', `Okafor-${tag}`],
        ['Ben', `Shah-${tag}`],
        ['Cora', `Walsh-${tag}`],
      ],
      past: 2,
      minutes: 240,
    });
    // Session 1 is marked already: everyone present.
    for (const s of c.students) await markAttendance(t.db, c.past[0].id, s.enrolmentId, 'present');
    tutorEmail = (await createUser(t, 'tutor', { cohortIds: [c.cohort.id] })).email;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The register lists students family name first, as on a paper sign-in sheet. */
  const rowName = (s: { name: string }) => s.name.split(' ').reverse().join(', ');

  const studentPercent = async (page: Page) =>
    (await page.locator('.nhsuk-summary-list__row', { hasText: 'Attendance' }).first().innerText())
      .replace(/\s+/g, ' ')
      .trim();

  it('a tutor takes the register and the student then sees the new percentage', async () => {
    const [amara, ben, cora] = c.students;
    const studentUser = await createUser(t, 'student', { studentId: ben.id });
    const student = await signedInPage(browser, t.baseUrl, studentUser.email);
    // Session 2 has ended unmarked, which counts as not attended: 240 of 480 minutes.
    expect(await studentPercent(student)).toBe('Attendance 50%');

    const page = await signedInPage(browser, t.baseUrl, tutorEmail);
    await clickAndWait(page, page.getByRole('link', { name: `Cohort ${c.cohort.number}` }));
    expect(await page.title()).toBe(`Cohort ${c.cohort.number} – POD Cohorts`);
    await expectAccessible(page, 'tutor cohort sessions');
    await screenshot(page, 'tutor-cohort-sessions');

    await clickAndWait(
      page,
      page.getByRole('link', { name: /Take register for Open Dialogue practice 2/ }),
    );
    expect(await page.title()).toBe('Register: Open Dialogue practice 2 – POD Cohorts');
    await expect(page.locator('main').innerText()).resolves.toContain(
      'Nobody has taken this register yet.',
    );
    await expectAccessible(page, 'register, empty');
    await screenshot(page, 'tutor-register-empty');

    // With scripts, "Mark everyone present" only sets the radios.
    await page.getByRole('button', { name: 'Mark everyone present' }).click();
    for (const s of c.students) {
      const group = page.getByRole('group', { name: rowName(s) });
      expect(await group.getByRole('radio', { name: 'Present' }).isChecked()).toBe(true);
    }
    await expect(page.getByRole('status').innerText()).resolves.toContain(
      'Everyone not marked yet is marked present',
    );
    expect(new URL(page.url()).pathname).toBe(`/tutor/sessions/${c.past[1].id}/register`);

    // Keyboard only: arrow from Present to Late, which reveals the minutes; Tab into it and type.
    const benGroup = page.getByRole('group', { name: rowName(ben) });
    await benGroup.getByRole('radio', { name: 'Present' }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await benGroup.getByRole('radio', { name: 'Late' }).isChecked()).toBe(true);
    const benMinutes = page.getByLabel(`Minutes ${ben.name} attended`);
    await benMinutes.waitFor({ state: 'visible' });
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe(
      `records-${ben.enrolmentId}-minutes`,
    );
    await page.keyboard.type('600');
    // Cora was absent, with a note.
    await page
      .getByRole('group', { name: rowName(cora) })
      .getByRole('radio', { name: 'Absent' })
      .check();
    // The note is behind a disclosure: open it from the keyboard, then type.
    await page
      .getByRole('group', { name: rowName(cora) })
      .locator('summary')
      .press('Enter');
    await page.getByLabel(`Note about ${cora.name} (optional)`).fill('Phoned in sick');
    // Enter in a field sends the form with its first button: save, not "mark everyone present".
    await benMinutes.focus();
    const navigated = page.waitForNavigation();
    await page.keyboard.press('Enter');
    await navigated;

    // 600 is more than the session's 240 minutes: the attendance service refuses, the error
    // summary links to Ben's minutes, and everything chosen is still there.
    expect(await page.title()).toBe('Error: Register: Open Dialogue practice 2 – POD Cohorts');
    const link = page.locator('.nhsuk-error-summary').getByRole('link');
    await expect(link.innerText()).resolves.toBe(
      `${ben.name}: minutes attended for late must be more than 0 and less than 240`,
    );
    expect(
      await page
        .getByRole('group', { name: rowName(cora) })
        .getByRole('radio', { name: 'Absent' })
        .isChecked(),
    ).toBe(true);
    expect(await page.getByLabel(`Note about ${cora.name} (optional)`).inputValue()).toBe(
      'Phoned in sick',
    );
    expect(
      await page
        .getByRole('group', { name: rowName(amara) })
        .getByRole('radio', { name: 'Present' })
        .isChecked(),
    ).toBe(true);
    await expectAccessible(page, 'register with an error');
    await screenshot(page, 'tutor-register-error');
    await link.click();
    expect(await page.locator(':focus').getAttribute('id')).toBe(
      `records-${ben.enrolmentId}-minutes`,
    );
    await page.keyboard.press('Control+A');
    await page.keyboard.type('60');
    await clickAndWait(page, page.getByRole('button', { name: 'Save register' }).last());

    expect(await page.title()).toBe('Register: Open Dialogue practice 2 – POD Cohorts');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Register saved');
    expect(main).toContain('Every student is marked.');
    expect(main).toMatch(new RegExp(`Last saved by ${tutorEmail} on \\d+ \\w+ \\d{4} at \\d`));
    expect(main).toContain('3 of 3 marked.');
    expect(await page.getByLabel(`Minutes ${ben.name} attended`).inputValue()).toBe('60');
    await expectAccessible(page, 'register saved');
    expectNoPageProblems(page);
    await screenshot(page, 'tutor-register-saved');

    // Ben: 240 + 60 of 480 minutes = 62.5%.
    await student.reload();
    expect(await studentPercent(student)).toBe('Attendance 62.5%');
    await expectAccessible(student, 'student progress after the register');
    await screenshot(student, 'student-progress-after-register');
    await student.context().close();
    await page.context().close();
  });

  it('works on a tablet: every student, the reveal and the buttons fit and pass axe', async () => {
    const page = await signedInPage(browser, t.baseUrl, tutorEmail, {
      viewport: { width: 768, height: 1024 },
    });
    await page.goto(`/tutor/sessions/${c.past[0].id}/register`);
    const [first] = c.students;
    await page
      .getByRole('group', { name: rowName(first) })
      .getByRole('radio', { name: 'Left early' })
      .check();
    await page.getByLabel(`Minutes ${first.name} attended`).waitFor({ state: 'visible' });
    const overflow = await page.evaluate(() => {
      type Root = { scrollWidth: number; clientWidth: number };
      const d = (globalThis as unknown as { document: { documentElement: Root } }).document
        .documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBe(0);
    await expectAccessible(page, 'register on a tablet');
    expectNoPageProblems(page);
    await screenshot(page, 'tutor-register-tablet');
    await page.context().close();
  });

  it('a tutor cannot open a register of a cohort they do not teach', async () => {
    const other = await makePageCohort(t.db, { names: [['Dan', 'Other']], past: 1 });
    const page = await signedInPage(browser, t.baseUrl, tutorEmail);
    const res = await page.goto(`/tutor/sessions/${other.past[0].id}/register`);
    expect(res?.status()).toBe(404);
    expect(await page.title()).toBe('Page not found – POD Cohorts');
    await expectAccessible(page, 'register of another cohort');
    await page.context().close();
  });
});
