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
import {
  makeCohort,
  makeCourse,
  makeEnrolment,
  makeSession,
  makeStudent,
} from '../helpers/factories';
import { createUser } from '../helpers/test-app';
import { TestClock } from '../helpers/test-clock';

/**
 * A course year set up from the browser by an administrator: a cohort, a residential week of
 * five days across the end of British Summer Time (09:30 local on every day), a tutor; then a
 * session moved and one cancelled, which a student's calendar feed shows.
 */
// A long scenario on a shared machine: the default per-test timeout is too short.
jest.setTimeout(240_000);

describe('setting a course year up in a browser', () => {
  let t: WebTestApp;
  let browser: Browser;
  let course: { id: string; code: string };
  let adminEmail: string;
  let tutor: { id: string; email: string };
  const number = 900 + Math.floor(Math.random() * 90);

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    course = await makeCourse(t.db, { title: `POD certificate ${randomUUID().slice(0, 4)}` });
    adminEmail = (await createUser(t, 'admin')).email;
    tutor = await createUser(t, 'tutor');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await browser?.close();
    await t?.close();
  });

  const fill = async (page: Page, fields: Record<string, string>) => {
    for (const [label, value] of Object.entries(fields)) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
  };

  it('an administrator creates a cohort, a residential week across the clock change, and assigns a tutor', async () => {
    const page = await signedInPage(browser, t.baseUrl, adminEmail);
    await clickAndWait(page, page.getByRole('button', { name: 'Create a cohort' }));
    await expectAccessible(page, 'create a cohort');
    await page.getByLabel('Course').selectOption(course.id);
    await fill(page, {
      'Cohort number': String(number),
      'Start date': '2027-01-11',
      'End date': '2026-12-10',
    });
    await clickAndWait(page, page.getByRole('button', { name: 'Create cohort' }));
    // The end before the start: the service refuses, the form keeps what was typed.
    expect(await page.title()).toBe('Error: Create a cohort – POD Cohorts');
    await expectAccessible(page, 'create a cohort, error');
    await fill(page, { 'End date': '2027-12-10', Seats: '24' });
    await clickAndWait(page, page.getByRole('button', { name: 'Create cohort' }));
    expect(await page.title()).toBe(`Timetable and tutors: Cohort ${number} – POD Cohorts`);
    const [cohort] = await t.db.query(
      `SELECT id, capacity, completion_rules, status, status_set_by_hand FROM cohorts
        WHERE course_id = $1 AND number = $2`,
      [course.id, number],
    );
    expect(cohort).toMatchObject({ capacity: 24, status_set_by_hand: false });
    expect(cohort.completion_rules).toEqual([
      { type: 'min_attendance_percent', value: 80 },
      { type: 'min_contact_hours', value: 60 },
      { type: 'assessments_passed' },
    ]);
    await expect(page.locator('main').innerText()).resolves.toContain('Enrolling');

    // Residential week 4: Thursday 28 October to Monday 1 November 2027; the clocks go back on
    // Sunday 31 October.
    await fill(page, {
      'Block title': 'Residential week 4',
      'First day of the block': '2027-10-28',
      'Last day of the block': '2027-11-01',
    });
    await clickAndWait(page, page.getByRole('button', { name: 'Add block' }));
    await expect(page.locator('main').innerText()).resolves.toContain('Block added.');
    await page.getByLabel('Teaching block').selectOption({ label: 'Residential week 4' });
    await page.getByLabel('Title', { exact: true }).fill('Residential week 4');
    await page.locator('#week-firstDay').fill('2027-10-28');
    await page.getByLabel('Place (optional)').fill('Goodmayes Hospital, Ilford');
    await clickAndWait(page, page.getByRole('button', { name: 'Add sessions' }));
    await expect(page.locator('main').innerText()).resolves.toContain('Sessions added.');
    const times = await t.db.query(
      `SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS utc,
              to_char(starts_at AT TIME ZONE 'Europe/London', 'HH24:MI') AS local
         FROM sessions WHERE cohort_id = $1 ORDER BY starts_at`,
      [cohort.id],
    );
    expect(times).toEqual([
      { utc: '2027-10-28 08:30', local: '09:30' },
      { utc: '2027-10-29 08:30', local: '09:30' },
      { utc: '2027-10-30 08:30', local: '09:30' },
      { utc: '2027-10-31 09:30', local: '09:30' },
      { utc: '2027-11-01 09:30', local: '09:30' },
    ]);
    const table = await page.locator('table').first().innerText();
    expect(table.match(/9:30am to 4:30pm/g)).toHaveLength(5);

    await page.getByLabel('Assign a tutor').selectOption(tutor.id);
    await clickAndWait(page, page.getByRole('button', { name: 'Assign tutor' }));
    await expect(page.locator('main').innerText()).resolves.toContain(tutor.email);
    await expectAccessible(page, 'timetable set up');
    await screenshot(page, 'admin-timetable-setup');

    // A student of the cohort subscribes to their timetable and sees day 4 in the feed.
    const student = await makeStudent(t.db);
    await makeEnrolment(t.db, student.id, { id: cohort.id, course_id: course.id });
    const studentUser = await createUser(t, 'student', { studentId: student.id });
    const studentPage = await signedInPage(browser, t.baseUrl, studentUser.email);
    await studentPage.goto('/timetable');
    await clickAndWait(
      studentPage,
      studentPage.getByRole('link', { name: 'Subscribe to your timetable' }),
    );
    await clickAndWait(
      studentPage,
      studentPage.getByRole('button', { name: 'Get a subscription link' }),
    );
    const feedUrl = await studentPage.getByLabel(/Or copy this link/).inputValue();
    expect(
      await studentPage
        .getByRole('link', { name: 'Subscribe in your calendar app' })
        .getAttribute('href'),
    ).toBe(feedUrl.replace(/^http:/, 'webcal:'));
    await expectAccessible(studentPage, 'calendar subscription');
    await screenshot(studentPage, 'student-calendar-feed');
    const feedPath = new URL(feedUrl).pathname;
    const day4 = async () => {
      const ics = (await t.http().get(feedPath).expect(200)).text.replace(/\r\n[ \t]/g, '');
      const event = ics
        .split('BEGIN:VEVENT')
        .find((e) => e.includes('Residential week 4\\, day 4'));
      return /STATUS:(\w+)/.exec(event ?? '')?.[1];
    };
    expect(await day4()).toBe('CONFIRMED');

    // Move day 5 to the afternoon, then cancel day 4.
    await clickAndWait(
      page,
      page.getByRole('link', { name: 'Move or rename Residential week 4, day 5' }),
    );
    await expectAccessible(page, 'move a session');
    await page.getByLabel('Start time').fill('13:00');
    await page.getByLabel('End time').fill('16:00');
    await clickAndWait(page, page.getByRole('button', { name: 'Save session' }));
    await expect(page.locator('main').innerText()).resolves.toContain('Session changed.');
    await clickAndWait(page, page.getByRole('link', { name: 'Cancel Residential week 4, day 4' }));
    await expectAccessible(page, 'cancel a session');
    await clickAndWait(page, page.getByRole('button', { name: 'Cancel the session' }));
    await expect(page.locator('.nhsuk-error-summary').innerText()).resolves.toContain(
      'Enter why the session is cancelled',
    );
    await page.getByLabel('Reason').fill('Venue closed for the bank holiday weekend');
    await clickAndWait(page, page.getByRole('button', { name: 'Cancel the session' }));
    const main = await page.locator('main').innerText();
    expect(main).toContain('Session cancelled.');
    expect(main).toContain('Cancelled');
    const rows = await t.db.query(
      `SELECT title, to_char(starts_at AT TIME ZONE 'Europe/London', 'HH24:MI') AS local,
              cancelled_at IS NOT NULL AS cancelled
         FROM sessions WHERE cohort_id = $1 ORDER BY starts_at`,
      [cohort.id],
    );
    expect(rows.slice(3)).toEqual([
      { title: 'Residential week 4, day 4', local: '09:30', cancelled: true },
      { title: 'Residential week 4, day 5', local: '13:00', cancelled: false },
    ]);

    // The student's calendar sees the cancellation at its next fetch.
    expect(await day4()).toBe('CANCELLED');
    await studentPage.context().close();

    // Delete an unmarked session.
    await clickAndWait(
      page,
      page.getByRole('button', { name: 'Delete Residential week 4, day 1' }),
    );
    await expect(page.locator('main').innerText()).resolves.toContain('Session deleted.');
    await expectAccessible(page, 'timetable after changes');
    expectNoPageProblems(page);

    // Edit the cohort: status by hand, then back to following the dates.
    await clickAndWait(page, page.getByRole('link', { name: "Edit the cohort's details" }));
    await expectAccessible(page, 'edit a cohort');
    await page.getByRole('radio', { name: 'Planned' }).check();
    await clickAndWait(page, page.getByRole('button', { name: 'Save cohort' }));
    await expect(page.locator('main').innerText()).resolves.toContain('Planned');
    const [{ status_set_by_hand }] = await t.db.query(
      'SELECT status_set_by_hand FROM cohorts WHERE id = $1',
      [cohort.id],
    );
    expect(status_set_by_hand).toBe(true);
    await page.context().close();
  });

  it("the tutor opens today's session, shows the check-in code; a student checks in by typing it; the rest are marked present, one late", async () => {
    const cohort = await makeCohort(t.db, course.id, {
      startDate: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
      endDate: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10),
    });
    const today = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() - 5 * 60_000),
      minutes: 240,
      title: 'Residential week 1, day 1',
    });
    const people = [];
    for (const given of ['Amara', 'Ben', 'Cora']) {
      const s = await makeStudent(t.db, { givenName: given, familyName: `Year-${number}` });
      const e = await makeEnrolment(t.db, s.id, cohort, {
        enrolledAt: new Date(Date.now() - 20 * 86_400_000),
      });
      people.push({ ...s, enrolmentId: e.id, name: `Year-${number}, ${given}` });
    }
    await t.db.query('INSERT INTO cohort_tutors (user_id, cohort_id) VALUES ($1, $2)', [
      tutor.id,
      cohort.id,
    ]);

    const tutorPage = await signedInPage(browser, t.baseUrl, tutor.email);
    await tutorPage.goto(`/tutor/cohorts/${cohort.id}`);
    await clickAndWait(tutorPage, tutorPage.getByRole('link', { name: /Take the register/ }));
    expect(new URL(tutorPage.url()).pathname).toBe(`/tutor/sessions/${today.id}/register`);
    // The screen reloads itself when the code changes: open it early in a 30-second step, so
    // the accessibility check is not cut short by that reload.
    new TestClock(t.app).toStartOfNextCheckInStep();
    await clickAndWait(tutorPage, tutorPage.getByRole('link', { name: 'Show the check-in code' }));
    await expectAccessible(tutorPage, 'check-in code');
    await screenshot(tutorPage, 'tutor-check-in-code');
    expect(await tutorPage.locator('.app-qr svg').count()).toBe(1);
    const code = (await tutorPage.locator('.app-check-in-code').innerText()).replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);

    const [amara, ben] = people;
    const amaraUser = await createUser(t, 'student', { studentId: amara.id });
    const studentPage = await signedInPage(browser, t.baseUrl, amaraUser.email, {
      viewport: { width: 390, height: 844 },
    });
    await studentPage.goto('/check-in');
    await studentPage.getByLabel('Check-in code').fill('000000');
    await clickAndWait(studentPage, studentPage.getByRole('button', { name: 'Check in' }));
    await expect(studentPage.locator('.nhsuk-error-summary').innerText()).resolves.toMatch(
      /not the one for your session now|has expired/,
    );
    await expectAccessible(studentPage, 'check-in refused');
    await studentPage.getByLabel('Check-in code').fill(code);
    await clickAndWait(studentPage, studentPage.getByRole('button', { name: 'Check in' }));
    await expect(studentPage.locator('main').innerText()).resolves.toContain(
      'Residential week 1, day 1: marked present.',
    );
    await expectAccessible(studentPage, 'checked in');
    await screenshot(studentPage, 'student-checked-in');
    await studentPage.context().close();

    await clickAndWait(tutorPage, tutorPage.getByRole('link', { name: 'See who has checked in' }));
    const amaraRow = tutorPage.getByRole('group', { name: amara.name });
    await expect(amaraRow.innerText()).resolves.toMatch(/Checked in at \d/);
    expect(await amaraRow.getByRole('radio', { name: 'Present' }).isChecked()).toBe(true);
    await tutorPage.getByRole('button', { name: 'Mark everyone present' }).click();
    await tutorPage
      .getByRole('group', { name: ben.name })
      .getByRole('radio', { name: 'Late' })
      .check();
    await tutorPage.getByLabel(`Minutes Ben Year-${number} attended`).fill('180');
    await clickAndWait(tutorPage, tutorPage.getByRole('button', { name: 'Save register' }).first());
    const main = await tutorPage.locator('main').innerText();
    expect(main).toContain('Every student is marked.');
    expect(main).toContain('3 of 3 marked, 1 by checking in.');
    await expectAccessible(tutorPage, 'register with a check-in');
    expectNoPageProblems(tutorPage);

    // Cora sends an apology for tomorrow; the tutor approves it; tomorrow's register has her excused.
    const tomorrow = await makeSession(t.db, cohort.id, {
      startsAt: new Date(Date.now() + 86_400_000),
      minutes: 240,
      title: 'Residential week 1, day 2',
    });
    const cora = people[2];
    const coraUser = await createUser(t, 'student', { studentId: cora.id });
    const coraPage = await signedInPage(browser, t.baseUrl, coraUser.email);
    await coraPage.goto('/timetable');
    await clickAndWait(coraPage, coraPage.getByRole('link', { name: 'Send an apology' }));
    await coraPage.getByRole('checkbox', { name: /Residential week 1, day 2/ }).check();
    await coraPage.getByLabel('Reason').fill('Family funeral');
    await clickAndWait(coraPage, coraPage.getByRole('button', { name: 'Send apology' }));
    await expect(coraPage.locator('main').innerText()).resolves.toContain('Apology sent');
    await expectAccessible(coraPage, 'apology sent');
    await coraPage.context().close();

    await tutorPage.goto(`/tutor/cohorts/${cohort.id}/apologies`);
    await expectAccessible(tutorPage, 'apologies to decide');
    await clickAndWait(
      tutorPage,
      tutorPage.getByRole('button', { name: /Approve the apology of/ }),
    );
    await expect(tutorPage.locator('main').innerText()).resolves.toContain('Approved');
    await tutorPage.goto(`/tutor/sessions/${tomorrow.id}/register`);
    expect(
      await tutorPage
        .getByRole('group', { name: cora.name })
        .getByRole('radio', { name: 'Excused' })
        .isChecked(),
    ).toBe(true);
    await tutorPage.context().close();
  });
});
