/**
 * The assessment page in a browser on the demo city: a supervisor sees the ranking and opens a department's
 * breakdown; department staff see only their own score (no ranking tab, no other department).
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('assessment: the console page', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    platform = await startTestPlatform({ SEED_DEMO: '1', DEMO_PASSWORD: 'Demo-Password-1' });
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function openAs(username: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(platform.url + '/');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('Demo-Password-1');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-assessment').first().click();
    await page.getByTestId('assessment-page').waitFor();
    return { page, errors, close: () => context.close() };
  }

  it('a supervisor sees every department ranked and opens one department\'s line-by-line score', async () => {
    const { page, errors, close } = await openAs('supervisor');
    try {
      await page.getByTestId('assessment-row').first().waitFor();
      const departments = await platform.ctx.db.selectFrom('departments').select('id').where('kind', '<>', 'hotline').where('active', '=', true).execute();
      expect(await page.getByTestId('assessment-row').count()).to.equal(departments.length);
      await page.getByTestId('assessment-row').first().locator('a').first().click();
      await page.getByTestId('assessment-breakdown').waitFor();
      // Seven lines of the default scheme, each with its points.
      expect(await page.getByTestId('assessment-points').count()).to.equal(7);
      expect(errors).to.deep.equal([]);
    } finally {
      await close();
    }
  });

  it('department staff see their own breakdown and no ranking', async () => {
    const { page, errors, close } = await openAs('gongan01');
    try {
      await page.getByTestId('assessment-breakdown').waitFor();
      expect(await page.getByTestId('assessment-row').count()).to.equal(0);
      expect(await page.getByTestId('assessment-breakdown').textContent()).to.contain('市公安局');
      expect(errors).to.deep.equal([]);
    } finally {
      await close();
    }
  });
});
