import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/infrastructure/database/database-options';
import { CODE_FAMILIES, CodeFamily, codesOf } from '../../src/common/labels';
import { DEMO_LOGINS, seedDemo } from '../../src/seed/seed';
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
import { assertTestDatabase, withDatabase } from '../setup/test-database';

// Seeding the demo data (thousands of rows, three password hashes) takes seconds on a busy machine.
jest.setTimeout(180_000);

/** Where the README's screenshots live; written only when README_SCREENSHOTS=1. */
const README_SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * The pages with the demo data of `npm start` (a full cohort of 70, five cohorts of history):
 * they stay accessible at real volumes, and this spec makes the README's screenshots
 * (`README_SCREENSHOTS=1 npx jest --runInBand --forceExit test/web/demo-pages.e2e-spec.ts`).
 * The demo gets a database of its own, as in test/seed.e2e-spec.ts, so its completed
 * enrolments never meet another spec's certificate jobs.
 */
describe('pages with the demo data', () => {
  const name = `${process.env.TEST_DATABASE_NAME}_web_demo`;
  const admin = () => new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  let t: WebTestApp;
  let browser: Browser;

  beforeAll(async () => {
    assertTestDatabase(name);
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    const url = withDatabase(process.env.TEST_ADMIN_DATABASE_URL as string, name);
    const ds = new DataSource(
      buildDataSourceOptions({ DATABASE_URL: url, DB_LOGGING: false, DB_POOL_SIZE: 2 }),
    );
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    t = await startWebApp({ DATABASE_URL: url });
    await seedDemo(t.db, () => undefined);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (process.env.KEEP_TEST_DATABASE) return;
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  /** Every API code of more than one word (`peer_support_worker`, `not_completed`…). */
  const CODE = new RegExp(
    `\\b(${[...new Set((Object.values(CODE_FAMILIES) as CodeFamily[]).flatMap((f) => codesOf(f)))]
      .filter((c) => c.includes('_'))
      .join('|')})\\b`,
  );
  /** People read labels: no code shows through on the page. */
  async function expectNoCodes(page: Page): Promise<void> {
    expect(await page.locator('main').innerText()).not.toMatch(CODE);
  }

  /** The page as the README shows it: the viewport, or the whole page. */
  async function readmeScreenshot(page: Page, file: string, fullPage: boolean): Promise<void> {
    if (process.env.README_SCREENSHOTS !== '1') return;
    mkdirSync(README_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(README_SCREENSHOTS, file), fullPage });
  }

  it('the demo student’s progress', async () => {
    const page = await signedInPage(browser, t.baseUrl, DEMO_LOGINS.student.email, {
      password: DEMO_LOGINS.student.password,
      viewport: { width: 1024, height: 900 },
    });
    expect(new URL(page.url()).pathname).toBe('/progress');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Cohort 5');
    expect(main).toMatch(/Attendance\s+\d+(\.\d)?%/);
    await expectNoCodes(page);
    await expectAccessible(page, 'demo student progress');
    expectNoPageProblems(page);
    await screenshot(page, 'demo-student-progress');
    await readmeScreenshot(page, 'student-progress.png', true);
    await page.context().close();
  });

  it('the demo tutor’s register of the last session held, 70 students', async () => {
    const [session] = await t.db.query(
      `SELECT s.id FROM sessions s JOIN cohorts c ON c.id = s.cohort_id
        WHERE c.number = 5 AND s.ends_at < now() ORDER BY s.starts_at DESC LIMIT 1`,
    );
    const page = await signedInPage(browser, t.baseUrl, DEMO_LOGINS.tutor.email, {
      password: DEMO_LOGINS.tutor.password,
      viewport: { width: 1024, height: 1500 },
    });
    await clickAndWait(page, page.getByRole('link', { name: /Cohort 5/ }));
    await expectAccessible(page, 'demo cohort 5 sessions');
    await screenshot(page, 'demo-tutor-cohort');
    await page.goto(`/tutor/sessions/${session.id}/register`);
    expect(await page.getByRole('radio', { name: 'Present' }).count()).toBe(70);
    await expect(page.locator('main').innerText()).resolves.toMatch(
      /Last saved by Dr Owen Pritchard/,
    );
    await expectNoCodes(page);
    await expectAccessible(page, 'demo register');
    expectNoPageProblems(page);
    await screenshot(page, 'demo-tutor-register');
    await readmeScreenshot(page, 'tutor-register.png', false);
    await page.context().close();
  });

  it('the admin overview and the cohort page of a full cohort', async () => {
    const page = await signedInPage(browser, t.baseUrl, DEMO_LOGINS.admin.email, {
      password: DEMO_LOGINS.admin.password,
    });
    const rows = await page.locator('main table tbody tr').count();
    expect(rows).toBe(5);
    await expectAccessible(page, 'demo admin overview');
    await screenshot(page, 'demo-admin-cohorts');
    await clickAndWait(page, page.getByRole('link', { name: /Cohort 5/ }));
    await expectNoCodes(page);
    await expectAccessible(page, 'demo cohort 5 admin page');
    expectNoPageProblems(page);
    await screenshot(page, 'demo-admin-cohort');
    await page.context().close();
  });
});
