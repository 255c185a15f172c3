/**
 * The hotspot page in a browser: a supervisor has the page open when the detection job finds a burst; the
 * alert arrives live (socket push → notice and a new row), opens with the tickets behind it, and is
 * acknowledged with a note that lands in the audit trail.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ensureConsoleBuilt } from '../../tools/build-console.ts';
import { systemActor } from '../../server/src/platform/actor.ts';
import { RegisterTicketBody, registerTicket } from '../../server/src/modules/tickets/index.ts';
import { runHotspotDetection } from '../../server/src/modules/hotspots/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('hotspot page in the console', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    await ensureConsoleBuilt();
    platform = await startTestPlatform();
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows a new alert live, opens its tickets and acknowledges it', async () => {
    const db = platform.ctx.db;
    const supervisor = await buildUser(db, { role: 'supervisor' });
    const category = await db.selectFrom('ticket_categories').select('id').where('code', '=', 'environment.noise').executeTakeFirstOrThrow();
    const now = Date.now();
    const numbers: string[] = [];
    // A category never seen in 南山区 before, six complaints within the hour: a burst against the floor.
    for (const m of [5, 12, 20, 31, 40, 48]) {
      const id = await registerTicket(
        platform.ctx,
        systemActor('test'),
        RegisterTicketBody.parse({ type: 'complaint', categoryId: category.id, title: '夜间施工噪音扰民', description: '工地凌晨仍在施工，噪音很大，无法入睡。', district: '南山区', address: '南山区科技园某工地' }),
        { now: new Date(now - m * 60_000) },
      );
      numbers.push((await db.selectFrom('tickets').select('number').where('id', '=', id).executeTakeFirstOrThrow()).number);
    }

    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(platform.url + '/');
      await page.getByTestId('login-username').fill(supervisor.username);
      await page.getByTestId('login-password').fill(supervisor.password);
      await page.getByTestId('login-submit').click();
      await page.waitForSelector('[data-testid="connection-indicator"][data-state="connected"]', { timeout: 15_000 });
      await page.getByTestId('nav-hotspots').first().click();
      await page.getByTestId('hotspots-page').waitFor();
      await page.getByTestId('hotspot-rule').waitFor();
      expect(await page.getByTestId('hotspot-row').count()).to.equal(0);

      // The job runs while the page is open: the alert is pushed, not polled.
      const result = await runHotspotDetection(platform.ctx);
      expect(result.opened).to.have.length(1);
      await page.getByText('新的热点预警：南山区 · 噪音污染', { exact: false }).waitFor({ timeout: 10_000 });
      const row = page.locator(`[data-testid="hotspot-row"][data-alert="${result.opened[0]}"]`);
      await row.waitFor({ timeout: 10_000 });
      expect(await row.textContent()).to.include('南山区 · 噪音污染');

      await row.getByTestId('hotspot-open').click();
      const drawer = page.getByTestId('hotspot-drawer');
      await drawer.getByTestId('hotspot-ticket').first().waitFor();
      const shown = await drawer.getByTestId('hotspot-ticket').allTextContents();
      expect(shown.sort()).to.deep.equal([...numbers].sort());

      await drawer.getByTestId('hotspot-acknowledge').click();
      await page.getByTestId('hotspot-acknowledge-note').fill('已联系住建局和城管夜间巡查');
      await page.getByTestId('hotspot-acknowledge-ok').click();
      await drawer.getByTestId('hotspot-ack-note').waitFor();
      expect(await drawer.getByTestId('hotspot-ack-note').textContent()).to.equal('已联系住建局和城管夜间巡查');
      expect(await drawer.getByTestId('hotspot-acknowledge').count()).to.equal(0);

      const audit = await db.selectFrom('audit_log').select(['actor_id', 'entity_id']).where('action', '=', 'hotspot.acknowledged').execute();
      expect(audit).to.deep.equal([{ actor_id: supervisor.id, entity_id: result.opened[0] }]);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
