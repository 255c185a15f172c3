/** The citizen's survey page in a real browser: the SMS link answered once, then shown as already answered. */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import type { TestPlatform } from '../support/platform.ts';
import type { World } from '../tickets/world.ts';
import { fastPolicy, reviewedTicket, setPolicy, startSurveyPlatform, ticketRow, waitFor } from './support.ts';

describe('surveys: the citizen survey page in a browser', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let world: World;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    ({ platform, world } = await startSurveyPlatform());
    await setPolicy(platform, world, { ...fastPolicy, channels: ['sms'] });
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('takes one answer with a comment, then says the link was used', async () => {
    const phone = '13900139031';
    const ticket = await reviewedTicket(platform, world, { caller: { name: '吴先生', phone } });
    const sms = await waitFor('the survey SMS', async () => platform.carrierSim!.messages().find((m) => m.to.endsWith(phone) && m.body.includes('/survey/')));
    const url = /https?:\/\/\S+\/survey\/[A-Za-z0-9_.-]+/.exec(sms.body)![0];
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(url);
      await page.getByTestId('survey-satisfied').waitFor();
      expect(await page.getByTestId('survey-ticket').textContent()).to.contain(ticket.number);
      await page.getByTestId('survey-unsatisfied').click();
      await page.getByTestId('survey-comment').fill('<b>路灯</b>还是不亮');
      await page.getByTestId('survey-submit').click();
      await page.waitForSelector('[data-testid="survey-message"][data-state="thanksUnsatisfied"]');

      const survey = await waitFor('the unsatisfied answer', async () => {
        const row = await platform.ctx.db.selectFrom('surveys').selectAll().where('ticket_id', '=', ticket.id).executeTakeFirst();
        return row?.state === 'awaiting_decision' ? row : undefined;
      });
      expect(survey).to.include({ outcome: 'unsatisfied', answered_channel: 'sms', comment: '<b>路灯</b>还是不亮' });
      expect((await ticketRow(platform, ticket.id)).state).to.equal('pending_survey');

      // Opening the link again: no form, the "already answered" notice.
      await page.goto(url);
      await page.waitForSelector('[data-testid="survey-message"][data-state="answered"]');
      expect(await page.getByTestId('survey-satisfied').isVisible()).to.equal(false);
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
