/**
 * The calls side of the console in a real browser, against the whole platform in simulator mode: an agent
 * goes available, a simulated call rings in the docked softphone with the screen pop, the agent answers,
 * hangs up and files the wrap-up code, while a supervisor's wallboard follows live; then a citizen dials from
 * the console's caller phone, presses a key at the desk menu and reaches the same agent. An agent who closes
 * the browser leaves the phone queue, and the console says why when opened again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const PASSWORD = 'Demo-Password-1';

describe('calls in the agent console (browser)', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'calls-e2e-'));
    platform = await startTestPlatform({
      SEED_DEMO: '1',
      DEMO_PASSWORD: PASSWORD,
      DATA_DIR: dataDir,
      // 1 simulated second = 0.2 s: the greeting and menu pass quickly, yet leave a person time to press a key.
      SIM_TIME_SCALE: '0.2',
      // Real seconds: long enough for a browser to answer, short waits elsewhere.
      ACD_RING_TIMEOUT_SECONDS: '30',
      ACD_SWEEP_SECONDS: '1',
      CALLBACK_HOURS: '00:00-24:00',
      // A closed browser takes its agent off the queue after 2 s (no test here reloads a page).
      ACD_CONSOLE_GRACE_SECONDS: '2',
    });
    // What `npm start` does outside tests: tell the caller phone where the simulator listens.
    writeFileSync(path.join(dataDir, 'carrier-sim.json'), JSON.stringify({ url: platform.carrierSim!.url }));
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

  const userId = async (username: string) => (await platform.ctx.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const attr = async (page: Page, testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

  let agent: Page;

  it('rings in the softphone with the screen pop, answers, hangs up with a wrap-up code, and the wallboard follows', async () => {
    const started = Date.now();
    const supervisor = await signedIn('supervisor');
    await supervisor.getByTestId('nav-wallboard').click();
    await supervisor.getByTestId('wallboard-today').waitFor();
    const offeredBefore = Number(await attr(supervisor, 'wallboard-today', 'data-offered'));
    const answeredBefore = Number(await attr(supervisor, 'wallboard-today', 'data-answered'));

    agent = await signedIn('agent1');
    const agentId = await userId('agent1');
    await agent.getByTestId('softphone-dock').waitFor();
    expect(await attr(agent, 'softphone-state', 'data-state')).to.equal('offline');
    // Offline, the panel is folded to its title bar; unfold it to go available.
    expect(await attr(agent, 'softphone-dock', 'data-collapsed')).to.equal('true');
    await agent.getByTestId('softphone-toggle').click();
    await agent.getByTestId('state-available').click();
    await agent.waitForSelector('[data-testid="softphone-state"][data-state="available"]');
    // The supervisor sees the agent come on, without reloading.
    await supervisor.waitForSelector(`[data-testid="wallboard-agent-state-${agentId}"][data-state="available"]`, { timeout: 10_000 });

    // The same number called an hour ago: a repeat caller, with that call in the screen pop.
    const phone = platform.ctx.pii.protectPhone('13912345678');
    await platform.ctx.db
      .insertInto('calls')
      .values({ direction: 'inbound', caller_hash: phone.hash, caller_encrypted: phone.encrypted, caller_masked: phone.masked, status: 'ended', outcome: 'abandoned', offered_at: new Date(Date.now() - 3600_000) })
      .execute();
    const call = platform.carrierSim!.placeCall({ from: '13912345678', say: '我想反映小区噪音问题' });

    const offer = agent.getByTestId('softphone-offer');
    await offer.waitFor({ timeout: 20_000 });
    expect(await agent.getByTestId('offer-caller').textContent()).to.equal('139****5678');
    expect(await agent.getByTestId('offer-repeat').count()).to.equal(1);
    const pop = agent.getByTestId('screen-pop');
    expect(await pop.getByTestId('screen-pop-caller').textContent()).to.equal('139****5678');
    expect(await pop.getByTestId('screen-pop-earlier').locator('.ant-list-item').count()).to.equal(1);
    expect(await pop.getByTestId('screen-pop-earlier').textContent()).to.contain('放弃');
    const callId = await offer.getAttribute('data-call-id');
    expect(await agent.getByTestId('screen-pop-register-ticket').getAttribute('data-href')).to.equal(`/tickets/new?callId=${callId}&phone=139****5678`);
    expect(await agent.content()).to.not.contain('13912345678');

    await agent.getByTestId('offer-answer').click();
    await agent.getByTestId('softphone-talking').waitFor({ timeout: 10_000 });
    expect(await agent.getByTestId('talking-caller').textContent()).to.equal('139****5678');
    const row = await platform.ctx.db.selectFrom('calls').selectAll().where('id', '=', callId!).executeTakeFirstOrThrow();
    expect(row.status).to.equal('talking');
    expect(row.agent_id).to.equal(agentId);
    // The timer runs.
    await agent.waitForFunction(() => document.querySelector('[data-testid="call-timer"]')?.textContent !== '0:00', undefined, { timeout: 5_000 });
    await supervisor.waitForSelector(`[data-testid="wallboard-agent-state-${agentId}"][data-state="on_call"]`, { timeout: 10_000 });
    await supervisor.waitForFunction(
      (expected) => Number(document.querySelector('[data-testid="wallboard-today"]')?.getAttribute('data-answered')) === expected,
      answeredBefore + 1,
      { timeout: 10_000 },
    );
    expect(Number(await attr(supervisor, 'wallboard-today', 'data-offered'))).to.equal(offeredBefore + 1);

    // Hold goes to the carrier: the caller's participant is held in the conference.
    await agent.getByTestId('call-hold').click();
    await agent.waitForFunction(() => document.querySelector('[data-testid="call-hold"]')?.textContent?.includes('恢复'));
    expect(platform.carrierSim!.conferences().flatMap((c) => c.participants).find((p) => p.callSid === call.callSid)?.hold).to.equal(true);
    await agent.getByTestId('call-hold').click();
    await agent.waitForFunction(() => document.querySelector('[data-testid="call-hold"]')?.textContent?.includes('保持'));

    await agent.getByTestId('call-hangup').click();
    await agent.getByTestId('call-hangup-confirm').click();
    const summary = await call.done;
    expect(summary.status).to.equal('completed');
    await agent.getByTestId('wrap-up-dialog').waitFor({ timeout: 10_000 });
    await agent.getByTestId('wrap-up-code-complaint').click();
    await agent.getByTestId('wrap-up-submit').click();
    await agent.getByTestId('wrap-up-dialog').waitFor({ state: 'detached', timeout: 10_000 });
    // "Available again right after" is ticked by default: the wrap-up ends at once.
    await agent.waitForSelector('[data-testid="softphone-state"][data-state="available"]', { timeout: 10_000 });
    const ended = await platform.ctx.db.selectFrom('calls').select(['status', 'outcome', 'wrap_up_code']).where('id', '=', callId!).executeTakeFirstOrThrow();
    expect(ended).to.deep.equal({ status: 'ended', outcome: 'answered', wrap_up_code: 'complaint' });
    await supervisor.waitForSelector(`[data-testid="wallboard-agent-state-${agentId}"][data-state="available"]`, { timeout: 10_000 });
    expect(pageErrors).to.deep.equal([]);
    console.log(`      (call answered and wrapped up in the browser in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  it('a citizen dials from the caller phone page, presses 1 for the dialect desk, and reaches the available agent', async () => {
    const citizen = await signedIn('agent2');
    await citizen.getByTestId('nav-calls-caller-phone').click();
    await citizen.getByTestId('caller-phone-dial').waitFor();
    await citizen.getByTestId('caller-phone-from').fill('13600001111');
    await citizen.getByTestId('caller-phone-dial').click();
    await citizen.waitForFunction(() => document.querySelector('[data-testid="caller-phone-log"]')?.textContent?.includes('您好，这里是12345政务服务便民热线'), undefined, { timeout: 10_000 });
    await citizen.waitForFunction(() => document.querySelector('[data-testid="caller-phone-log"]')?.textContent?.includes('方言服务请按1'), undefined, { timeout: 10_000 });
    // The menu listens once its prompts are over: press 1 until the caller's key is taken.
    const pressed = citizen.locator('[data-testid="caller-phone-step"][data-kind="pressed"]');
    for (let tries = 0; tries < 100 && (await pressed.count()) === 0; tries++) {
      await citizen.getByTestId('caller-phone-key-1').click();
      await citizen.waitForTimeout(60);
    }
    expect(await pressed.count()).to.be.greaterThan(0);
    // The relayed steps belong to the person who dialled: someone else can neither read nor drive the call.
    const leg = platform.carrierSim!.calls().find((c) => c.from === '+8613600001111' && c.direction === 'inbound')!;
    const token = async (username: string) => (await platform.api.post('/api/auth/login', { username, password: PASSWORD })).body.accessToken as string;
    const own = await platform.api.get(`/api/sim-phone/calls/${leg.callSid}`, await token('agent2'));
    expect(own.status).to.equal(200);
    expect(own.body.events.map((e: { kind?: string }) => e.kind)).to.include.members(['dialled', 'heard', 'pressed']);
    const stranger = await platform.api.post(`/api/sim-phone/calls/${leg.callSid}/input`, { press: '9' }, await token('agent3'));
    expect(stranger.status).to.equal(404);

    // agent1 (dialect skill) is available since the last test: the call rings there.
    await agent.getByTestId('softphone-offer').waitFor({ timeout: 15_000 });
    expect(await agent.getByTestId('offer-caller').textContent()).to.equal('136****1111');
    const callId = await agent.getByTestId('softphone-offer').getAttribute('data-call-id');
    const row = await platform.ctx.db.selectFrom('calls').select(['desk']).where('id', '=', callId!).executeTakeFirstOrThrow();
    expect(row.desk).to.equal('dialect');
    await agent.getByTestId('offer-answer').click();
    await agent.getByTestId('softphone-talking').waitFor({ timeout: 10_000 });
    await citizen.waitForSelector('[data-testid="caller-phone-step"][data-kind="connected"], [data-testid="caller-phone-step"][data-kind="joined"]', { timeout: 10_000 });

    await citizen.getByTestId('caller-phone-hangup').click();
    await citizen.waitForSelector('[data-testid="caller-phone-status"][data-status="ended"]', { timeout: 10_000 });
    await agent.getByTestId('wrap-up-dialog').waitFor({ timeout: 10_000 });
    const ended = await platform.ctx.db.selectFrom('calls').select(['status', 'outcome']).where('id', '=', callId!).executeTakeFirstOrThrow();
    expect(ended).to.deep.equal({ status: 'ended', outcome: 'answered' });
    expect(pageErrors).to.deep.equal([]);
  });

  it('an agent who closes the browser leaves the phone queue, and the console says why when opened again', async () => {
    const agentId = await userId('agent3');
    const stateOf = () => platform.ctx.db.selectFrom('agent_states').select(['state', 'reason']).where('user_id', '=', agentId).executeTakeFirstOrThrow();
    const first = await signedIn('agent3');
    await first.getByTestId('softphone-toggle').click();
    await first.getByTestId('state-available').click();
    await first.waitForSelector('[data-testid="softphone-state"][data-state="available"]');
    await first.context().close();

    const deadline = Date.now() + 15_000;
    while ((await stateOf()).state !== 'offline') {
      if (Date.now() > deadline) throw new Error(`agent3 still ${JSON.stringify(await stateOf())} after closing the browser`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await stateOf()).to.deep.equal({ state: 'offline', reason: 'console_closed' });

    const again = await signedIn('agent3');
    await again.getByTestId('softphone-dock').waitFor();
    expect(await attr(again, 'softphone-state', 'data-state')).to.equal('offline');
    await again.getByTestId('softphone-toggle').click();
    const notice = again.getByTestId('softphone-offline-reason');
    await notice.waitFor();
    expect(await notice.textContent()).to.equal('控制台断开过久，已自动离线');
    expect(pageErrors).to.deep.equal([]);
  });
});
