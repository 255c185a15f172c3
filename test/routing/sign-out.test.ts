/**
 * Signing out of the console takes the agent off the phone queue, in the transaction that revokes the sign-in
 * (auth's session-end hook, routing's signOffAgent), on the real database through the carrier simulator: one
 * test per starting state, an account an admin disables, and a sign-in revoked for a replayed refresh token. Each change is logged in agent_state_changes with
 * the sign-out as its reason, and the sign-out's audit row says what it changed.
 */
import { expect } from 'chai';
import { buildUser, signIn } from '../support/factories.ts';
import type { TestPlatform } from '../support/platform.ts';
import { answeredCall, availableAgent, callBySid, ringingFor, callEndingInWrapUp, callEvents, keepOnlyOneAgentOnBreak, startCallsPlatform, waitFor, type Agent } from '../calls/support.ts';

describe('routing: signing out takes the agent off the phone queue', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    // A wrap-up long enough to sign out in, and a ring that lasts until the test signs out.
    platform = await startCallsPlatform({ ACD_WRAP_UP_SECONDS: '30', ACD_RING_TIMEOUT_SECONDS: '20' });
  });
  after(async () => {
    await platform?.stop();
  });
  // Each test brings its own agents; nobody else is free to take its calls.
  beforeEach(() => keepOnlyOneAgentOnBreak(platform));

  const stateOf = async (agent: Agent) =>
    platform.ctx.db.selectFrom('agent_states').select(['state', 'reason', 'call_id']).where('user_id', '=', agent.id).executeTakeFirstOrThrow();
  const lastChange = async (agent: Agent) =>
    platform.ctx.db.selectFrom('agent_state_changes').selectAll().where('user_id', '=', agent.id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const signOutAudit = async (agent: Agent) =>
    platform.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('actor_id', '=', agent.id).where('action', '=', 'auth.signed_out').executeTakeFirstOrThrow();
  const logout = async (agent: Agent) => {
    const res = await platform.api.post('/api/auth/logout', undefined, agent.token);
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
  };
  const talkingCall = (callSid: string) =>
    waitFor('the call to be answered', async () => {
      const r = await callBySid(platform, callSid);
      return r?.status === 'talking' && r.caller_location === 'conference' ? r : undefined;
    }, 20_000);

  it('available: offline, logged with the sign-out as the reason, in the sign-out audit row', async () => {
    const agent = await availableAgent(platform);
    await logout(agent);
    expect(await stateOf(agent)).to.include({ state: 'offline', reason: 'signed_out' });
    expect(await lastChange(agent)).to.include({ from_state: 'available', to_state: 'offline', reason: 'signed_out' });
    const audit = await signOutAudit(agent);
    expect(audit.data).to.deep.equal({ agentState: { from: 'available', to: 'offline', callId: null } });
    // A second sign-out of the same (revoked) sign-in changes nothing and is refused.
    expect((await platform.api.post('/api/auth/logout', undefined, agent.token)).status).to.equal(401);
  });

  it('on a break: offline', async () => {
    const agent = await availableAgent(platform);
    const onBreak = await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'break', reason: 'meal' } });
    expect(onBreak.status).to.equal(200);
    await logout(agent);
    expect(await stateOf(agent)).to.include({ state: 'offline', reason: 'signed_out' });
    expect(await lastChange(agent)).to.include({ from_state: 'break', to_state: 'offline', reason: 'signed_out' });
  });

  it('in wrap-up without a code: offline, 未选择 on the call with its event and audit row', async () => {
    const agent = await availableAgent(platform);
    const call = await callEndingInWrapUp(platform, agent, '13700000601');
    expect(call.answered_by).to.equal(agent.id);
    await logout(agent);
    expect(await stateOf(agent)).to.include({ state: 'offline', reason: 'signed_out' });
    expect(await lastChange(agent)).to.include({ from_state: 'wrap_up', to_state: 'offline', reason: 'signed_out' });
    expect((await callBySid(platform, call.call_sid!))!.wrap_up_code).to.equal('unselected');
    expect(await callEvents(platform, call.id)).to.include('wrap_up_signed_off');
    const unselected = await platform.ctx.db.selectFrom('audit_log').select(['actor_id', 'data']).where('action', '=', 'call.wrap_up_unselected').where('entity_id', '=', call.id).execute();
    expect(unselected).to.have.length(1);
    expect(unselected[0]!.actor_id).to.equal(agent.id);
    expect(unselected[0]!.data).to.deep.include({ agentId: agent.id, reason: 'signed_out', recorded: 'unselected' });
    expect((await signOutAudit(agent)).data).to.deep.equal({ agentState: { from: 'wrap_up', to: 'offline', callId: call.id } });
  });

  it('ringing: the offer is declined and the call, keeping its place, is offered to the next agent at once', async () => {
    const first = await availableAgent(platform, { answer: 'manual' });
    const caller = platform.carrierSim!.placeCall({ from: '13700000602', holdFor: 600, hangupAfter: 5 });
    const ringing = await ringingFor(platform, caller.callSid, first);
    // A second agent, free once the call is already ringing for the first.
    const second = await availableAgent(platform);
    await logout(first);

    expect(await stateOf(first)).to.include({ state: 'offline', reason: 'signed_out' });
    expect(await lastChange(first)).to.include({ from_state: 'ringing', to_state: 'offline', reason: 'signed_out', call_id: null });
    const offers = await platform.ctx.db.selectFrom('call_offers').selectAll().where('call_id', '=', ringing.id).orderBy('offered_at').execute();
    expect(offers[0]).to.include({ agent_id: first.id, status: 'declined', reason: 'signed_out' });
    // Reserved for the second agent in the sign-out's own transaction: the offer exists as soon as it returns.
    expect(offers[1], 'offered to the next agent').to.include({ agent_id: second.id });
    expect(await callEvents(platform, ringing.id)).to.include('offer_declined');
    const answered = await answeredCall(platform, caller.callSid);
    expect(answered.answered_by).to.equal(second.id);
    expect(answered.queued_at!.getTime(), 'the call kept its place in line').to.equal(ringing.queued_at!.getTime());
    expect((await signOutAudit(first)).data).to.deep.equal({ agentState: { from: 'ringing', to: 'offline', callId: ringing.id } });
    await caller.done;
  });

  it('on a call: offline at once, the call goes on, and its end brings no wrap-up', async () => {
    const agent = await availableAgent(platform);
    const caller = platform.carrierSim!.placeCall({ from: '13700000603', holdFor: 600, hangupAfter: 3000 });
    const talking = await talkingCall(caller.callSid);
    expect(talking.agent_id).to.equal(agent.id);
    await logout(agent);

    expect(await stateOf(agent)).to.include({ state: 'offline', reason: 'signed_out' });
    expect(await lastChange(agent)).to.include({ from_state: 'on_call', to_state: 'offline', reason: 'signed_out', call_id: talking.id });
    // The call is not cut: still talking, the agent's leg still accepted, a moment later too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await callBySid(platform, caller.callSid))!.status).to.equal('talking');
    const leg = await platform.ctx.db.selectFrom('call_offers').select(['status']).where('call_id', '=', talking.id).where('agent_id', '=', agent.id).executeTakeFirstOrThrow();
    expect(leg.status).to.equal('accepted');
    expect((await callBySid(platform, caller.callSid))!.wrap_up_code).to.equal('unselected');

    // The caller hangs up: the call ends, and the agent stays signed off (no wrap-up, never available again).
    expect(platform.carrierSim!.hangupCall(caller.callSid)).to.equal(true);
    await waitFor('the call to end', async () => (await callBySid(platform, caller.callSid))?.status === 'ended', 20_000);
    await caller.done;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stateOf(agent)).to.include({ state: 'offline' });
    const after = await platform.ctx.db.selectFrom('agent_state_changes').select('to_state').where('user_id', '=', agent.id).where('call_id', '=', talking.id).execute();
    expect(after.map((c) => c.to_state)).to.not.include('wrap_up');
  });

  it('an account an admin disables goes offline in the same change', async () => {
    const agent = await availableAgent(platform);
    const admin = await buildUser(platform.ctx.db, { role: 'admin' });
    const { accessToken } = await signIn(platform.api, admin);
    const disabled = await platform.api.request('PATCH', `/api/directory/users/${agent.id}`, { token: accessToken, body: { active: false } });
    expect(disabled.status, JSON.stringify(disabled.body)).to.equal(200);

    expect(await stateOf(agent)).to.include({ state: 'offline', reason: 'account_changed' });
    expect(await lastChange(agent)).to.include({ from_state: 'available', to_state: 'offline', reason: 'account_changed' });
    const audit = await platform.ctx.db.selectFrom('audit_log').select(['actor_id', 'data']).where('action', '=', 'user.updated').where('entity_id', '=', agent.id).executeTakeFirstOrThrow();
    expect(audit.actor_id).to.equal(admin.id);
    expect(audit.data).to.deep.include({ agentState: { from: 'available', to: 'offline', callId: null } });
    expect((await platform.api.get('/api/agents/me/state', agent.token)).status, 'the sign-in is revoked').to.equal(401);
  });

  it('a sign-in revoked because its refresh token was replayed goes offline too', async () => {
    const user = await buildUser(platform.ctx.db, { role: 'agent', skills: [{ skill: 'general', level: 3 }] });
    const session = await signIn(platform.api, user);
    const ready = await platform.api.request('PUT', '/api/agents/me/state', { token: session.accessToken, body: { state: 'available', simulatorAnswer: 'auto' } });
    expect(ready.status).to.equal(200);
    expect((await platform.api.post('/api/auth/refresh', { refreshToken: session.refreshToken })).status).to.equal(200);
    const replayed = await platform.api.post('/api/auth/refresh', { refreshToken: session.refreshToken });
    expect(replayed.status).to.equal(401);
    const agent = { id: user.id, username: user.username, token: session.accessToken };
    expect(await stateOf(agent)).to.include({ state: 'offline', reason: 'refresh_token_reused' });
    const audit = await platform.ctx.db.selectFrom('audit_log').select(['data']).where('action', '=', 'auth.refresh_reused').where('data', '@>', JSON.stringify({ userId: user.id }) as never).executeTakeFirstOrThrow();
    expect(audit.data).to.deep.include({ agentState: { from: 'available', to: 'offline', callId: null } });
  });
});
