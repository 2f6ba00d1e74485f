import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
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
import { makeCertificate } from '../helpers/enrolment-factories';
import { markAttendance, recordAssessment } from '../helpers/factories';
import { createUser } from '../helpers/test-app';
import { makePageCohort, PageCohort } from '../helpers/web-factories';

/** A student's own pages in Chromium: their numbers, timetable and certificate, and nobody else's. */
describe('student pages in a browser', () => {
  let t: WebTestApp;
  let browser: Browser;
  let c: PageCohort;
  let priyaEmail: string;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    const tag = randomUUID().slice(0, 4);
    // Three ended sessions of 4 hours and one to come, in one block.
    c = await makePageCohort(t.db, {
      names: [
        ['Priya', `Nair-${tag}`],
        ['Sam', `Lee-${tag}`],
      ],
      past: 3,
      future: 1,
      minutes: 240,
    });
    const [priya, sam] = c.students;
    // Priya: present, late (3 of 4 hours), absent = 420 of 720 minutes = 58.3%, 7 hours.
    await markAttendance(t.db, c.past[0].id, priya.enrolmentId, 'present');
    await markAttendance(t.db, c.past[1].id, priya.enrolmentId, 'late', 180);
    await markAttendance(t.db, c.past[2].id, priya.enrolmentId, 'absent');
    await recordAssessment(t.db, priya.enrolmentId, 'ESSAY', 'pass');
    await recordAssessment(t.db, priya.enrolmentId, 'PRACTICE', 'refer');
    // Sam: every session so far, with a certificate already issued (for the access check).
    for (const s of c.past) await markAttendance(t.db, s.id, sam.enrolmentId, 'present');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a student signs in and sees their numbers, what is still needed and the at-risk warning', async () => {
    const [priya] = c.students;
    priyaEmail = (await createUser(t, 'student', { studentId: priya.id })).email;
    const page = await signedInPage(browser, t.baseUrl, priyaEmail);
    expect(new URL(page.url()).pathname).toBe('/progress');
    const main = (await page.locator('main').innerText()).replace(/[ \t]+/g, ' ');
    expect(main).toMatch(/Attendance\s+58\.3%/);
    expect(main).toMatch(/Hours attended\s+7 hours of the 60 hours the course asks for/);
    expect(main).toMatch(/Sessions attended\s+2 of 3 so far/);
    expect(main).toContain('Attend at least 80% of your sessions — you are at 58.3%');
    expect(main).toContain('Pass the Practice portfolio');
    // At most (420 + 240) / 960 = 68.8% with the last session: below 80%.
    const warning = page.locator('.nhsuk-card--warning');
    await expect(warning.innerText()).resolves.toContain(
      'Even if you go to every session that is left, your attendance can reach at most 68.8%. You need 80% to complete the course.',
    );
    expect(main).toContain('Referred');
    expect(main).not.toContain(c.students[1].name);
    await expectAccessible(page, 'student progress');
    expectNoPageProblems(page);
    await screenshot(page, 'student-progress-numbers');

    await clickAndWait(
      page,
      page.getByRole('link', { name: /Your attendance session by session/ }),
    );
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' '))).toEqual([
      expect.stringContaining('Open Dialogue practice 1 Present 240 of 240'),
      expect.stringContaining('Open Dialogue practice 2 Late 180 of 240'),
      expect.stringContaining('Open Dialogue practice 3 Absent 0 of 240'),
    ]);
    await expectAccessible(page, 'student attendance');
    await screenshot(page, 'student-attendance');

    await clickAndWait(
      page,
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Your timetable' }),
    );
    expect(await page.title()).toBe('Your timetable – POD Cohorts');
    const timetable = await page.locator('main').innerText();
    expect(timetable).toContain('Residential week 1');
    expect(timetable).toContain('Network meetings 1');
    expect(timetable).toContain('Times are in the time zone of your cohort, Europe/London.');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: /download it as a calendar file/ }).click();
    expect((await download).suggestedFilename()).toBe('pod-timetable.ics');
    await page.getByText("How to add the sessions to your phone's calendar").click();
    await expectAccessible(page, 'student timetable');
    expectNoPageProblems(page);
    await screenshot(page, 'student-timetable');

    // On a phone the pages still read well and pass axe.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto('/progress');
    await expectAccessible(page, 'student progress on a phone');
    await screenshot(page, 'student-progress-numbers-phone');
    await page.context().close();
  });

  it('a student downloads their own certificate but cannot open another student’s pages', async () => {
    const [, sam] = c.students;
    const samsCertificate = await makeCertificate(t.db, {
      id: sam.enrolmentId,
      cohortId: c.cohort.id,
    });
    const samUser = await createUser(t, 'student', { studentId: sam.id });
    const page = await signedInPage(browser, t.baseUrl, samUser.email);
    const main = await page.locator('main').innerText();
    expect(main).toContain(`Your certificate ${samsCertificate.serial} has been issued.`);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download your certificate (PDF)' }).click();
    expect((await download).suggestedFilename()).toBe(`${samsCertificate.serial}.pdf`);
    await page.context().close();

    const other = await signedInPage(browser, t.baseUrl, priyaEmail);
    for (const path of [
      `/certificates/${samsCertificate.id}/download`,
      `/progress/${sam.enrolmentId}/attendance`,
    ]) {
      const res = await other.goto(path);
      expect([path, res?.status()]).toEqual([path, 404]);
      expect(await other.title()).toBe('Page not found – POD Cohorts');
    }
    await expectAccessible(other, 'another student’s certificate');
    await screenshot(other, 'student-other-certificate');
    const admin = await other.goto(`/admin/cohorts/${c.cohort.id}`);
    expect(admin?.status()).toBe(403);
    const register = await other.goto(`/tutor/sessions/${c.past[0].id}/register`);
    expect(register?.status()).toBe(403);
    expect(await other.title()).toBe('You do not have access to this page – POD Cohorts');
    await expectAccessible(other, 'a register, as a student');
    await other.context().close();
  });
});
