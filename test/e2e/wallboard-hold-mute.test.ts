/**
 * The supervisor's wallboard shows hold and mute live, in a real browser against the whole platform in
 * simulator mode: an agent's caller is put on hold and the agent mutes (through the API, as the softphone does),
 * and the open wallboard shows the hold with its clock, the mute and the summary line without a reload; taking
 * the caller off hold and unmuting clears them.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, callBySid, startCallsPlatform, waitFor } from '../calls/support.ts';

describe('wallboard: hold and mute, live (browser)', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    platform = await startCallsPlatform();
    const supervisor = await buildUser(platform.ctx.db, { role: 'supervisor' });
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${platform.url}/wallboard`);
    await page.getByTestId('login-username').fill(supervisor.username);
    await page.getByTestId('login-password').fill(supervisor.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('wallboard-page').waitFor();
    await page.waitForSelector('[data-testid="connection-indicator"][data-state="connected"]');
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
  });
  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').to.deep.equal([]);
  });

  it('shows a held caller with its clock and a muted agent as they happen, and clears them', async () => {
    const agent = await availableAgent(platform);
    // 1 simulated second = 20 ms: the caller stays for a minute of real time.
    const handle = platform.carrierSim!.placeCall({ from: '13600000301', hangupAfter: 3000 });
    const call = await waitFor('the call talking', async () => {
      const r = await callBySid(platform, handle.callSid);
      return r?.status === 'talking' && r.caller_location === 'conference' ? r : undefined;
    });
    await page.waitForSelector(`[data-testid="wallboard-agent-state-${agent.id}"][data-state="on_call"]`);
    const summary = page.getByTestId('wallboard-hold-mute');
    expect(await summary.getAttribute('data-on-hold')).to.equal('0');
    expect(await page.getByTestId(`wallboard-agent-hold-${agent.id}`).count()).to.equal(0);

    expect((await platform.api.post(`/api/calls/${call.id}/hold`, { hold: true }, agent.token)).status).to.equal(200);
    const hold = page.getByTestId(`wallboard-agent-hold-${agent.id}`);
    await hold.waitFor();
    await page.waitForSelector('[data-testid="wallboard-hold-mute"][data-on-hold="1"]');
    expect(await hold.textContent()).to.match(/^保持 \d+:\d\d$/);
    // The hold clock runs in the browser between pushes.
    const first = await hold.textContent();
    await page.waitForFunction((before) => document.querySelector(`[data-testid^="wallboard-agent-hold-"]`)?.textContent !== before, first, { timeout: 5_000 });
    expect(await summary.textContent()).to.contain('保持中 1 人').and.contain('最长');

    expect((await platform.api.post(`/api/calls/${call.id}/mute`, { muted: true }, agent.token)).status).to.equal(200);
    await page.getByTestId(`wallboard-agent-muted-${agent.id}`).waitFor();
    await page.waitForSelector('[data-testid="wallboard-hold-mute"][data-muted="1"]');

    await platform.api.post(`/api/calls/${call.id}/hold`, { hold: false }, agent.token);
    await platform.api.post(`/api/calls/${call.id}/mute`, { muted: false }, agent.token);
    await hold.waitFor({ state: 'detached' });
    await page.getByTestId(`wallboard-agent-muted-${agent.id}`).waitFor({ state: 'detached' });
    await page.waitForSelector('[data-testid="wallboard-hold-mute"][data-on-hold="0"][data-muted="0"]');
    platform.carrierSim!.hangupCall(handle.callSid);
  });
});
