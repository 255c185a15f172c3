/**
 * The reports page in a browser: a supervisor opens last month's figures, reads them as the API computes them,
 * drills from a figure to the calls and tickets behind it, reads the answered calls by wrap-up code (and downloads
 * them as CSV), and downloads the 办件月报表 as xlsx (whole hotline)
 * and CSV (one department); the files are opened and checked against the API's JSON for the same month.
 * The month's calls, tickets, assignments and survey answers are written straight into the database, last
 * month in Asia/Shanghai, so every item is in the past and judged at the month's end.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { launchBrowser } from '../support/browser.ts';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** Last month in Shanghai, `YYYY-MM`. */
function lastMonth(now = new Date()): string {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  const first = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  return first.toISOString().slice(0, 7);
}

const MONTH = lastMonth();
const at = (dayTime: string) => new Date(`${MONTH}-${dayTime}+08:00`);

const HEADER = [
  '单位 Department',
  '受理/派件数 Received',
  '按时签收 Signed on time',
  '按时签收率',
  '按时办结 Finished on time',
  '按时办结率',
  '退单 Returned',
  '退单率',
  '重办 Reopened',
  '重办率',
  '回访 Surveyed',
  '回访率',
  '满意率 Satisfaction',
];
const KEYS = ['department', 'received', 'signedOnTime', 'signedOnTimeRate', 'finishedOnTime', 'finishedOnTimeRate', 'returned', 'returnRate', 'reopened', 'reopenRate', 'surveyed', 'surveyRate', 'satisfaction'] as const;

describe('reports page in the agent console', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let deptA: { id: string; name: string };
  const pageErrors: string[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    deptA = await buildDepartment(db, { name: '报表测试甲局' });
    const deptB = await buildDepartment(db, { name: '报表测试乙局' });
    const agent = await buildUser(db, { role: 'agent' });
    const supervisor = await buildUser(db, { role: 'supervisor', username: 'reports-supervisor' });
    token = (await signIn(platform.api, supervisor)).accessToken;

    // Calls: answered in 10 s and 12 s (within 15 s), answered in 30 s, abandoned after 40 s.
    let n = 0;
    const call = async (v: Record<string, unknown>) => {
      n += 1;
      await db
        .insertInto('calls')
        .values({ caller_hash: `rh${n}`, caller_encrypted: 'x', caller_masked: '139****0000', direction: 'inbound', status: 'ended', caller_location: 'none', desk: 'general', ...v } as never)
        .execute();
    };
    const queued = (t: string) => ({ offered_at: at(t), queued_at: at(t) });
    // Wrap-up codes: two complaints and one still uncoded (未小结).
    await call({ ...queued('03T09:00:00'), answered_at: at('03T09:00:10'), wait_seconds: 10, talk_seconds: 120, answered_by: agent.id, outcome: 'answered', wrap_up_code: 'complaint' });
    await call({ ...queued('04T09:00:00'), answered_at: at('04T09:00:12'), wait_seconds: 12, talk_seconds: 60, answered_by: agent.id, outcome: 'answered', wrap_up_code: 'complaint' });
    await call({ ...queued('05T09:00:00'), answered_at: at('05T09:00:30'), wait_seconds: 30, talk_seconds: 90, answered_by: agent.id, outcome: 'answered' });
    await call({ ...queued('06T09:00:00'), abandoned_at: at('06T09:00:40'), wait_seconds: 40, outcome: 'abandoned' });

    // Tickets with their lead assignments and survey answers.
    let t = 0;
    const ticket = async (v: Record<string, unknown>) => {
      t += 1;
      const row = await db
        .insertInto('tickets')
        .values({ number: `RP${t}`, channel: 'phone', type: 'complaint', urgency: 'normal', title: `报表测试工单${t}`, description: 'd', registered_by: agent.id, ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const lead = async (ticketId: string, departmentId: string, v: Record<string, unknown>) =>
      db
        .insertInto('ticket_assignments')
        .values({ ticket_id: ticketId, department_id: departmentId, role: 'lead', urgency: 'normal', return_by: at('28T00:00:00'), warn_at: at('28T00:00:00'), ...v } as never)
        .execute();
    const survey = (ticketId: string, when: string, result: string) =>
      db.insertInto('ticket_events').values({ ticket_id: ticketId, actor_name: 't', actor_role: 'agent', action: 'recordSurvey', at: at(when), data: JSON.stringify({ result }) } as never).execute();

    const t1 = await ticket({ state: 'closed', closure: 'handled', created_at: at('03T10:00:00'), closed_at: at('08T10:00:00') });
    await lead(t1, deptA.id, { state: 'done', dispatched_at: at('03T10:10:00'), sign_by: at('03T12:00:00'), signed_at: at('03T11:00:00'), handle_by: at('10T18:00:00'), replied_at: at('07T10:00:00') });
    await survey(t1, '08T10:00:00', 'satisfied');
    const t2 = await ticket({ state: 'closed', closure: 'handled', created_at: at('04T10:00:00'), closed_at: at('12T10:00:00') });
    await lead(t2, deptA.id, { state: 'done', dispatched_at: at('04T10:10:00'), sign_by: at('04T12:00:00'), signed_at: at('04T15:00:00'), handle_by: at('09T18:00:00'), replied_at: at('11T10:00:00') });
    await survey(t2, '12T10:00:00', 'unsatisfied');
    const t3 = await ticket({ state: 'dispatched', created_at: at('05T10:00:00') });
    await lead(t3, deptB.id, { state: 'signed', dispatched_at: at('05T10:10:00'), sign_by: at('05T12:00:00'), signed_at: at('05T11:00:00'), handle_by: at('15T18:00:00') });
    await ticket({ type: 'consult', state: 'closed', closure: 'resolved_on_call', created_at: at('06T10:00:00'), closed_at: at('06T10:05:00') });

    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${platform.url}/reports?mode=month&month=${MONTH}`);
    await page.getByTestId('login-username').fill(supervisor.username);
    await page.getByTestId('login-password').fill(supervisor.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('reports-page').waitFor();
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
  });
  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').to.deep.equal([]);
  });

  const api = async (path: string) => {
    const res = await platform.api.get(path, token);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body;
  };

  it('shows the month’s figures as the API computes them, each with its definition', async () => {
    expect(await page.getByTestId('nav-reports').count()).to.equal(1);
    await page.locator('[data-testid="figures"][data-loaded="true"]').waitFor();
    const next = new Date(`${MONTH}-01T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const figures = await api(`/api/reports/measures?from=${MONTH}-01&to=${next.toISOString().slice(0, 10)}`);
    // 2 of 4 calls answered within 15 s; 1 of 2 department-handled tickets' assignments finished on time.
    expect(figures.measures.serviceLevel).to.include({ numerator: 2, denominator: 4, value: 0.5 });
    expect(await page.getByTestId('figure-value-serviceLevel').textContent()).to.equal('50.0%');
    expect(await page.getByTestId('figure-value-answerRate').textContent()).to.equal('75.0%');
    expect(await page.getByTestId('figure-value-satisfaction').textContent()).to.equal(`${(figures.measures.satisfaction.value * 100).toFixed(1)}%`);
    expect(await page.getByTestId('figure-value-averageWait').textContent()).to.include(String(figures.measures.averageWait.value));
    // The definition appears on hover of the question mark.
    await page.getByTestId('figure-help-serviceLevel').hover();
    await page.locator('.ant-tooltip').filter({ hasText: '短放弃' }).first().waitFor();
    // The trend and breakdown charts drew a canvas; the top departments list the two departments.
    await page.locator('[data-testid="trend-chart"] canvas').waitFor();
    await page.locator('[data-testid="breakdown-chart"] canvas').waitFor();
    const topDepartments = await page.getByTestId('top-departments-table').textContent();
    expect(topDepartments).to.include('报表测试甲局').and.include('报表测试乙局');
  });

  it('drills from a figure to the calls and tickets behind it', async () => {
    await page.getByTestId('figure-answerRate').click();
    const drawer = page.getByTestId('drill-drawer');
    await drawer.locator('tr.ant-table-row').first().waitFor();
    expect(await drawer.locator('tr.ant-table-row').count()).to.equal(4);
    expect(await drawer.getByTestId('drill-total').textContent()).to.include('4');
    // Only the numerator: the three answered calls.
    await drawer.getByTestId('drill-only-numerator').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="drill-drawer"] tr.ant-table-row').length === 3);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await page.getByTestId('figure-satisfaction').click();
    await page.getByTestId('drill-drawer').locator('tr.ant-table-row').first().waitFor();
    const links = page.getByTestId('drill-drawer').getByTestId('drill-ticket-link');
    expect(await links.count()).to.equal(2);
    expect(await links.allTextContents()).to.have.members(['RP1', 'RP2']);
    await links.filter({ hasText: 'RP1' }).click();
    await page.getByTestId('ticket-page').waitFor();
    expect(page.url()).to.match(/\/tickets\/[0-9a-f-]{36}$/);
    await page.goBack();
    await page.getByTestId('reports-page').waitFor();

    // From a breakdown row: 按时办结率 of 甲局 is its two assignments, one on time.
    await page.getByTestId('breakdown-table').getByText('报表测试甲局').click();
    await page.getByTestId('drill-drawer').locator('tr.ant-table-row').first().waitFor();
    expect(await page.getByTestId('drill-drawer').textContent()).to.include('部门：报表测试甲局');
    expect(await page.getByTestId('drill-drawer').locator('tr.ant-table-row').count()).to.equal(2);
    await page.keyboard.press('Escape');
    await page.getByTestId('drill-drawer').waitFor({ state: 'hidden' });
  });

  it('shows the month’s answered calls by wrap-up code, per desk on request, and downloads them as CSV', async () => {
    const card = page.getByTestId('wrap-up-report');
    await card.getByTestId('wrap-up-total').waitFor();
    // The three answered calls of 接通率: two complaints (avg talk (120 + 60) / 2 = 90 s) and one not coded yet.
    expect(await card.getByTestId('wrap-up-total').getAttribute('data-value')).to.equal('3');
    const complaint = card.locator('[data-testid="wrap-up-table"] tr[data-row-key="complaint"]');
    expect((await complaint.locator('td').allTextContents()).slice(0, 4)).to.deep.equal(['投诉', '2', '66.7%', '90.0 秒']);
    expect(await card.locator('[data-testid="wrap-up-table"] tr[data-row-key="none"]').textContent()).to.contain('未小结');
    await card.locator('[data-testid="wrap-up-chart"] canvas').waitFor();

    // The count drills down to the calls behind it.
    await card.getByTestId('wrap-up-calls-complaint').click();
    const drawer = page.getByTestId('wrap-up-drawer');
    await drawer.getByTestId('wrap-up-calls').locator('tr.ant-table-row').first().waitFor();
    expect(await drawer.getByTestId('wrap-up-calls').locator('tr.ant-table-row').count()).to.equal(2);
    expect(await drawer.textContent()).to.contain('投诉');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await card.getByTestId('wrap-up-cut').getByText('按坐席组').click();
    await card.locator('[data-testid="wrap-up-table"][data-cut="desk"]').waitFor();
    expect(await card.getByTestId('wrap-up-table').locator('th').allTextContents()).to.include('综合');

    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('wrap-up-download-csv').click()]);
    expect(download.suggestedFilename()).to.match(/^wrap-up-codes-\d{4}-\d{2}-01_\d{4}-\d{2}-01\.csv$/);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('话后小结 Wrap-up code,编码 Code,来电数 Calls,占比 Share,平均通话(秒) Average talk (s),综合');
    expect(lines).to.include('投诉,complaint,2,0.6667,90,2');
    expect(lines.at(-1)).to.equal('合计 Total,,3,1,90,3');
  });

  it('downloads the monthly report as xlsx, matching the API’s figures for the month', async () => {
    const json = await api(`/api/reports/monthly?month=${MONTH}&format=json`);
    const card = page.getByTestId('monthly-report');
    await card.locator('tr.ant-table-row').first().waitFor();
    // Hold the file back for a moment, as a big month would: the card shows that it is working.
    await page.route('**/api/reports/monthly?*format=xlsx*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const downloading = page.waitForEvent('download');
    await card.getByTestId('monthly-download-xlsx').click();
    await card.getByTestId('monthly-progress').filter({ hasText: '正在生成报表' }).waitFor();
    expect(await card.getByTestId('monthly-download-xlsx').isDisabled()).to.equal(true);
    const download = await downloading;
    await page.unroute('**/api/reports/monthly?*format=xlsx*');
    expect(download.suggestedFilename()).to.equal(`monthly-report-${MONTH}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await readFile((await download.path())!)) as never);
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).to.deep.equal(HEADER);
    const rows = new Map<string, unknown[]>();
    sheet.eachRow((row, i) => {
      if (i > 1) rows.set(String(row.getCell(1).value), (row.values as unknown[]).slice(1));
    });
    const expected = json.rows.find((r: { departmentId: string | null }) => r.departmentId === deptA.id);
    expect(expected).to.include({ received: 2, signedOnTime: 1, finishedOnTime: 1, surveyed: 2 });
    const cells = rows.get('报表测试甲局')!;
    expect(cells, 'the department row').to.be.an('array');
    KEYS.forEach((key, i) => expect(cells[i] ?? null, key).to.equal(expected[key]));
    expect(rows.has('全市热线 Hotline total')).to.equal(true);
    await card.getByTestId('monthly-progress').waitFor({ state: 'detached' });
  });

  it('downloads one department’s report as CSV', async () => {
    const card = page.getByTestId('monthly-report');
    await card.getByTestId('monthly-department').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '报表测试甲局' }).click();
    // Wait for the answer for the department just picked (the table says which selection it shows), then read it.
    const preview = card.locator(`[data-testid="monthly-preview"][data-department="${deptA.id}"][data-loaded="true"]`);
    await preview.waitFor();
    expect(await preview.locator('tr.ant-table-row').count()).to.equal(1);
    expect(await preview.locator('tr.ant-table-row').first().textContent()).to.contain('报表测试甲局');
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('monthly-download-csv').click()]);
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).to.equal(HEADER.join(','));
    expect(lines).to.have.length(2);
    expect(lines[1]!.split(',').slice(0, 3)).to.deep.equal(['报表测试甲局', '2', '1']);
  });
});
