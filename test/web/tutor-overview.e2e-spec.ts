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
import { makeStudent } from '../helpers/factories';
import { bearer, createUser, TestUser } from '../helpers/test-app';
import { HTML, makePageCohort, PageCohort, signedInAgent } from '../helpers/web-factories';

jest.setTimeout(180_000);

/**
 * The tutor's overview (issue 16, item 7): each cohort with who is at risk and why, linking to
 * the register of the session they last missed and to the student's progress in that cohort.
 */
describe("the tutor's overview of who is at risk", () => {
  let t: WebTestApp;
  let browser: Browser;
  let c: PageCohort;
  let tutor: TestUser;
  let otherTutor: TestUser;

  beforeAll(async () => {
    t = await startWebApp();
    browser = await launchBrowser();
    c = await makePageCohort(t.db, {
      names: [
        ['Ann', 'Atrisk'],
        ['Bea', 'Present'],
        ['Cy', 'Behind'],
      ],
      past: 4,
      future: 0,
    });
    tutor = await createUser(t, 'tutor', { cohortIds: [c.cohort.id] });
    const elsewhere = await makePageCohort(t.db, { names: [['Dee', 'Elsewhere']], past: 1 });
    otherTutor = await createUser(t, 'tutor', { cohortIds: [elsewhere.cohort.id] });
    // The tutor takes the four registers through the API: Ann attends only the first, Bea
    // every one, Cy the first two; the fourth register leaves Cy unmarked.
    const [ann, bea, cy] = c.students;
    const marks: Array<Array<[string, string]>> = [
      [
        [ann.enrolmentId, 'present'],
        [bea.enrolmentId, 'present'],
        [cy.enrolmentId, 'present'],
      ],
      [
        [ann.enrolmentId, 'absent'],
        [bea.enrolmentId, 'present'],
        [cy.enrolmentId, 'present'],
      ],
      [
        [ann.enrolmentId, 'absent'],
        [bea.enrolmentId, 'present'],
        [cy.enrolmentId, 'absent'],
      ],
      [
        [ann.enrolmentId, 'absent'],
        [bea.enrolmentId, 'present'],
      ],
    ];
    for (const [i, records] of marks.entries()) {
      await t
        .http()
        .put(`/api/v1/sessions/${c.past[i].id}/attendance`)
        .set(bearer(tutor))
        .send({ records: records.map(([enrolmentId, status]) => ({ enrolmentId, status })) })
        .expect(200);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists who is at risk and why, with the count the API summary gives, linking to the register and the student', async () => {
    const summary = await t
      .http()
      .get(`/api/v1/cohorts/${c.cohort.id}/summary`)
      .set(bearer(tutor))
      .expect(200);
    expect(summary.body.atRisk).toBe(2);

    const page = await signedInPage(browser, t.baseUrl, tutor.email);
    expect(new URL(page.url()).pathname).toBe('/tutor');
    const row = page.getByRole('row', { name: new RegExp(`Cohort ${c.cohort.number}`) });
    await expect(row.innerText()).resolves.toContain('2 at risk');
    await expectAccessible(page, 'tutor home with at-risk counts');

    await clickAndWait(page, page.getByRole('link', { name: `Cohort ${c.cohort.number}` }));
    const main = await page.locator('main').innerText();
    expect(main).toContain('2 of the 3 students holding a seat are at risk');
    const table = page.locator('table.app-at-risk');
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    const [annRow, cyRow] = rows;
    expect(annRow).toContain('Ann Atrisk');
    expect(annRow).toContain(
      'Even attending every session that is left, attendance can reach at most 25%; 80% is needed to complete the course.',
    );
    expect(annRow).toContain('Missed the last 3 sessions in a row (the warning level is 3).');
    expect(cyRow).toContain('Cy Behind');
    expect(cyRow).toContain('can reach at most 50%');
    expect(cyRow).not.toContain('in a row');
    expect(rows.join('\n')).not.toContain('Bea');
    await expectAccessible(page, 'tutor cohort with students at risk');
    await screenshot(page, 'tutor-at-risk');

    // Cy's last missed session is the fourth, which no one marked him in.
    expect(
      await table
        .getByRole('link', { name: 'Register of Open Dialogue practice 4 missed by Cy Behind' })
        .getAttribute('href'),
    ).toBe(`/tutor/sessions/${c.past[3].id}/register`);
    await clickAndWait(
      page,
      table.getByRole('link', {
        name: 'Register of Open Dialogue practice 4 missed by Ann Atrisk',
      }),
    );
    expect(new URL(page.url()).pathname).toBe(`/tutor/sessions/${c.past[3].id}/register`);
    await page.goBack();

    await clickAndWait(page, table.getByRole('link', { name: 'Ann Atrisk', exact: true }));
    const [ann] = c.students;
    expect(new URL(page.url()).pathname).toBe(`/tutor/cohorts/${c.cohort.id}/students/${ann.id}`);
    const student = await page.locator('main').innerText();
    expect(student).toContain('At risk of not completing the course');
    expect(student).toContain('Missed the last 3 sessions in a row (the warning level is 3).');
    expect(student).toMatch(/Attendance\s+25%/);
    expect(student).toMatch(/Sessions attended\s+1 of 4 so far/);
    expect(student).toMatch(/Missed in a row\s+3/);
    await expectAccessible(page, "a student's progress for their tutor");
    await screenshot(page, 'tutor-student-progress');
    expectNoPageProblems(page);
    await page.context().close();
  });

  it("a student's page is for the cohort's tutors and administrators only", async () => {
    const [ann] = c.students;
    const path = `/tutor/cohorts/${c.cohort.id}/students/${ann.id}`;
    const mine = await signedInAgent(t, tutor.email);
    expect((await mine.agent.get(path).set('Accept', HTML)).status).toBe(200);
    const admin = await createUser(t, 'admin');
    const adminAgent = await signedInAgent(t, admin.email);
    expect((await adminAgent.agent.get(path).set('Accept', HTML)).status).toBe(200);
    // Another cohort's tutor, and a student not in this cohort: "Page not found".
    const other = await signedInAgent(t, otherTutor.email);
    expect((await other.agent.get(path).set('Accept', HTML)).status).toBe(404);
    const stranger = await makeStudent(t.db);
    expect(
      (
        await mine.agent
          .get(`/tutor/cohorts/${c.cohort.id}/students/${stranger.id}`)
          .set('Accept', HTML)
      ).status,
    ).toBe(404);
    const studentUser = await createUser(t, 'student', { studentId: ann.id });
    const studentAgent = await signedInAgent(t, studentUser.email);
    expect((await studentAgent.agent.get(path).set('Accept', HTML)).status).toBe(403);
  });
});
