/**
 * Leaving wrap-up, through the carrier simulator on the real database. Every way out records the call's wrap-up
 * code: going available or on break needs the agent's choice (a break is no way round it), signing off is
 * allowed but writes 未选择 on an uncoded call with a call event and an audit row naming the agent, and the
 * wrap-up timeout that was still pending does not bring a signed-off agent back.
 */
import { expect } from 'chai';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, callBySid, callEndingInWrapUp, callEvents, startCallsPlatform, waitFor, type Agent } from './support.ts';

const WRAP_UP_SECONDS = 5;

describe('calls: leaving wrap-up always leaves a code on the call', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    platform = await startCallsPlatform({ ACD_WRAP_UP_SECONDS: String(WRAP_UP_SECONDS) });
  });
  after(async () => {
    await platform?.stop();
  });

  /** A call the agent answers and the caller ends (callEndingInWrapUp), checked to be this agent's. */
  async function answeredCallInWrapUp(agent: Agent, from: string) {
    const row = await callEndingInWrapUp(platform, agent, from);
    expect(row.answered_by, 'the agent under test answered').to.equal(agent.id);
    return row;
  }
  const setState = (agent: Agent, body: Record<string, unknown>, language?: string) =>
    platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body, ...(language ? { headers: { 'accept-language': language } } : {}) });
  const auditOf = (callId: string) =>
    platform.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'actor_username', 'data']).where('entity', '=', 'call').where('entity_id', '=', callId).execute();

  it('refuses a break without a code; signing off records 未选择 with an event and an audit row', async () => {
    const agent = await availableAgent(platform);
    const call = await answeredCallInWrapUp(agent, '13600000201');

    const onBreak = await setState(agent, { state: 'break', reason: 'rest' });
    expect(onBreak.status).to.equal(409);
    expect(onBreak.body.error.message).to.contain('话后小结');
    const english = await setState(agent, { state: 'break', reason: 'rest' }, 'en');
    expect(english.body.error.message).to.contain('wrap-up code');
    expect((await platform.api.get('/api/agents/me/state', agent.token)).body.state, 'still in wrap-up').to.equal('wrap_up');

    const signedOff = await setState(agent, { state: 'offline' });
    expect(signedOff.status).to.equal(200);
    expect(signedOff.body.state).to.equal('offline');
    const after = await callBySid(platform, call.call_sid!);
    expect(after!.wrap_up_code).to.equal('unselected');
    expect(await callEvents(platform, call.id)).to.include('wrap_up_signed_off');
    const audit = await auditOf(call.id);
    expect(audit.map((a) => a.action)).to.deep.equal(['call.wrap_up_unselected']);
    expect(audit[0]!.actor_id).to.equal(agent.id);
    expect(audit[0]!.actor_username).to.equal(agent.username);
    expect(audit[0]!.data).to.deep.include({ reason: 'signed_off', recorded: 'unselected' });

    // The wrap-up timeout queued with the call comes due: the agent stays signed off, nothing is recorded twice.
    await new Promise((resolve) => setTimeout(resolve, (WRAP_UP_SECONDS + 1.5) * 1000));
    expect((await platform.api.get('/api/agents/me/state', agent.token)).body.state).to.equal('offline');
    const events = await callEvents(platform, call.id);
    expect(events).to.not.include('wrap_up_timed_out');
    expect(events.filter((k) => k === 'wrap_up_signed_off')).to.have.length(1);
  });

  it('keeps the chosen code when the agent signs off, with no 未选择 audit row', async () => {
    const agent = await availableAgent(platform);
    const call = await answeredCallInWrapUp(agent, '13600000202');
    const chosen = await platform.api.post(`/api/calls/${call.id}/wrap-up`, { code: 'help' }, agent.token);
    expect(chosen.status).to.equal(200);
    const signedOff = await setState(agent, { state: 'offline' });
    expect(signedOff.status).to.equal(200);
    expect((await callBySid(platform, call.call_sid!))!.wrap_up_code).to.equal('help');
    expect(await callEvents(platform, call.id)).to.not.include('wrap_up_signed_off');
    expect(await auditOf(call.id)).to.deep.equal([]);
  });

  it('lets an agent who chose a code go on break from wrap-up', async () => {
    const agent = await availableAgent(platform);
    const call = await answeredCallInWrapUp(agent, '13600000203');
    await platform.api.post(`/api/calls/${call.id}/wrap-up`, { code: 'resolved' }, agent.token);
    const onBreak = await setState(agent, { state: 'break', reason: 'rest' });
    expect(onBreak.status).to.equal(200);
    expect(onBreak.body).to.include({ state: 'break', reason: 'rest' });
    expect((await callBySid(platform, call.call_sid!))!.wrap_up_code).to.equal('resolved');
    // Signed off, so later tests' calls go to their own agent.
    await setState(agent, { state: 'offline' });
  });
});
