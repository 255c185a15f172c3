import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('agent console in a browser', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    // The demo city, as `npm start` seeds it, on a fresh database.
    platform = await startTestPlatform({ SEED_DEMO: '1', DEMO_PASSWORD: 'Demo-Password-1' });
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function signInAs(page: Page, username: string, password = 'Demo-Password-1') {
    await page.goto(platform.url + '/');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
  }

  const roles: [string, string, string[], string[]][] = [
    // username, role, navigation it must show, navigation it must not show
    ['admin', 'admin', ['nav-home', 'nav-directory-users', 'nav-audit'], []],
    ['supervisor', 'supervisor', ['nav-home', 'nav-directory-users'], ['nav-audit']],
    ['auditor', 'auditor', ['nav-home', 'nav-audit'], []],
    ['agent1', 'agent', ['nav-home'], ['nav-audit']],
    ['gongan01', 'department_staff', ['nav-home'], ['nav-audit']],
  ];
  for (const [username, role, shown, hidden] of roles) {
    it(`signs in as the demo ${role} (${username}), shows the role’s navigation and goes live`, async () => {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await signInAs(page, username);
        await page.getByTestId('user-menu').waitFor();
        expect(await page.getByTestId('user-role').getAttribute('data-role')).to.equal(role);
        for (const id of shown) expect(await page.getByTestId(id).count(), id).to.be.greaterThan(0);
        for (const id of hidden) expect(await page.getByTestId(id).count(), id).to.equal(0);
        await page.waitForSelector('[data-testid="connection-indicator"][data-state="connected"]', { timeout: 15_000 });
        expect(errors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }

  it('shows the server’s message for a wrong password, and English after switching language', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await signInAs(page, 'agent2', 'not-the-password');
      const error = page.getByTestId('login-error');
      await error.waitFor();
      expect(await error.textContent()).to.include('用户名或密码错误');
      await page.getByTestId('language-switch').click();
      await page.getByTestId('language-en').click();
      await page.getByTestId('login-submit').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="login-error"]')?.textContent?.includes('Wrong username or password'));
    } finally {
      await context.close();
    }
  });

  it('lists the demo sign-ins on the sign-in page in demo mode', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(platform.url + '/');
      await page.getByTestId('demo-accounts').waitFor();
      expect(await page.getByTestId('demo-account-agent1').count()).to.equal(1);
    } finally {
      await context.close();
    }
  });

  it('an admin reads the audit log in the console, including their own sign-in', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await signInAs(page, 'admin');
      await page.getByTestId('nav-audit').click();
      await page.getByTestId('audit-page').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="audit-page"]')?.textContent?.includes('auth.signed_in'));
    } finally {
      await context.close();
    }
  });
});
