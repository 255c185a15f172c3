/**
 * Routing inside the transaction that frees an agent or queues a call (migration 0015): the offer is reserved
 * in that transaction, rung after it commits through the `routing_dial` notification, and claimed by exactly
 * one caller of `dialPendingOffers`; a rolled-back reservation rings nobody.
 */
import { expect } from 'chai';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, callBySid, keepOnlyOneAgentOnBreak, startCallsPlatform, waitFor } from '../calls/support.ts';
import { dialPendingOffers, offerNextCallInTransaction } from '../../server/src/modules/routing/routing.service.ts';

describe('routing: offers reserved in the transaction that frees the agent', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    platform = await startCallsPlatform();
  });
  after(async () => {
    await platform?.stop();
  });
  // Each test brings its own agents.
  beforeEach(() => keepOnlyOneAgentOnBreak(platform));

  /** A caller who waits in the queue (long enough for the test) with no agent free. */
  async function waitingCall(from: string) {
    const call = platform.carrierSim!.placeCall({ from, holdFor: 600, hangupAfter: 1 });
    const row = await waitFor('the caller to wait in the queue', async () => {
      const r = await callBySid(platform, call.callSid);
      return r?.status === 'queued' ? r : undefined;
    }, 20_000);
    return { call, row };
  }

  it('an agent going available while a call waits is offered it before the state change is answered, and the call is answered', async () => {
    const { call, row } = await waitingCall('13700000301');
    const agent = await availableAgent(platform);
    // The reservation committed with the state change: the offer is there when the API answers.
    const offers = await platform.ctx.db.selectFrom('call_offers').selectAll().where('call_id', '=', row.id).execute();
    expect(offers.map((o) => o.agent_id)).to.deep.equal([agent.id]);
    const available = await platform.ctx.db
      .selectFrom('agent_state_changes')
      .select('at')
      .where('user_id', '=', agent.id)
      .where('to_state', '=', 'available')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(offers[0]!.offered_at.getTime()).to.be.at.least(available.at.getTime());
    // Rung after the commit (the notification, then the claim): the simulated softphone answers.
    const answered = await waitFor('the agent to answer', async () => {
      const r = await callBySid(platform, call.callSid);
      return r?.answered_at ? r : undefined;
    });
    expect(answered.answered_by).to.equal(agent.id);
    const offer = await platform.ctx.db.selectFrom('call_offers').select(['dial_pending', 'leg_sid']).where('id', '=', offers[0]!.id).executeTakeFirstOrThrow();
    expect(offer).to.include({ dial_pending: false });
    expect(offer.leg_sid).to.be.a('string');
    await call.done;
  });

  it('a reservation rolled back with its transaction rings nobody; a committed one is claimed by exactly one dialler', async () => {
    // The agent's handset is registered (available with nobody waiting), then the agent steps away.
    const agent = await availableAgent(platform);
    await platform.ctx.db.updateTable('agent_states').set({ state: 'break', reason: 'test' }).where('user_id', '=', agent.id).execute();
    const { call, row } = await waitingCall('13700000302');
    // Back in the same transaction as the reservation, so no sweep sees the agent free in between.

    // The call's row may be locked for a moment by its own wait-loop webhook (the pass skips locked rows):
    // such an attempt reserves nothing and is rolled back and tried again.
    const freeAndOffer = async (commit: boolean): Promise<number> => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const retry = new Error('retry');
        const made = await platform.ctx.db
          .transaction()
          .execute(async (trx) => {
            await trx.updateTable('agent_states').set({ state: 'available', reason: null }).where('user_id', '=', agent.id).execute();
            const n = await offerNextCallInTransaction(platform.ctx, trx);
            if (n === 0 || !commit) throw Object.assign(retry, { n });
            return n;
          })
          .catch((error: unknown) => {
            if (error !== retry) throw error;
            return (error as Error & { n: number }).n;
          });
        if (made > 0) return made;
        await new Promise((r) => setTimeout(r, 50));
      }
      return 0;
    };

    expect(await freeAndOffer(false), 'reserved, then rolled back').to.equal(1);
    const afterRollback = await platform.ctx.db.selectFrom('call_offers').select('id').where('call_id', '=', row.id).execute();
    expect(afterRollback, 'no offer survives the rollback').to.have.length(0);
    expect((await callBySid(platform, call.callSid))?.status).to.equal('queued');

    // Committed: two diallers race for it (the listener is a third); the offer is dialled once.
    expect(await freeAndOffer(true)).to.equal(1);
    const claims = await Promise.all([dialPendingOffers(platform.ctx), dialPendingOffers(platform.ctx)]);
    expect(claims.reduce((a, b) => a + b, 0)).to.be.at.most(1);
    const answered = await waitFor('the agent to answer', async () => {
      const r = await callBySid(platform, call.callSid);
      return r?.answered_at ? r : undefined;
    });
    expect(answered.answered_by).to.equal(agent.id);
    // Every offer was dialled exactly once: one leg each (a busy machine may fail a dial and offer again).
    const offers = await platform.ctx.db.selectFrom('call_offers').selectAll().where('call_id', '=', row.id).execute();
    expect(offers.every((o) => o.agent_id === agent.id && !o.dial_pending)).to.equal(true);
    const legs = platform.carrierSim!.calls().filter((c) => c.to === `client:agent_${agent.id}`);
    expect(legs.length).to.be.at.least(1);
    expect(legs.map((l) => l.callSid).sort()).to.deep.equal(offers.flatMap((o) => (o.leg_sid ? [o.leg_sid] : [])).sort());
    await call.done;
  });
});
