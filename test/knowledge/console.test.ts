import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('knowledge and chat pages of the console in a browser', function () {
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

  async function signInAs(page: Page, username: string) {
    await page.goto(platform.url + '/');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('Demo-Password-1');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
  }

  it('an agent searches with highlights and gets suggestions while typing a ticket description', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await signInAs(page, 'agent1');
      expect(await page.getByTestId('nav-knowledge-entries').count()).to.equal(0);
      await page.getByTestId('nav-knowledge-search').click();
      await page.getByTestId('kb-search-input').locator('input').fill('身份证丢了');
      await page.getByTestId('kb-search-input').locator('input').press('Enter');
      await page.getByTestId('kb-search-hit').first().waitFor();
      expect(await page.getByTestId('kb-search-hit').first().getByTestId('kb-hit').first().textContent()).to.include('身份证');
      await page.getByPlaceholder('边输入边推荐答案').fill('来电人说想把公积金取出来交房租');
      await page.getByTestId('kb-suggestion').first().waitFor();
      expect(await page.getByTestId('kb-suggestion').first().textContent()).to.include('公积金');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('a department clerk sees only their entries and drafts a new one; the supervisor publishes it from the review queue', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await signInAs(page, 'gongan01');
      await page.getByTestId('nav-knowledge-entries').click();
      await page.getByTestId('knowledge-entries-page').locator('tbody tr').first().waitFor();
      const departments = await page.locator('tbody tr td:nth-child(3)').allTextContents();
      expect(departments.length).to.be.greaterThan(5);
      expect(new Set(departments)).to.deep.equal(new Set(['市公安局']));
      await page.getByTestId('kb-new').click();
      await page.getByTestId('kb-question').fill('外国人临时住宿登记怎么办？');
      await page.getByTestId('kb-answer').fill('境外人员入住民宿或亲友家，应在 24 小时内到派出所办理临时住宿登记。（测试内容）');
      await page.getByTestId('kb-save').click();
      await page.getByTestId('kb-action-submit').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="kb-editor"]')?.textContent?.includes('待审核'));
      await context.clearCookies();
      await page.evaluate(() => localStorage.clear());

      await signInAs(page, 'supervisor');
      await page.getByTestId('nav-knowledge-review').click();
      await page.getByText('外国人临时住宿登记怎么办？').click();
      await page.getByTestId('kb-action-publish').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="kb-editor"]')?.textContent?.includes('已发布'));
      const row = await platform.ctx.db.selectFrom('kb_entries').select(['state', 'department_code', 'live_version']).where('department_code', '=', 'gongan').where('is_sample', '=', false).executeTakeFirstOrThrow();
      expect(row).to.deep.equal({ state: 'published', department_code: 'gongan', live_version: 1 });
      // The gaps and conversations pages open for the supervisor.
      await page.keyboard.press('Escape');
      await page.locator('.ant-drawer-mask').waitFor({ state: 'detached' }).catch(() => {});
      await page.getByTestId('nav-knowledge-gaps').click();
      await page.getByTestId('knowledge-gaps-page').waitFor();
      await page.getByTestId('nav-chat-conversations').click();
      await page.getByTestId('chat-conversations-page').waitFor();
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('a curator adds the questions citizens picked an entry for as its phrasings, in one click', async () => {
    // A citizen describes a situation on the web chat and takes the one entry the bot asks about.
    const session = await platform.api.request('POST', '/api/chat/sessions', { body: { channel: 'web' } });
    const citizen = { id: session.body.sessionId as string, token: session.body.token as string };
    const say = (text: string) => platform.api.request('POST', `/api/chat/sessions/${citizen.id}/messages`, { headers: { 'x-chat-token': citizen.token }, body: { text } });
    expect((await say('小区外边人行道上的井盖被偷了')).status).to.equal(200);
    expect((await say('是')).status).to.equal(200);

    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await signInAs(page, 'supervisor');
      await page.getByTestId('nav-knowledge-gaps').click();
      const row = page.getByTestId('knowledge-gaps-page').locator('tbody tr', { hasText: '井盖被偷了' });
      await row.waitFor();
      expect(await row.textContent()).to.include('市民从推荐中选中');
      await row.getByTestId('gap-adopt').click();
      await page.getByText('已把 1 条市民问法加入该条目').waitFor();
      const entry = await platform.ctx.db
        .selectFrom('kb_entries as e')
        .innerJoin('kb_entry_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.current_version'))
        .select(['e.state', 'v.alternates'])
        .where('e.code', '=', 'chengguan-007')
        .executeTakeFirstOrThrow();
      expect(entry.state).to.equal('draft');
      expect(entry.alternates).to.include('小区外边人行道上的井盖被偷了');
      // Dealt with: the question leaves the list.
      await row.waitFor({ state: 'detached' });
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
