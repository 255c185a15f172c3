/**
 * The screen pop lists the caller's own work orders (matched by the phone vault's hash), and the wallboard's
 * abandon rate counts only callers who gave up in the queue.
 */
import { expect } from 'chai';
import type { TestPlatform } from '../support/platform.ts';
import { measureCalls } from '../../server/src/modules/calls/wallboard.ts';
import { availableAgent, startCallsPlatform, waitFor } from './support.ts';

describe('screen pop tickets and the abandon rate', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  before(async () => {
    platform = await startCallsPlatform();
  });
  after(async () => {
    await platform?.stop();
  });

  async function ticketFor(phone: string, number: string, title: string, createdAt: Date) {
    const p = platform.ctx.pii.protectPhone(phone);
    await platform.ctx.db
      .insertInto('tickets')
      .values({
        number,
        channel: 'phone',
        type: 'complaint',
        urgency: 'normal',
        title,
        description: '测试工单',
        state: 'registering',
        caller_phone_hash: p.hash,
        caller_phone_encrypted: p.encrypted,
        caller_phone_masked: p.masked,
        caller_phone_last_four: p.lastFour,
        created_at: createdAt,
      } as never)
      .execute();
  }

  it("shows the caller's recent tickets, newest first, and nobody else's", async () => {
    await ticketFor('13700000071', 'SP-0001', '路灯不亮', new Date(Date.now() - 86_400_000));
    await ticketFor('13700000071', 'SP-0002', '噪音扰民', new Date());
    await ticketFor('13700000072', 'SP-0003', '别人的工单', new Date());
    const agent = await availableAgent(platform, { answer: 'manual' });
    platform.carrierSim!.placeCall({ from: '13700000071', holdFor: 30 });
    const current = await waitFor('the offer with its screen pop', async () => {
      const res = await platform.api.get('/api/calls/current', agent.token);
      return res.body.screenPop ? res.body : undefined;
    });
    expect(current.screenPop.tickets.map((t: { number: string }) => t.number)).to.deep.equal(['SP-0002', 'SP-0001']);
    expect(current.screenPop.tickets[0]).to.include({ title: '噪音扰民', state: 'registering' });
    expect(current.screenPop.tickets[0].createdAt).to.match(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('counts as abandoned only calls that were queued', async () => {
    // A day of its own (long ago), so no other test's calls fall in the window.
    const day = new Date('2020-03-02T02:00:00Z');
    const at = new Date(day.getTime() + 3600_000);
    const db = platform.ctx.db;
    const base = { direction: 'inbound', caller_hash: 'h', caller_encrypted: 'e', caller_masked: '137****0000', status: 'ended', outcome: 'abandoned', offered_at: at } as const;
    // Gave up after 30 s in the queue (a hang-up within the first 5 s is a short abandon: not counted at all).
    await db.insertInto('calls').values({ ...base, queued_at: at, abandoned_at: new Date(at.getTime() + 30_000), wait_seconds: '30' }).execute();
    // Hung up at the voicemail prompt the IVR sent them to, never in the queue.
    await db.insertInto('calls').values({ ...base }).execute();
    const measures = await measureCalls(platform.ctx, day, new Date(day.getTime() + 86_400_000));
    expect(measures).to.include({ offered: 1, abandoned: 1 });
  });
});
