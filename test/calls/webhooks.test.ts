/**
 * The voice webhooks at the edge: signatures, retries, out-of-order and malformed callbacks, and carrier
 * REST failures — none may duplicate a record or leave a caller stuck.
 */
import { expect } from 'chai';
import twilio from 'twilio';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, callBySid, sid, startCallsPlatform, waitFor } from './support.ts';

describe('voice webhooks', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    platform = await startCallsPlatform();
  });
  after(async () => {
    await platform?.stop();
  });

  /** Posts a webhook signed as the carrier would (or with a given signature). */
  async function post(path: string, params: Record<string, string>, signature?: string) {
    const url = `${platform.url}/twilio/voice/${path}`;
    const sig = signature ?? twilio.getExpectedTwilioSignature(platform.twilio!.authToken, url, params);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body: new URLSearchParams(params) });
    return { status: res.status, body: await res.text() };
  }

  /** Settles these calls' missed-call entries, so the automatic callback job does not call their (fake) numbers in later tests. */
  async function settleCallbacks(callIds: string[]) {
    await platform.ctx.db.updateTable('missed_calls').set({ status: 'completed' }).where('call_id', 'in', callIds).execute();
    // The sweep (every second) may have queued a callback already: it must not ring a later test's agent.
    await platform.ctx.db
      .updateTable('calls')
      .set({ status: 'ended', caller_location: 'none', outcome: 'failed', ended_at: new Date() })
      .where('callback_of', 'in', callIds)
      .where('status', '=', 'queued')
      .execute();
  }

  it('refuses a forged or missing signature with 403 and records nothing', async () => {
    const callSid = sid('CA');
    const forged = await post('incoming', { CallSid: callSid, From: '+8613900000001' }, 'Zm9yZ2Vk');
    expect(forged.status).to.equal(403);
    const res = await fetch(`${platform.url}/twilio/voice/incoming`, { method: 'POST', body: new URLSearchParams({ CallSid: callSid }) });
    expect(res.status).to.equal(403);
    expect(await callBySid(platform, callSid)).to.equal(undefined);
  });

  it('answers a retried incoming webhook with the same TwiML and one call record', async () => {
    const callSid = sid('CA');
    const params = { CallSid: callSid, From: '+8613900000002', To: '+8612345' };
    const [a, b] = await Promise.all([post('incoming', params), post('incoming', params)]);
    const c = await post('incoming', params);
    expect(a.status).to.equal(200);
    expect(a.body).to.contain('12345政务服务便民热线');
    expect(b.body).to.equal(a.body);
    expect(c.body).to.equal(a.body);
    const rows = await platform.ctx.db.selectFrom('calls').select('id').where('call_sid', '=', callSid).execute();
    expect(rows).to.have.length(1);
    const events = await platform.ctx.db.selectFrom('call_events').select('kind').where('call_id', '=', rows[0]!.id).execute();
    expect(events.filter((e) => e.kind === 'arrived')).to.have.length(1);
  });

  it('keeps a burst of calls apart when they arrive and hang up at the same moment, each delivered twice', async () => {
    // Concurrent webhooks share statements (group commit); a carrier's retry racing its original must still
    // get the same answer and add nothing, and no call may take another's row, events or answer.
    const calls = Array.from({ length: 60 }, (_, i) => ({ CallSid: sid('CA'), From: `+86139${String(20_000_000 + i)}` }));
    const answers = await Promise.all(calls.flatMap((params) => [post('incoming', params), post('incoming', params)]));
    for (let i = 0; i < calls.length; i++) {
      expect(answers[2 * i]!.status).to.equal(200);
      expect(answers[2 * i]!.body).to.contain('12345政务服务便民热线');
      expect(answers[2 * i + 1]!.body, 'the retry gets the same document').to.equal(answers[2 * i]!.body);
    }
    const db = platform.ctx.db;
    const rows = await db.selectFrom('calls').select(['id', 'call_sid', 'caller_masked']).where('call_sid', 'in', calls.map((c) => c.CallSid)).execute();
    expect(rows).to.have.length(calls.length);
    for (const [i, call] of calls.entries()) {
      const row = rows.find((r) => r.call_sid === call.CallSid)!;
      expect(row.caller_masked).to.equal(`139****${String(20_000_000 + i).slice(-4)}`);
      expect(answers[2 * i]!.body, 'each answer carries its own call id').to.contain(row.id);
    }

    const ended = await Promise.all(calls.flatMap((c) => [post('status', { ...c, CallStatus: 'completed' }), post('status', { ...c, CallStatus: 'completed' })]));
    expect(ended.map((r) => r.status)).to.deep.equal(ended.map(() => 204));
    const events = await db.selectFrom('call_events').select(['call_id', 'kind']).where('call_id', 'in', rows.map((r) => r.id)).orderBy('id').execute();
    for (const row of rows) {
      expect(events.filter((e) => e.call_id === row.id).map((e) => e.kind)).to.deep.equal(['arrived', 'ended']);
    }
    const statuses = await db.selectFrom('calls').select(['status', 'outcome']).where('call_sid', 'in', calls.map((c) => c.CallSid)).execute();
    expect(statuses.every((s) => s.status === 'ended' && s.outcome === 'ivr_ended')).to.equal(true);
  });

  it('recognises a repeat caller, and refuses an actively blocked number but not an unblocked one', async () => {
    const db = platform.ctx.db;
    const repeatFrom = '+8613900000011';
    const firstSid = sid('CA');
    await post('incoming', { CallSid: firstSid, From: repeatFrom });
    expect((await callBySid(platform, firstSid))?.repeat_caller).to.equal(false);
    const againSid = sid('CA');
    await post('incoming', { CallSid: againSid, From: repeatFrom });
    const again = await callBySid(platform, againSid);
    expect(again?.repeat_caller).to.equal(true);
    // Learnt by the statement that records the call: the flow state and the arrived event say so too.
    expect((again?.ivr_state as { facts: { repeatCaller: boolean } }).facts.repeatCaller).to.equal(true);
    const arrived = await db.selectFrom('call_events').select('data').where('call_id', '=', again!.id).where('kind', '=', 'arrived').executeTakeFirstOrThrow();
    expect(arrived.data).to.deep.equal({ blocked: false, repeatCaller: true });

    const blockedPhone = platform.ctx.pii.protectPhone('+8613900000012');
    await db.insertInto('blocked_numbers').values({ phone_hash: blockedPhone.hash, phone_encrypted: blockedPhone.encrypted, phone_masked: blockedPhone.masked, reason: 'test' }).execute();
    const blockedSid = sid('CA');
    const refused = await post('incoming', { CallSid: blockedSid, From: '+8613900000012' });
    expect(refused.body).to.contain('<Hangup');
    expect((await callBySid(platform, blockedSid))?.blocked).to.equal(true);

    await db.updateTable('blocked_numbers').set({ active: false }).where('phone_hash', '=', blockedPhone.hash).execute();
    const unblockedSid = sid('CA');
    const welcomed = await post('incoming', { CallSid: unblockedSid, From: '+8613900000012' });
    expect(welcomed.body).to.not.contain('<Hangup');
    const unblocked = await callBySid(platform, unblockedSid);
    expect(unblocked?.blocked).to.equal(false);
    expect(unblocked?.repeat_caller).to.equal(true);
  });

  it('handles out-of-order callbacks: a final status twice, then a late gather, leave one ended call', async () => {
    const callSid = sid('CA');
    const first = await post('incoming', { CallSid: callSid, From: '+8613900000003' });
    const gatherUrl = /action="[^"]*\/twilio\/voice\/(gather\?[^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    // The carrier reports the end before (and again after) the caller's key arrives.
    expect((await post('status', { CallSid: callSid, CallStatus: 'completed' })).status).to.equal(204);
    expect((await post('status', { CallSid: callSid, CallStatus: 'completed' })).status).to.equal(204);
    const late = await post(gatherUrl, { CallSid: callSid, Digits: '2' });
    expect(late.status).to.equal(200);
    expect(late.body).to.contain('<Hangup');
    const row = await callBySid(platform, callSid);
    expect(row?.status).to.equal('ended');
    expect(row?.outcome).to.equal('ivr_ended');
    expect(row?.queued_at).to.equal(null);
    // A status for a call never seen changes nothing and is not an error.
    expect((await post('status', { CallSid: sid('CA'), CallStatus: 'completed' })).status).to.equal(204);
  });

  it('keeps a call whose final status came before its incoming webhook, as failed and on the callback list', async () => {
    // The carrier gave up waiting for our answer, or the two webhooks crossed between server processes.
    const db = platform.ctx.db;
    const early = { CallSid: sid('CA'), From: '+8613900000031', Direction: 'inbound' };
    expect((await post('status', { ...early, CallStatus: 'completed' })).status).to.equal(204);
    const late = await post('incoming', early);
    expect(late.status).to.equal(200);
    expect(late.body).to.contain('<Hangup').and.not.contain('12345政务服务便民热线');
    const row = await callBySid(platform, early.CallSid);
    expect(row).to.include({ status: 'ended', outcome: 'failed', caller_masked: '139****0031' });
    const missed = await db.selectFrom('missed_calls').select('reason').where('call_id', '=', row!.id).execute();
    expect(missed).to.deep.equal([{ reason: 'failed' }]);

    // Both at the same moment, for many calls at once: whichever commits first, no call is left in the IVR.
    const crossed = Array.from({ length: 40 }, (_, i) => ({ CallSid: sid('CA'), From: `+86139${String(30_000_000 + i)}`, Direction: 'inbound' }));
    await Promise.all(crossed.flatMap((c) => [post('incoming', c), post('status', { ...c, CallStatus: 'completed' })]));
    const rows = await db.selectFrom('calls').select(['id', 'status']).where('call_sid', 'in', crossed.map((c) => c.CallSid)).execute();
    expect(rows).to.have.length(crossed.length);
    expect(rows.filter((r) => r.status !== 'ended'), 'calls left open').to.deep.equal([]);
    await settleCallbacks([row!.id, ...rows.map((r) => r.id)]);
    // A status for a callback leg never seen (not inbound) records nothing.
    const stray = sid('CA');
    expect((await post('status', { CallSid: stray, From: '+8613900000032', Direction: 'outbound-api', CallStatus: 'completed' })).status).to.equal(204);
    expect(await callBySid(platform, stray)).to.equal(undefined);
  });

  it('answers malformed parameters with 400, or with an apology and the general queue when a caller is on the line', async () => {
    const noSid = await post('status', { CallStatus: 'completed' });
    expect(noSid.status).to.equal(400);
    const callSid = sid('CA');
    await post('incoming', { CallSid: callSid, From: '+8613900000004' });
    const bad = await post('gather?call=not-a-uuid&seq=x', { CallSid: callSid, Digits: '1' });
    expect(bad.status).to.equal(200);
    expect(bad.body).to.contain('抱歉');
    expect(bad.body).to.match(/<Enqueue[^>]*>hotline-general<\/Enqueue>/);
    const row = await callBySid(platform, callSid);
    expect(row?.status).to.equal('queued');
    expect(row?.desk).to.equal('general');
    expect(row?.failure).to.equal('malformed parameters');
    // The caller hangs up: the rescued call ends as abandoned and goes on the callback list.
    await post('status', { CallSid: callSid, CallStatus: 'completed' });
    const ended = await callBySid(platform, callSid);
    expect(ended?.outcome).to.equal('abandoned');
    const missed = await platform.ctx.db.selectFrom('missed_calls').select(['reason', 'status']).where('call_id', '=', ended!.id).execute();
    expect(missed).to.have.length(1);
    await settleCallbacks([ended!.id]);
  });

  it('keeps a caller whose offer failed at the carrier (REST 500, then a timeout) and connects them once it recovers', async () => {
    const sim = platform.carrierSim!;
    sim.failNext({ path: '/Participants.json', method: 'POST', status: 500 });
    sim.failNext({ path: '/Participants.json', method: 'POST', status: 'timeout' });
    const agent = await availableAgent(platform);
    const call = sim.placeCall({ from: '13900000005', hangupAfter: 2 });
    const answered = await waitFor(
      'the caller to reach the agent after the faults',
      async () => {
        const row = await callBySid(platform, call.callSid);
        return row?.answered_at ? row : undefined;
      },
      20_000,
    );
    expect(answered.answered_by).to.equal(agent.id);
    expect(answered.offer_failures).to.equal(2);
    const offers = await platform.ctx.db.selectFrom('call_offers').select('status').where('call_id', '=', answered.id).orderBy('offered_at').execute();
    expect(offers.slice(0, 2).map((o) => o.status)).to.deep.equal(['failed', 'failed']);
    expect(offers.slice(2).map((o) => o.status)).to.have.length(1).and.to.satisfy((s: string[]) => ['accepted', 'ended'].includes(s[0]!));
    await call.done;
    const ended = await waitFor('the call to end', async () => ((await callBySid(platform, call.callSid))?.status === 'ended' ? callBySid(platform, call.callSid) : undefined));
    expect(ended?.outcome).to.equal('answered');
    const state = await platform.ctx.db.selectFrom('agent_states').select('state').where('user_id', '=', agent.id).executeTakeFirstOrThrow();
    expect(state.state).to.equal('available');
  });
});
