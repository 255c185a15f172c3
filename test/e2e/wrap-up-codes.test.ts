/**
 * Wrap-up codes in a real browser: an admin adds a code and retires another on the 话后小结编码 page; an
 * agent's wrap-up dialog after a call offers exactly the active codes from the server, the agent chooses the
 * new one, and it is stored on the call. Signing out on a call, or signing off or out in wrap-up without a code,
 * is warned of first (未选择 would be recorded).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const PASSWORD = 'Demo-Password-1';

describe('wrap-up codes in the agent console (browser)', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    platform = await startTestPlatform({
      SEED_DEMO: '1',
      DEMO_PASSWORD: PASSWORD,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wrap-up-e2e-')),
      SIM_TIME_SCALE: '0.05',
      ACD_RING_TIMEOUT_SECONDS: '30',
      ACD_WRAP_UP_SECONDS: '120',
      ACD_SWEEP_SECONDS: '1',
      CALLBACK_HOURS: '00:00-24:00',
    });
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
  });

  async function signedIn(username: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${username}: ${e.message}`));
    await page.goto(platform.url + '/');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForSelector('[data-testid="connection-indicator"][data-state="connected"]', { timeout: 15_000 });
    return page;
  }

  it('an admin adds and retires codes; the agent chooses from the server’s list after the call', async () => {
    const admin = await signedIn('admin');
    await admin.goto(platform.url + '/calls/wrap-up-codes');
    await admin.getByTestId('wrap-up-codes-table').waitFor();
    await admin.getByText('咨询已解答').waitFor();
    await admin.getByTestId('wrap-up-add').click();
    await admin.getByTestId('wrap-up-code-input').fill('housing_fund');
    await admin.getByTestId('wrap-up-label-zh').fill('公积金咨询');
    await admin.getByTestId('wrap-up-label-en').fill('Housing fund question');
    await admin.getByTestId('wrap-up-save').click();
    await admin.getByText('公积金咨询').waitFor();
    await admin.getByTestId('wrap-up-toggle-praise').click();
    await admin.waitForSelector('[data-testid="wrap-up-toggle-praise"][data-active="false"]', { timeout: 10_000 });
    const stored = await platform.ctx.db.selectFrom('wrap_up_codes').select(['code', 'active']).where('code', 'in', ['housing_fund', 'praise']).orderBy('code').execute();
    expect(stored).to.deep.equal([
      { code: 'housing_fund', active: true },
      { code: 'praise', active: false },
    ]);
    const audited = await platform.ctx.db.selectFrom('audit_log').select('action').where('entity', '=', 'wrap_up_code').orderBy('id').execute();
    expect(audited.map((a) => a.action)).to.deep.equal(['wrap_up_code.created', 'wrap_up_code.updated']);

    const agent = await signedIn('agent1');
    await agent.getByTestId('softphone-dock').waitFor();
    await agent.getByTestId('softphone-toggle').click();
    await agent.getByTestId('state-available').click();
    await agent.waitForSelector('[data-testid="softphone-state"][data-state="available"]');
    const call = platform.carrierSim!.placeCall({ from: '13912340001' });
    await agent.getByTestId('softphone-offer').waitFor({ timeout: 20_000 });
    const callId = await agent.getByTestId('softphone-offer').getAttribute('data-call-id');
    await agent.getByTestId('offer-answer').click();
    await agent.getByTestId('softphone-talking').waitFor({ timeout: 10_000 });
    await agent.getByTestId('call-hangup').click();
    await agent.getByTestId('call-hangup-confirm').click();
    await call.done;

    await agent.getByTestId('wrap-up-dialog').waitFor({ timeout: 10_000 });
    await agent.getByTestId('wrap-up-code-housing_fund').waitFor();
    expect(await agent.getByTestId('wrap-up-code-housing_fund').textContent()).to.equal('公积金咨询');
    expect(await agent.getByTestId('wrap-up-code-praise').count(), 'a retired code is not offered').to.equal(0);
    expect(await agent.getByTestId('wrap-up-code-unselected').count(), 'nor the platform’s 未选择').to.equal(0);
    expect(await agent.getByTestId('wrap-up-required').textContent()).to.contain('未选择');
    await agent.getByTestId('wrap-up-code-housing_fund').click();
    await agent.getByTestId('wrap-up-submit').click();
    await agent.getByTestId('wrap-up-dialog').waitFor({ state: 'detached', timeout: 10_000 });
    await agent.waitForSelector('[data-testid="softphone-state"][data-state="available"]', { timeout: 10_000 });
    const row = await platform.ctx.db.selectFrom('calls').select(['wrap_up_code']).where('id', '=', callId!).executeTakeFirstOrThrow();
    expect(row.wrap_up_code).to.equal('housing_fund');
    expect(pageErrors).to.deep.equal([]);
  });

  /** Waits for a sign-off warning to show and its dialog to finish opening (a click during the zoom-in can be lost). */
  async function signOffWarning(page: Page, warning: 'onCall' | 'unselectedWrapUp') {
    await page.waitForSelector(`[data-testid="sign-off-warning"][data-warning="${warning}"]`);
    await page.waitForFunction(() => !document.getAnimations().some((a) => ((a.effect as KeyframeEffect | null)?.target as Element | null)?.closest('.ant-modal-root')));
  }

  it('warns before signing out on a call, and before signing off or out in wrap-up without a code', async () => {
    const agent = await signedIn('agent2');
    const me = await platform.ctx.db.selectFrom('users').select('id').where('username', '=', 'agent2').executeTakeFirstOrThrow();
    // Nobody else free: the call is this agent's.
    await platform.ctx.db.updateTable('agent_states').set({ state: 'offline' }).where('user_id', '!=', me.id).execute();
    await agent.getByTestId('softphone-dock').waitFor();
    await agent.getByTestId('softphone-toggle').click();
    await agent.getByTestId('state-available').click();
    await agent.waitForSelector('[data-testid="softphone-state"][data-state="available"]');
    const call = platform.carrierSim!.placeCall({ from: '13912340002' });
    await agent.getByTestId('softphone-offer').waitFor({ timeout: 20_000 });
    const callId = await agent.getByTestId('softphone-offer').getAttribute('data-call-id');
    await agent.getByTestId('offer-answer').click();
    await agent.getByTestId('softphone-talking').waitFor({ timeout: 10_000 });

    // Signing out on a call: warned, and cancelling keeps the sign-in and the call.
    await agent.getByTestId('user-menu').click();
    await agent.getByTestId('user-menu-signout').click();
    await signOffWarning(agent, 'onCall');
    await agent.getByTestId('sign-off-cancel').click();
    await agent.getByTestId('sign-off-warning').waitFor({ state: 'detached' });
    await agent.getByTestId('softphone-talking').waitFor();

    await agent.getByTestId('call-hangup').click();
    await agent.getByTestId('call-hangup-confirm').click();
    await call.done;
    await agent.getByTestId('wrap-up-dialog').waitFor({ timeout: 10_000 });
    await agent.getByRole('button', { name: '稍后填写' }).click();
    await agent.getByTestId('wrap-up-dialog').waitFor({ state: 'detached' });

    // 离线 from wrap-up without a code: warned that 未选择 will be recorded; cancelling stays in wrap-up.
    await agent.getByTestId('state-offline').click();
    await signOffWarning(agent, 'unselectedWrapUp');
    expect(await agent.getByTestId('sign-off-warning').textContent()).to.contain('未选择');
    await agent.getByTestId('sign-off-cancel').click();
    await agent.getByTestId('sign-off-warning').waitFor({ state: 'detached' });
    await agent.waitForSelector('[data-testid="softphone-state"][data-state="wrap_up"]');

    // Signing out from there: the same warning; confirmed, the agent is signed out, offline, and the call has 未选择.
    await agent.getByTestId('user-menu').click();
    await agent.getByTestId('user-menu-signout').click();
    await signOffWarning(agent, 'unselectedWrapUp');
    await agent.getByTestId('sign-off-confirm').click();
    await agent.getByTestId('login-username').waitFor({ timeout: 10_000 });
    const state = await platform.ctx.db.selectFrom('agent_states').select(['state', 'reason']).where('user_id', '=', me.id).executeTakeFirstOrThrow();
    expect(state).to.deep.equal({ state: 'offline', reason: 'signed_out' });
    const row = await platform.ctx.db.selectFrom('calls').select(['wrap_up_code']).where('id', '=', callId!).executeTakeFirstOrThrow();
    expect(row.wrap_up_code).to.equal('unselected');
    expect(pageErrors).to.deep.equal([]);
  });
});
