/**
 * The live-agent hand-off in two browsers: a citizen on the chat page waits for a person, an agent takes the
 * chat in the console, they exchange messages (socket to the console, the page's polling to the citizen),
 * and the agent ends it.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { startCallsPlatform } from '../calls/support.ts';
import { launchBrowser } from '../support/browser.ts';
import { buildUser, signIn } from '../support/factories.ts';
import type { TestPlatform } from '../support/platform.ts';

describe('live chat in the browser: citizen page ↔ agent console', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    platform = await startCallsPlatform();
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('a waiting citizen is taken, answered and let go by an agent', async () => {
    const user = await buildUser(platform.ctx.db, { role: 'agent', skills: [{ skill: 'general', level: 3 }] });
    const { accessToken } = await signIn(platform.api, user);
    const available = await platform.api.request('PUT', '/api/agents/me/state', { token: accessToken, body: { state: 'available', simulatorAnswer: 'auto' } });
    expect(available.status).to.equal(200);

    const problems: string[] = [];
    const agentPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    const citizenPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    agentPage.on('pageerror', (e) => problems.push(`console: ${e.message}`));
    citizenPage.on('pageerror', (e) => problems.push(`chat page: ${e.message}`));

    await agentPage.goto(`${platform.url}/`);
    await agentPage.getByTestId('login-username').fill(user.username);
    await agentPage.getByTestId('login-password').fill(user.password);
    await agentPage.getByTestId('login-submit').click();
    await agentPage.getByTestId('user-menu').waitFor();
    await agentPage.getByTestId('nav-chat-live').click();
    await agentPage.getByTestId('live-chat-page').waitFor();
    await agentPage.waitForSelector('[data-testid="connection-indicator"][data-state="connected"]', { timeout: 15_000 });

    await citizenPage.goto(`${platform.url}/chat`);
    await citizenPage.waitForSelector('body[data-ready="true"]');
    await citizenPage.getByTestId('chat-agent').click();
    await citizenPage.getByTestId('chat-live-wait').click();
    await citizenPage.waitForSelector('[data-testid="chat-live"][data-state="waiting"]');

    // Pushed to the console: the waiting chat appears and the agent takes it.
    await agentPage.getByTestId('live-chat-accept').click();
    await agentPage.getByTestId('live-chat-panel').waitFor();
    expect(await agentPage.getByTestId('live-chat-messages').textContent()).to.include('转人工');

    // The citizen's page reads the agent joining, then writes; the console gets it over the socket.
    await citizenPage.waitForSelector('[data-testid="chat-live"][data-state="connected"]', { timeout: 10_000 });
    await citizenPage.getByTestId('chat-input').fill('我家门口的路灯不亮了');
    await citizenPage.getByTestId('chat-send').click();
    await agentPage.getByTestId('live-chat-messages').getByText('我家门口的路灯不亮了').waitFor({ timeout: 10_000 });

    await agentPage.getByTestId('live-chat-input').fill('好的，请告诉我具体地址。');
    await agentPage.getByTestId('live-chat-send').click();
    await citizenPage.locator('[data-role="agent"]', { hasText: '好的，请告诉我具体地址。' }).waitFor({ timeout: 10_000 });

    await agentPage.getByTestId('live-chat-end').click();
    await agentPage.locator('.ant-popconfirm .ant-btn-primary').click();
    await citizenPage.locator('[data-role="bot"]', { hasText: '已结束本次对话' }).waitFor({ timeout: 10_000 });
    expect(await citizenPage.getByTestId('chat-live').isHidden()).to.equal(true);
    expect(problems).to.deep.equal([]);
  });
});
