/**
 * An agent whose softphone leg ends is free for the next call at once, even while their last call is still
 * live for the caller (the caller's final status not in yet, or the caller rating the agent): migration 0017's
 * `calls.agent_left_at`. The call keeps naming the agent (wrap-up, reports), and an agent still on a live call
 * can never be given a second one.
 */
import { expect } from 'chai';
import { sql } from 'kysely';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, callBySid, keepOnlyOneAgentOnBreak, startCallsPlatform, waitFor } from '../calls/support.ts';
import { freeAgent } from '../../server/src/modules/routing/routing.service.ts';

describe('routing: an agent whose leg ended is free before the caller’s side ends', function () {
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

  it('the agent hangs up: the waiting call is offered to them in that transaction, before the first call ends, and both calls stay theirs', async () => {
    const agent = await availableAgent(platform);
    // The first caller talks for long (hangs up only when the platform ends the call).
    const first = platform.carrierSim!.placeCall({ from: '13700000401', holdFor: 600, hangupAfter: 3000 });
    const talking = await waitFor('the first call to be answered', async () => {
      const r = await callBySid(platform, first.callSid);
      return r?.status === 'talking' && r.caller_location === 'conference' ? r : undefined;
    }, 20_000);
    expect(talking.agent_id).to.equal(agent.id);
    const second = platform.carrierSim!.placeCall({ from: '13700000402', holdFor: 600, hangupAfter: 1 });
    const waiting = await waitFor('the second caller to wait in the queue', async () => {
      const r = await callBySid(platform, second.callSid);
      return r?.status === 'queued' ? r : undefined;
    }, 20_000);

    // The agent's leg ends (the carrier reports it before anything about the caller's side).
    const firstOffer = await platform.ctx.db.selectFrom('call_offers').selectAll().where('call_id', '=', talking.id).where('status', '=', 'accepted').executeTakeFirstOrThrow();
    expect(platform.carrierSim!.hangupCall(firstOffer.leg_sid!)).to.equal(true);

    const offered = await waitFor('the second call to be offered', async () =>
      platform.ctx.db.selectFrom('call_offers').selectAll().where('call_id', '=', waiting.id).executeTakeFirst(),
    );
    expect(offered.agent_id).to.equal(agent.id);
    const ended = await waitFor('the first call to end', async () => {
      const r = await callBySid(platform, first.callSid);
      return r?.status === 'ended' ? r : undefined;
    }, 20_000);
    // Offered in the transaction that took the agent off the first call: before the caller's side ended it.
    expect(offered.offered_at.getTime()).to.be.below(ended.ended_at!.getTime());
    // The first call is still the agent's: answered by them, theirs to wrap up, marked as left.
    expect(ended).to.include({ outcome: 'answered', agent_id: agent.id, answered_by: agent.id });
    expect(ended.agent_left_at).to.be.instanceOf(Date);
    // Never two calls at once: the first offer ended before the second began.
    const firstEnded = await platform.ctx.db.selectFrom('call_offers').select('ended_at').where('id', '=', firstOffer.id).executeTakeFirstOrThrow();
    expect(firstEnded.ended_at!.getTime()).to.be.at.most(offered.offered_at.getTime());
    const answered = await waitFor('the second call to be answered', async () => {
      const r = await callBySid(platform, second.callSid);
      return r?.answered_by ? r : undefined;
    }, 20_000);
    expect(answered.answered_by).to.equal(agent.id);
    await Promise.all([first.done, second.done]);
  });

  it('one live call per agent still holds for an agent on the call; a call the agent has left does not count', async () => {
    const agent = await availableAgent(platform);
    const insertLive = (status: string, leftAt: Date | null) => sql`
      insert into calls (direction, caller_hash, caller_encrypted, caller_masked, status, caller_location, agent_id, agent_left_at, ivr_flow)
      values ('inbound', 'h', 'e', '138****0000', ${status}, 'conference', ${agent.id}, ${leftAt}, 'hotline')`.execute(platform.ctx.db);
    await platform.ctx.db.updateTable('agent_states').set({ state: 'break', reason: 'test' }).where('user_id', '=', agent.id).execute();
    await insertLive('talking', new Date());
    await insertLive('talking', null);
    const error = await insertLive('offering', null).then(() => undefined, (e: unknown) => e as Error & { code?: string });
    expect(error?.code, 'the unique index refuses a second live call the agent is on').to.equal('23505');
    await sql`delete from calls where agent_id = ${agent.id}`.execute(platform.ctx.db);
  });

  it('freeing an agent stamps the change and offers the first waiting call in one statement', async () => {
    const agent = await availableAgent(platform);
    await platform.ctx.db.updateTable('agent_states').set({ state: 'break', reason: 'test' }).where('user_id', '=', agent.id).execute();
    const caller = platform.carrierSim!.placeCall({ from: '13700000403', holdFor: 600, hangupAfter: 1 });
    const waiting = await waitFor('the caller to wait in the queue', async () => {
      const r = await callBySid(platform, caller.callSid);
      return r?.status === 'queued' ? r : undefined;
    }, 20_000);
    // The call's own wait-loop webhook may hold its row for a moment (reservations skip locked rows): retry.
    let change: Awaited<ReturnType<typeof freeAgent>> | undefined;
    const retry = new Error('retry');
    for (let attempt = 0; attempt < 40 && !change; attempt++) {
      change = await platform.ctx.db
        .transaction()
        .execute(async (trx) => {
          const made = await freeAgent(platform.ctx, trx, agent.id);
          const offer = await trx.selectFrom('call_offers').select('id').where('call_id', '=', waiting.id).executeTakeFirst();
          if (!offer) throw retry; // rolled back: the agent is on a break again
          return made;
        })
        .catch((error: unknown) => {
          if (error !== retry) throw error;
          return undefined;
        });
      if (!change) await new Promise((r) => setTimeout(r, 50));
    }
    expect(change, 'an offer reserved with the change').to.not.equal(undefined);
    expect(change).to.include({ userId: agent.id, from: 'break', to: 'available' });
    const logged = await platform.ctx.db.selectFrom('agent_state_changes').select(['at', 'from_state']).where('user_id', '=', agent.id).where('to_state', '=', 'available').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(logged.at.getTime()).to.equal(change!.at.getTime());
    const offer = await platform.ctx.db.selectFrom('call_offers').selectAll().where('call_id', '=', waiting.id).executeTakeFirstOrThrow();
    expect(offer.agent_id).to.equal(agent.id);
    expect(offer.offered_at.getTime()).to.be.at.least(change!.at.getTime());
    const answered = await waitFor('the agent to answer', async () => {
      const r = await callBySid(platform, caller.callSid);
      return r?.answered_by ? r : undefined;
    }, 20_000);
    expect(answered.answered_by).to.equal(agent.id);
    await caller.done;
  });
});
