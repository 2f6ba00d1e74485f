import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium, installed by .ci/browsers; playwright-core never downloads its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Chromium. A missing browser fails the caller with the remedy rather than skipping:
 * CI installs it through .ci/browsers. No app import here, so the release check can use it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The browser specs need Debian's chromium: ` +
        'run `apt-get update && apt-get install -y chromium` (.ci/browsers does this in CI).',
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
