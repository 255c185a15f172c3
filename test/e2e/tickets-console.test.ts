/**
 * Work orders in the agent console, in a browser, on the demo city: an agent registers a confidential ticket
 * and dispatches it to the category's suggested lead; the department clerk signs and replies in the portal
 * (never seeing the caller) while the agent's open ticket page follows live; the supervisor passes the reply
 * from the review queue; the ticket page shows the whole timeline and an audited phone reveal.
 * The steps build on each other (one ticket's journey), so they run in order on one platform.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const PASSWORD = 'Demo-Password-1';
const CALLER_PHONE = '13912345678';
const TITLE = '幸福里小区5号楼电梯困人';

describe('work orders in the agent console', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let ticketId = '';

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    platform = await startTestPlatform({ SEED_DEMO: '1', DEMO_PASSWORD: PASSWORD });
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
  });
  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').to.deep.equal([]);
  });

  async function signIn(username: string, path = '/'): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${username}: ${e.message}`));
    await page.goto(platform.url + path);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    return page;
  }

  /** antd radios and checkboxes hide their input: click the label that wraps it. */
  function labelOf(page: Page, testId: string) {
    return page.locator(`label:has([data-testid="${testId}"])`);
  }

  async function timelineActions(page: Page): Promise<string[]> {
    return page.locator('[data-testid="timeline-event"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-action') ?? ''));
  }

  it('an agent registers a confidential ticket from a call and dispatches it to the suggested lead', async () => {
    const page = await signIn('agent1', '/tickets/new?callId=CA-e2e-0001&phone=' + CALLER_PHONE);
    await page.getByTestId('ticket-register-page').waitFor();
    expect(await page.getByTestId('register-from-call').textContent()).to.include('CA-e2e-0001');
    expect(await page.getByTestId('register-caller-phone').inputValue()).to.equal(CALLER_PHONE);

    await labelOf(page, 'register-type-help').click();
    await labelOf(page, 'register-urgency-urgent').click();
    await page.getByTestId('register-category').click();
    await page.locator('.ant-cascader-menu-item', { hasText: '城乡建设' }).click();
    await page.locator('.ant-cascader-menu-item', { hasText: '物业管理' }).click();
    await page.getByTestId('register-title').fill(TITLE);
    await page.getByTestId('register-description').fill('5号楼电梯下午停在两层之间，物业接到报修后一直没人来处理，请尽快派人维修。');
    await page.getByTestId('register-caller-name').fill('王先生');
    await labelOf(page, 'register-confidential').click();
    await labelOf(page, 'register-disposition-dispatch').click();

    // The catalogue maps 物业管理 to the housing bureau and fills it in as the lead.
    const suggestion = page.getByTestId('dispatch-suggestion');
    await suggestion.waitFor();
    expect(await suggestion.textContent()).to.include('市住房和城乡建设局');
    expect(await page.getByTestId('dispatch-lead').textContent()).to.include('市住房和城乡建设局');

    await page.getByTestId('register-submit').click();
    const view = page.getByTestId('ticket-view');
    await view.waitFor();
    ticketId = (await view.getAttribute('data-ticket')) ?? '';
    expect(page.url()).to.include(`/tickets/${ticketId}`);
    expect(await view.getAttribute('data-state')).to.equal('dispatched');
    expect(await page.getByTestId('ticket-confidential').count()).to.equal(1);

    const row = page.getByTestId('assignment-row');
    expect(await row.count()).to.equal(1);
    expect(await row.textContent()).to.include('市住房和城乡建设局');
    expect(await row.getAttribute('data-deadline')).to.equal('normal');
    expect(await timelineActions(page)).to.deep.equal(['register', 'submit', 'dispatch']);
    // The hotline sees the masked number and may reveal it; the call is linked.
    expect(await page.getByTestId('caller-phone').textContent()).to.not.include(CALLER_PHONE);
    expect(await page.getByTestId('ticket-basics').textContent()).to.include('CA-e2e-0001');
  });

  it('the department clerk signs and replies in the portal without seeing the caller, and the agent’s page follows live', async () => {
    expect(ticketId, 'the ticket from the previous step').to.not.equal('');
    const agent = await signIn('agent1', `/tickets/${ticketId}`);
    const agentView = agent.getByTestId('ticket-view');
    await agentView.waitFor();
    await agent.waitForSelector('[data-testid="connection-indicator"][data-state="connected"]', { timeout: 15_000 });

    const clerk = await signIn('zhujian01');
    await clerk.getByTestId('nav-department-inbox').click();
    const row = clerk.locator(`[data-testid="inbox-row"][data-ticket="${ticketId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).to.equal('dispatched');
    // Confidential: no name, no number, not even masked.
    expect(await row.getByTestId('inbox-confidential').count()).to.equal(1);
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).to.not.include('王先生');
    expect(rowText).to.not.include(CALLER_PHONE.slice(-4));

    await row.getByTestId('assignment-action-sign').click();
    await clerk.waitForSelector(`[data-testid="inbox-row"][data-ticket="${ticketId}"][data-state="signed"]`);
    await agent.waitForSelector(`[data-testid="ticket-view"][data-state="in_progress"]`);

    await row.getByTestId('assignment-action-reply').click();
    await clerk.getByTestId('action-field-reply').fill('已督促物业公司当日维修，电梯已恢复运行，并约谈物业负责人。');
    await clerk.getByTestId('action-submit').click();
    // A replied assignment leaves the open work and shows under 已回复.
    await row.waitFor({ state: 'detached' });
    await clerk.getByTestId('inbox-tab-replied').click();
    await clerk.locator(`[data-testid="inbox-row"][data-ticket="${ticketId}"][data-state="replied"]`).waitFor();

    // The ticket opened in the portal hides the caller too.
    await clerk.locator(`[data-testid="inbox-row"][data-ticket="${ticketId}"]`).getByTestId('inbox-open').click();
    await clerk.getByTestId('caller-hidden').waitFor();
    expect(await clerk.getByTestId('reveal-phone').count()).to.equal(0);

    // The agent's page moved on its own (socket event → refetch).
    await agent.waitForSelector(`[data-testid="ticket-view"][data-state="reply_review"]`);
    expect(await agent.getByTestId('assignment-reply').textContent()).to.include('电梯已恢复运行');
  });

  it('the supervisor passes the reply from the review queue', async () => {
    expect(ticketId, 'the ticket from the first step').to.not.equal('');
    const page = await signIn('supervisor');
    await page.getByTestId('nav-supervision-review').click();
    const row = page.locator(`[data-testid="review-row"][data-ticket="${ticketId}"]`);
    await row.waitFor();
    await row.getByTestId('review-open').click();
    const view = page.locator(`[data-testid="ticket-view"][data-ticket="${ticketId}"]`);
    await view.waitFor();
    await view.getByTestId('ticket-action-passReview').click();
    await page.getByTestId('action-field-note').fill('回复属实，同意办结。');
    await page.getByTestId('action-submit').click();
    await page.waitForSelector(`[data-testid="ticket-view"][data-ticket="${ticketId}"][data-state="pending_survey"]`);
    // Decided: it leaves the queue.
    await row.waitFor({ state: 'detached' });
    // The supervision board shows per-department satisfaction beside the deadlines.
    await page.goto(new URL('/supervision/board', page.url()).toString());
    await page.getByTestId('department-satisfaction').waitFor();
  });

  it('the ticket page shows the whole timeline, and revealing the number is confirmed and recorded', async () => {
    expect(ticketId, 'the ticket from the first step').to.not.equal('');
    const page = await signIn('supervisor', `/tickets/${ticketId}`);
    await page.getByTestId('ticket-view').waitFor();
    expect(await timelineActions(page)).to.deep.equal(['register', 'submit', 'dispatch', 'sign', 'reply', 'passReview']);
    const timeline = (await page.getByTestId('ticket-timeline').textContent()) ?? '';
    for (const text of ['受理登记', '派单', '签收', '回复', '审核通过', '回复属实，同意办结。']) expect(timeline, text).to.include(text);

    await page.getByTestId('reveal-phone').click();
    await page.getByTestId('reveal-confirm').click();
    await page.waitForFunction((phone) => document.querySelector('[data-testid="caller-phone"]')?.textContent === phone, CALLER_PHONE);
    // The reveal is on the ticket's trail (and in the audit log) once the page refreshes.
    await page.reload();
    await page.getByTestId('ticket-view').waitFor();
    expect((await timelineActions(page)).at(-1)).to.equal('phoneRevealed');
  });
});
