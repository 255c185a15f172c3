/**
 * Phone, then SMS: nobody answers three calls → a text with a signed one-time link → the survey page answered
 * once (a second answer refused) → the ticket closes. An expired link is refused, and its survey ends 联系不上.
 */
import { expect } from 'chai';
import { expireLink } from '../../server/src/modules/surveys/surveys.sms.ts';
import type { TestPlatform } from '../support/platform.ts';
import type { World } from '../tickets/world.ts';
import { attemptsOf, callsTo, fastPolicy, reviewedTicket, setPolicy, startSurveyPlatform, surveysOf, ticketRow, waitFor } from '../surveys/support.ts';

function linkOf(body: string): { url: string; path: string; token: string } {
  const url = /https?:\/\/\S+\/survey\/([A-Za-z0-9_.-]+)/.exec(body);
  if (!url) throw new Error(`no survey link in: ${body}`);
  return { url: url[0], path: new URL(url[0]).pathname, token: url[1]! };
}

describe('scenario: survey by SMS after three unanswered calls', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let world: World;

  before(async () => {
    ({ platform, world } = await startSurveyPlatform());
  });
  after(async () => platform?.stop());

  it('calls three times, texts a link, accepts one answer and refuses a second', async () => {
    const phone = '13900139011';
    const sim = platform.carrierSim!;
    sim.handsets.set(`+86${phone}`, { answer: 'no-answer' });
    const ticket = await reviewedTicket(platform, world, { caller: { name: '赵先生', phone } });

    const text = await waitFor('the survey SMS', async () => sim.messages().find((m) => m.to.endsWith(phone) && m.body.includes('/survey/')), 30_000);
    expect(text.body).to.contain(ticket.number);
    expect(callsTo(platform, `+86${phone}`).map((c) => c.status)).to.deep.equal(['no-answer', 'no-answer', 'no-answer']);
    const [survey] = await surveysOf(platform, ticket.id);
    expect(survey!.state).to.equal('sms_sent');
    const attempts = await attemptsOf(platform, survey!.id);
    expect(attempts.map((a) => [a.attempt_no, a.channel, a.status])).to.deep.equal([
      [1, 'phone', 'no_answer'],
      [2, 'phone', 'no_answer'],
      [3, 'phone', 'no_answer'],
      [4, 'sms', 'sent'],
    ]);
    expect(attempts.every((a) => a.started_at instanceof Date)).to.equal(true);

    // The page is served by the platform; the link names the ticket.
    const { path, token } = linkOf(text.body);
    const page = await fetch(platform.url + path);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.contain('text/html');
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(await page.text()).to.contain('12345 回访评价');
    const described = await platform.api.get(`/api/public/surveys/${token}`);
    expect(described.status).to.equal(200);
    expect(described.body).to.include({ status: 'open', number: ticket.number });

    // A forged token is not found; the real one takes one answer.
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect((await platform.api.post(`/api/public/surveys/${forged}/answer`, { result: 'satisfied' })).status).to.equal(404);
    const answered = await platform.api.post(`/api/public/surveys/${token}/answer`, { result: 'basically_satisfied', comment: '处理还算及时' });
    expect(answered.status, JSON.stringify(answered.body)).to.equal(200);
    const again = await platform.api.post(`/api/public/surveys/${token}/answer`, { result: 'unsatisfied' });
    expect(again.status).to.equal(409);
    expect(again.body.error.details.reason).to.equal('used');
    expect(again.body.error.message).to.contain('只能评价一次');
    expect((await platform.api.get(`/api/public/surveys/${token}`)).body.status).to.equal('answered');

    const closed = await waitFor('the ticket to close', async () => {
      const t = await ticketRow(platform, ticket.id);
      return t.state === 'closed' ? t : undefined;
    });
    expect(closed.survey_result).to.equal('basically_satisfied');
    const [done] = await surveysOf(platform, ticket.id);
    expect(done).to.include({ outcome: 'basically_satisfied', answered_channel: 'sms', comment: '处理还算及时', state: 'completed' });
  });

  it('refuses an expired link and ends the survey 联系不上', async () => {
    await setPolicy(platform, world, { ...fastPolicy, channels: ['sms'] });
    try {
      const phone = '13900139012';
      const sim = platform.carrierSim!;
      const ticket = await reviewedTicket(platform, world, { caller: { name: '钱女士', phone } });
      const text = await waitFor('the survey SMS', async () => sim.messages().find((m) => m.to.endsWith(phone) && m.body.includes('/survey/')), 20_000);
      expect(callsTo(platform, `+86${phone}`), 'SMS only: no call').to.have.length(0);
      const { token } = linkOf(text.body);
      const [survey] = await surveysOf(platform, ticket.id);
      // The link's time is up.
      await platform.ctx.db.updateTable('survey_links').set({ expires_at: new Date(Date.now() - 1000) }).where('survey_id', '=', survey!.id).execute();
      const late = await platform.api.post(`/api/public/surveys/${token}/answer`, { result: 'satisfied' });
      expect(late.status).to.equal(409);
      expect(late.body.error.details.reason).to.equal('expired');
      expect((await platform.api.get(`/api/public/surveys/${token}`)).body.status).to.equal('expired');

      // The expiry job: no answer by the deadline → 联系不上, and the ticket closes so.
      await expireLink(platform.ctx, { surveyId: survey!.id });
      const closed = await waitFor('the ticket to close unreachable', async () => {
        const t = await ticketRow(platform, ticket.id);
        return t.state === 'closed' ? t : undefined;
      });
      expect(closed.survey_result).to.equal('unreachable');
      const queue = await platform.api.get('/api/surveys/queue?kind=unreachable', world.tokens.supervisor);
      expect(queue.body.items.map((i: any) => i.ticketId)).to.include(ticket.id);
    } finally {
      await setPolicy(platform, world, fastPolicy);
    }
  });
});
