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
import { createUser } from '../helpers/test-app';
import {
  errorSummary,
  HTML,
  makePageCohort,
  PageCohort,
  signedInAgent,
} from '../helpers/web-factories';

/** Assessed work recorded from the web by a tutor: outcomes, marks, a referral and its resubmission. */
describe('assessed work on the web', () => {
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
      ],
      past: 1,
    });
    tutorEmail = (await createUser(t, 'tutor', { cohortIds: [c.cohort.id] })).email;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const results = async () =>
    Object.fromEntries(
      (
        await t.db.query(
          `SELECT enrolment_id, outcome, mark::float AS mark, attempt FROM assessment_results
            WHERE assessment_code = 'ESSAY' AND enrolment_id = ANY($1::uuid[])`,
          [c.students.map((s) => s.enrolmentId)],
        )
      ).map(
        (r: { enrolment_id: string; outcome: string; mark: number | null; attempt: number }) => [
          r.enrolment_id,
          `${r.outcome}:${r.mark}:${r.attempt}`,
        ],
      ),
    );

  it('a tutor records a pass and a referral, then the resubmission as attempt 2', async () => {
    const [amara, ben] = c.students;
    const row = (s: { name: string }) => s.name.split(' ').reverse().join(', ');
    const page = await signedInPage(browser, t.baseUrl, tutorEmail);
    await page.goto(`/tutor/cohorts/${c.cohort.id}`);
    await clickAndWait(page, page.getByRole('link', { name: 'Assessed work' }));
    await expectAccessible(page, 'assessed work index');
    await clickAndWait(page, page.getByRole('link', { name: 'Reflective essay' }));
    expect(await page.title()).toBe(`Reflective essay: Cohort ${c.cohort.number} – POD Cohorts`);

    await page
      .getByRole('group', { name: row(amara) })
      .getByRole('radio', { name: 'Pass' })
      .check();
    await page.getByLabel(`Mark for ${amara.name}`).fill('72.5');
    await page
      .getByRole('group', { name: row(ben) })
      .getByRole('radio', { name: 'Refer' })
      .check();
    await page.getByLabel(`Mark for ${ben.name}`).fill('101');
    await clickAndWait(page, page.getByRole('button', { name: 'Save results' }));
    expect(await page.title()).toMatch(/^Error: /);
    await expect(page.locator('.nhsuk-error-summary').innerText()).resolves.toContain(
      `Enter ${ben.name}'s mark as a number from 0 to 100, like 65 or 72.5`,
    );
    await expectAccessible(page, 'marking with an error');
    expect(await results()).toEqual({});

    await page.getByLabel(`Mark for ${ben.name}`).fill('38');
    await clickAndWait(page, page.getByRole('button', { name: 'Save results' }));
    await expect(page.locator('main').innerText()).resolves.toContain('2 results recorded.');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Passed, attempt 1, mark 72.5');
    expect(text).toContain('Referred, attempt 1, mark 38: resubmission to mark');
    expect(await results()).toEqual({
      [amara.enrolmentId]: 'pass:72.5:1',
      [ben.enrolmentId]: 'refer:38:1',
    });

    // The resubmission passes: attempt 2. Saving again unchanged records nothing.
    await page
      .getByRole('group', { name: row(ben) })
      .getByRole('radio', { name: 'Pass' })
      .check();
    await page.getByLabel(`Mark for ${ben.name}`).fill('61');
    await clickAndWait(page, page.getByRole('button', { name: 'Save results' }));
    await expect(page.locator('main').innerText()).resolves.toContain('1 result recorded.');
    await expect(page.locator('main').innerText()).resolves.toContain('Passed, attempt 2, mark 61');
    await clickAndWait(page, page.getByRole('button', { name: 'Save results' }));
    await expect(page.locator('main').innerText()).resolves.toContain('0 results recorded.');
    expect((await results())[ben.enrolmentId]).toBe('pass:61:2');

    await page.goto(`/tutor/cohorts/${c.cohort.id}/assessments`);
    const essay = page.getByRole('row', { name: /Reflective essay/ });
    await expect(essay.innerText()).resolves.toMatch(/2\s+0\s+0\s+0\s+1/);
    await expectAccessible(page, 'assessed work counts');
    expectNoPageProblems(page);
    await screenshot(page, 'tutor-assessments');
    await page.context().close();
  });

  it('works without scripts; other tutors and unknown codes get "Page not found"', async () => {
    const other = await createUser(t, 'tutor');
    const { agent } = await signedInAgent(t, other.email);
    const path = `/tutor/cohorts/${c.cohort.id}/assessments/ESSAY`;
    expect((await agent.get(path).set('Accept', HTML)).status).toBe(404);
    const mine = await signedInAgent(t, tutorEmail);
    expect(
      (await mine.agent.get(`/tutor/cohorts/${c.cohort.id}/assessments/NOPE`).set('Accept', HTML))
        .status,
    ).toBe(404);
    const [amara] = c.students;
    const res = await mine.post(path, { [`results.${amara.enrolmentId}.mark`]: '50' });
    expect(res.status).toBe(422);
    expect(errorSummary(res.text)).toEqual([
      `#results-${amara.enrolmentId}-outcome Select an outcome for ${amara.name}`,
    ]);
  });
});
