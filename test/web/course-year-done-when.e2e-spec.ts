import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
import { icsLines } from '../helpers/cohorts-factories';
import { makeCourse } from '../helpers/factories';
import { pdfText } from '../helpers/pdf-text';
import { TestClock } from '../helpers/test-clock';
import { bearer, createUser, TestUser } from '../helpers/test-app';

/**
 * Issue 16's "done when", as one scenario in a browser. An administrator sets up a new cohort
 * with a residential week of five days across the end of British Summer Time (Thursday 28
 * October to Monday 1 November 2027; the clocks go back on Sunday 31 October) and assigns a
 * tutor. The tutor opens the week's first session and shows the check-in code; one student
 * checks in by typing it, another sends an apology the tutor approves; the tutor marks the rest
 * with "Mark everyone present" and one late, prints the sign-in sheet and records an essay
 * outcome. A student subscribes to the calendar feed, sees the week, and sees its last day
 * cancelled after the administrator cancels it.
 *
 * Check-in is only open during a session's window, so the app's Clock (the check-in rules' "now")
 * is set to five minutes after the first session starts, running on from there. The database's
 * own clock is left alone: to it the week is still in the future, as an apology needs.
 */
jest.setTimeout(300_000);

const FIRST_START = Date.UTC(2027, 9, 28, 8, 30); // 09:30 BST on Thursday 28 October 2027

describe('the course year from the web: done when', () => {
  let t: WebTestApp;
  let browser: Browser;
  let course: { id: string; code: string };
  let admin: TestUser;
  let tutor: TestUser;
  let clock: TestClock;
  const number = 800 + Math.floor(Math.random() * 90);
  const family = `Doneby${randomUUID().slice(0, 4)}`;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    course = await makeCourse(t.db, { title: `POD certificate ${randomUUID().slice(0, 4)}` });
    admin = await createUser(t, 'admin');
    tutor = await createUser(t, 'tutor');
    clock = new TestClock(t.app);
    clock.set(FIRST_START + 5 * 60_000);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await browser?.close();
    await t?.close();
  });

  const text = (page: Page, selector = 'main') => page.locator(selector).innerText();

  it('sets up, takes and prints the register with check-in and an apology, marks an essay, and the feed shows a cancellation', async () => {
    // The administrator creates the cohort.
    const adminPage = await signedInPage(browser, t.baseUrl, admin.email);
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Create a cohort' }));
    await adminPage.getByLabel('Course').selectOption(course.id);
    await adminPage.getByLabel('Cohort number', { exact: true }).fill(String(number));
    await adminPage.getByLabel('Start date', { exact: true }).fill('2027-09-06');
    await adminPage.getByLabel('End date', { exact: true }).fill('2028-06-30');
    await adminPage.getByLabel('Seats', { exact: true }).fill('12');
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Create cohort' }));
    expect(await adminPage.title()).toBe(`Timetable and tutors: Cohort ${number} – POD Cohorts`);
    const timetableUrl = adminPage.url();
    const cohortId = new URL(timetableUrl).pathname.split('/')[3];

    // A block entered a day short, put right on its edit page; a stray block deleted.
    for (const [title, first, last] of [
      ['Residential week 1', '2027-10-28', '2027-10-31'],
      ['Stray block', '2027-12-06', '2027-12-10'],
    ]) {
      await adminPage.getByLabel('Block title').fill(title);
      await adminPage.getByLabel('First day of the block').fill(first);
      await adminPage.getByLabel('Last day of the block').fill(last);
      await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Add block' }));
      await expect(text(adminPage)).resolves.toContain('Block added.');
    }
    await clickAndWait(
      adminPage,
      adminPage.getByRole('link', { name: 'Edit the block Residential week 1' }),
    );
    await expectAccessible(adminPage, 'edit a block');
    await adminPage.getByLabel('Last day of the block').fill('2027-10-27');
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Save block' }));
    await expect(text(adminPage, '.nhsuk-error-summary')).resolves.toContain(
      'endDate must be on or after startDate',
    );
    await expectAccessible(adminPage, 'edit a block, error');
    await adminPage.getByLabel('Last day of the block').fill('2027-11-01');
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Save block' }));
    await expect(text(adminPage)).resolves.toContain('Block saved.');
    await clickAndWait(
      adminPage,
      adminPage.getByRole('link', { name: 'Delete the block Stray block' }),
    );
    await expectAccessible(adminPage, 'delete a block');
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Delete the block' }));
    await expect(text(adminPage)).resolves.toContain('Block deleted.');
    expect(await text(adminPage)).not.toContain('Stray block');

    // The residential week: five days at 09:30 local, whichever side of the clock change.
    await adminPage.getByLabel('Teaching block').selectOption({ label: 'Residential week 1' });
    await adminPage.getByLabel('Title', { exact: true }).fill('Residential week 1');
    await adminPage.locator('#week-firstDay').fill('2027-10-28');
    await adminPage.getByLabel('Days in a row').fill('5');
    await adminPage.locator('#week-startTime').fill('09:30');
    await adminPage.locator('#week-endTime').fill('16:30');
    await adminPage.getByLabel('Place (optional)').fill('Goodmayes Hospital, Ilford');
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Add sessions' }));
    await expect(text(adminPage)).resolves.toContain('Sessions added.');
    const week = await t.http().get(`/api/v1/cohorts/${cohortId}/sessions`).set(bearer(admin));
    expect(
      week.body.items.map((s: { startsAt: string; localStartsAt: string }) => [
        s.startsAt,
        s.localStartsAt.slice(11, 16),
      ]),
    ).toEqual([
      ['2027-10-28T08:30:00.000Z', '09:30'],
      ['2027-10-29T08:30:00.000Z', '09:30'],
      ['2027-10-30T08:30:00.000Z', '09:30'],
      ['2027-10-31T09:30:00.000Z', '09:30'],
      ['2027-11-01T09:30:00.000Z', '09:30'],
    ]);
    const [day1, , , , day5] = week.body.items as Array<{ id: string; title: string }>;
    expect((await text(adminPage, 'table')).match(/9:30am to 4:30pm/g)).toHaveLength(5);

    await adminPage.getByLabel('Assign a tutor').selectOption(tutor.id);
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Assign tutor' }));
    await expect(text(adminPage)).resolves.toContain(tutor.email);
    await expectAccessible(adminPage, 'the year set up');
    await screenshot(adminPage, 'done-when-timetable');

    // Four students hold seats (as the API enrols them).
    const people: Array<{ given: string; name: string; studentId: string; user?: TestUser }> = [];
    for (const given of ['Amara', 'Ben', 'Cora', 'Dev']) {
      const student = await t
        .http()
        .post('/api/v1/students')
        .set(bearer(admin))
        .send({
          givenName: given,
          familyName: family,
          email: `${given.toLowerCase()}-${randomUUID().slice(0, 8)}@pod.test`,
          profession: 'nurse',
        })
        .expect(201);
      await t
        .http()
        .post(`/api/v1/cohorts/${cohortId}/enrolments`)
        .set(bearer(admin))
        .send({ studentId: student.body.id, route: 'graduate_certificate' })
        .expect(201);
      people.push({ given, name: `${family}, ${given}`, studentId: student.body.id });
    }
    const [amara, ben, cora] = people;
    for (const p of people.slice(0, 3)) {
      p.user = await createUser(t, 'student', { studentId: p.studentId });
    }

    // The tutor opens the week's first session and shows the check-in code.
    const tutorPage = await signedInPage(browser, t.baseUrl, tutor.email);
    await clickAndWait(tutorPage, tutorPage.getByRole('link', { name: `Cohort ${number}` }));
    await clickAndWait(
      tutorPage,
      tutorPage.getByRole('link', { name: /^Take register for Residential week 1, day 1,/ }),
    );
    expect(new URL(tutorPage.url()).pathname).toBe(`/tutor/sessions/${day1.id}/register`);
    // The screen reloads itself when the code changes: open it early in a step.
    clock.toStartOfNextCheckInStep();
    await clickAndWait(tutorPage, tutorPage.getByRole('link', { name: 'Show the check-in code' }));
    await expectAccessible(tutorPage, 'check-in code');
    await screenshot(tutorPage, 'done-when-check-in-code');
    const code = (await text(tutorPage, '.app-check-in-code')).replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);

    // Amara checks in by typing the code on her phone.
    const amaraPage = await signedInPage(browser, t.baseUrl, amara.user!.email, {
      viewport: { width: 390, height: 844 },
    });
    await amaraPage.goto('/check-in');
    await amaraPage.getByLabel('Check-in code').fill(code);
    await clickAndWait(amaraPage, amaraPage.getByRole('button', { name: 'Check in' }));
    await expect(text(amaraPage)).resolves.toContain('Residential week 1, day 1: marked present.');
    await expectAccessible(amaraPage, 'checked in');
    await amaraPage.context().close();

    // Cora sends an apology for the first day; the tutor approves it.
    const coraPage = await signedInPage(browser, t.baseUrl, cora.user!.email);
    await coraPage.goto('/apologies');
    await coraPage.getByRole('checkbox', { name: /^Residential week 1, day 1,/ }).check();
    await coraPage.getByLabel('Reason').fill('Hospital appointment');
    await clickAndWait(coraPage, coraPage.getByRole('button', { name: 'Send apology' }));
    await expect(text(coraPage)).resolves.toContain('Apology sent');
    await expectAccessible(coraPage, 'apology sent');
    await coraPage.context().close();
    await tutorPage.goto(`/tutor/cohorts/${cohortId}/apologies`);
    await expectAccessible(tutorPage, 'apologies to decide');
    await clickAndWait(
      tutorPage,
      tutorPage.getByRole('button', { name: `Approve the apology of ${cora.given} ${family}` }),
    );
    await expect(text(tutorPage)).resolves.toContain('Approved');

    // The register: the check-in and the apology stand; the rest present, Ben late.
    await tutorPage.goto(`/tutor/sessions/${day1.id}/register`);
    const group = (p: { name: string }) => tutorPage.getByRole('group', { name: p.name });
    await expect(group(amara).innerText()).resolves.toMatch(/Checked in at 9:3\dam/);
    expect(await group(cora).getByRole('radio', { name: 'Excused' }).isChecked()).toBe(true);
    await tutorPage.getByRole('button', { name: 'Mark everyone present' }).click();
    expect(await group(amara).getByRole('radio', { name: 'Present' }).isChecked()).toBe(true);
    expect(await group(cora).getByRole('radio', { name: 'Excused' }).isChecked()).toBe(true);
    expect(await group(people[3]).getByRole('radio', { name: 'Present' }).isChecked()).toBe(true);
    await group(ben).getByRole('radio', { name: 'Late' }).check();
    await tutorPage.getByLabel(`Minutes ${ben.given} ${family} attended`).fill('300');
    await clickAndWait(tutorPage, tutorPage.getByRole('button', { name: 'Save register' }).first());
    const saved = await text(tutorPage);
    expect(saved).toContain('Every student is marked.');
    expect(saved).toContain('4 of 4 marked, 1 by checking in.');
    await expectAccessible(tutorPage, 'register taken');
    await screenshot(tutorPage, 'done-when-register');
    const register = await t
      .http()
      .get(`/api/v1/sessions/${day1.id}/attendance`)
      .set(bearer(tutor))
      .expect(200);
    expect(
      register.body.items
        .map((i: { studentName: string; record: { status: string; minutesAttended: number } }) => [
          i.studentName.split(' ')[0],
          i.record.status,
          i.record.minutesAttended,
        ])
        .sort(),
    ).toEqual([
      ['Amara', 'present', 420],
      ['Ben', 'late', 300],
      ['Cora', 'excused', 0],
      ['Dev', 'present', 420],
    ]);

    // The sign-in sheet, printed from the register page.
    const [download] = await Promise.all([
      tutorPage.waitForEvent('download'),
      tutorPage.getByRole('link', { name: 'Print the sign-in sheet (PDF)' }).click(),
    ]);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const sheet = await pdfText(pdf);
    for (const p of people) expect(sheet).toContain(p.given);
    expect(sheet).toContain(family);
    expect(sheet).toContain('Signature');

    // An essay outcome on the marking page.
    await tutorPage.goto(`/tutor/cohorts/${cohortId}`);
    await clickAndWait(tutorPage, tutorPage.getByRole('link', { name: 'Assessed work' }));
    await clickAndWait(tutorPage, tutorPage.getByRole('link', { name: 'Reflective essay' }));
    await group(amara).getByRole('radio', { name: 'Pass' }).check();
    await tutorPage.getByLabel(`Mark for ${amara.given} ${family}`).fill('68');
    await clickAndWait(tutorPage, tutorPage.getByRole('button', { name: 'Save results' }));
    await expect(text(tutorPage)).resolves.toContain('1 result recorded.');
    await expectAccessible(tutorPage, 'essay marked');
    expectNoPageProblems(tutorPage);
    await tutorPage.context().close();
    const progress = await t
      .http()
      .get(`/api/v1/cohorts/${cohortId}/progress`)
      .set(bearer(admin))
      .expect(200);
    const amaraProgress = progress.body.items.find(
      (p: { studentId: string }) => p.studentId === amara.studentId,
    );
    expect(
      amaraProgress.assessments.find((a: { code: string }) => a.code === 'ESSAY'),
    ).toMatchObject({ outcome: 'pass' });

    // Ben subscribes to his timetable and sees the week; the administrator cancels its last day.
    const benPage = await signedInPage(browser, t.baseUrl, ben.user!.email);
    await benPage.goto('/calendar-feed');
    await clickAndWait(benPage, benPage.getByRole('button', { name: 'Get a subscription link' }));
    const feedUrl = await benPage.getByLabel(/Or copy this link/).inputValue();
    await expectAccessible(benPage, 'calendar subscription');
    await benPage.context().close();
    const event = async (sessionId: string) => {
      const ics = (await t.http().get(new URL(feedUrl).pathname).expect(200)).text;
      const lines = icsLines(ics);
      const start = lines.indexOf(`UID:${sessionId}@pod-cohorts`);
      const end = lines.indexOf('END:VEVENT', start);
      return start < 0 ? [] : lines.slice(start, end);
    };
    expect(await event(day1.id)).toEqual(
      expect.arrayContaining(['DTSTART:20271028T083000Z', 'STATUS:CONFIRMED']),
    );
    expect(await event(day5.id)).toEqual(
      expect.arrayContaining(['DTSTART:20271101T093000Z', 'STATUS:CONFIRMED', 'SEQUENCE:0']),
    );

    await adminPage.goto(timetableUrl);
    await clickAndWait(
      adminPage,
      adminPage.getByRole('link', { name: 'Cancel Residential week 1, day 5' }),
    );
    await adminPage.getByLabel('Reason').fill('Trainer unwell');
    await clickAndWait(adminPage, adminPage.getByRole('button', { name: 'Cancel the session' }));
    await expect(text(adminPage)).resolves.toContain('Session cancelled.');
    expectNoPageProblems(adminPage);
    await adminPage.context().close();
    expect(await event(day5.id)).toEqual(
      expect.arrayContaining(['STATUS:CANCELLED', 'SEQUENCE:1']),
    );
    expect(await event(day1.id)).toContain('STATUS:CONFIRMED');
  });
});
