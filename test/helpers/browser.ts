import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, Locator, Page } from 'playwright-core';
import { createTestApp, TEST_PASSWORD, TestApp } from './test-app';

/**
 * The browser-test harness: the real app listening on 127.0.0.1, Debian's Chromium driven by
 * playwright-core, axe-core checks and screenshots. See docs/web.md.
 */

export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-output', 'screenshots');

const AXE_SOURCE_PATH = require.resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

export interface WebTestApp extends TestApp {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
}

/** The test app (createTestApp) listening on a random port of 127.0.0.1, for a browser to visit. */
export async function startWebApp(overrides: Record<string, string> = {}): Promise<WebTestApp> {
  const t = await createTestApp(overrides);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return { ...t, baseUrl: `http://127.0.0.1:${port}` };
}

export { CHROMIUM_PATH, launchBrowser } from './chromium';

const problems = new WeakMap<Page, string[]>();

/**
 * A fresh browser profile (no cookies) on the app, British locale and clock. Requests that
 * leave the app (the NHS web fonts, say) are cut, so runs are offline and repeatable. Script
 * errors and Content-Security-Policy violations are collected for expectNoPageProblems().
 */
export async function newPage(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1280, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    viewport,
  });
  await context.route(
    (url) => url.origin !== baseUrl,
    (route) => route.abort('blockedbyclient'),
  );
  const page = await context.newPage();
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(`CSP: ${message.text()}`);
  });
  return page;
}

/** Fails when a page threw a script error or broke the Content-Security-Policy. */
export function expectNoPageProblems(page: Page): void {
  const seen = problems.get(page) ?? [];
  if (seen.length > 0) {
    throw new Error(`Problems on ${page.url()}:\n${seen.map((p) => `- ${p}`).join('\n')}`);
  }
}

/** Clicks something that loads a new page (a link, a form's button) and waits for it to load. */
export async function clickAndWait(page: Page, target: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await target.click();
  await navigated;
  await page.waitForLoadState('load');
}

/** Signs in through the sign-in page as a person would. */
export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
}

/** A fresh browser profile (newPage) already signed in through the sign-in page. */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  email: string,
  opts: { password?: string; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const page = await newPage(browser, baseUrl, opts.viewport);
  await signIn(page, email, opts.password);
  return page;
}

interface AxeResult {
  violations: Array<{
    id: string;
    impact: string | null;
    help: string;
    helpUrl: string;
    nodes: Array<{ target: unknown[]; failureSummary?: string }>;
  }>;
}

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation, naming
 * each rule and the elements that break it. axe is evaluated through the DevTools protocol:
 * page.addScriptTag would inject an inline script, which the app's CSP rightly refuses.
 */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  // The callbacks run in the page; the project has no DOM typings, hence the narrow casts.
  type AxeWindow = {
    document: unknown;
    axe: { run: (context: unknown, options: object) => Promise<AxeResult> };
  };
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) {
    axeSource ??= readFileSync(AXE_SOURCE_PATH, 'utf8');
    await page.evaluate(axeSource);
  }
  const result = await page.evaluate(() => {
    const w = globalThis as unknown as AxeWindow;
    return w.axe.run(w.document, { resultTypes: ['violations'] });
  });
  // Serious and critical ones, and "region" (moderate): content outside every landmark, such as
  // a back link before <main>, is lost to people who move by landmarks.
  const serious = result.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'region',
  );
  if (serious.length === 0) return;
  const lines = serious.map((v) => {
    const nodes = v.nodes
      .slice(0, 5)
      .map((n) => `      ${n.target.map(String).join(' ')}`)
      .join('\n');
    return `  - [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
  });
  throw new Error(
    `${serious.length} serious or critical accessibility violation(s) on ${label}:\n${lines.join('\n')}`,
  );
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
