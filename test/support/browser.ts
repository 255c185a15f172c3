/**
 * Headless Chromium for browser tests, through playwright-core and the system's Chromium (no browser
 * download). Without Chromium the calling suite is skipped with a visible notice, unless REQUIRE_BROWSER=1,
 * in which case it fails.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];

export async function launchBrowser(suite: Mocha.Context): Promise<Browser> {
  const executablePath = candidates.find((p) => existsSync(p));
  if (!executablePath) {
    const message = `no Chromium found (looked in ${candidates.join(', ')}); install Debian's chromium or set CHROMIUM_PATH`;
    if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${message}`);
    console.warn(`\n  ⚠ SKIPPING browser tests: ${message}\n`);
    suite.skip();
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
