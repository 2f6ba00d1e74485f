import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium headless shell (package chromium-headless-shell), installed by .ci/browsers;
 * playwright-core never downloads its own. It is the same Blink as the full browser without the
 * desktop browser around it (the build Playwright itself uses for headless runs): the browser
 * specs took about 40% less CPU in it than in /usr/bin/chromium. CHROMIUM_PATH names another.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

/**
 * Headless Chromium. A missing browser fails the caller with the remedy rather than skipping:
 * CI installs it through .ci/browsers. No app import here, so the release check can use it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The browser specs need Debian's headless ` +
        'shell: run `apt-get update && apt-get install -y chromium-headless-shell` (.ci/browsers ' +
        'does this in CI), or set CHROMIUM_PATH to another Chromium.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
