/**
 * Closing every console takes the agent off the phone queue after the grace period (ACD_CONSOLE_GRACE_SECONDS),
 * on the real database through the carrier simulator: an available agent goes offline with an audit row, a
 * reload within the grace period changes nothing, and a call ringing for an agent whose console closed goes
 * to the next agent keeping its place.
 */
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import type { TestPlatform } from '../support/platform.ts';
import { answeredCall, availableAgent, ringingFor, keepOnlyOneAgentOnBreak, startCallsPlatform, waitFor, type Agent } from '../calls/support.ts';

describe('routing: an agent whose consoles all closed leaves the phone queue', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  const sockets: Socket[] = [];

  before(async () => {
    platform = await startCallsPlatform({ ACD_CONSOLE_GRACE_SECONDS: '1', ACD_RING_TIMEOUT_SECONDS: '20' });
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await platform?.stop();
  });
  beforeEach(() => keepOnlyOneAgentOnBreak(platform));

  async function openConsole(agent: Agent): Promise<Socket> {
    const socket = connect(platform.url, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('session.ready', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }
  const stateOf = async (agent: Agent) =>
    platform.ctx.db.selectFrom('agent_states').select(['state', 'reason']).where('user_id', '=', agent.id).executeTakeFirstOrThrow();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('available: offline after the grace period, with an audit row; the sign-in stays valid', async () => {
    const agent = await availableAgent(platform);
    const socket = await openConsole(agent);
    socket.close();
    await sleep(300);
    expect(await stateOf(agent), 'still within the grace period').to.include({ state: 'available' });
    await waitFor('the agent to go offline', async () => (await stateOf(agent)).state === 'offline', 5_000);
    expect(await stateOf(agent)).to.include({ reason: 'console_closed' });
    const change = await platform.ctx.db.selectFrom('agent_state_changes').selectAll().where('user_id', '=', agent.id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(change).to.include({ from_state: 'available', to_state: 'offline', reason: 'console_closed' });
    const audit = await platform.ctx.db.selectFrom('audit_log').select(['actor_id', 'actor_username', 'data']).where('action', '=', 'agent.consoles_closed').where('entity_id', '=', agent.id).execute();
    expect(audit).to.have.length(1);
    expect(audit[0]!.data).to.deep.equal({ agentState: { from: 'available', to: 'offline', callId: null } });
    // The platform acted, not the agent.
    expect(audit[0]!.actor_id).to.equal(null);
    const me = await platform.api.request('GET', '/api/agents/me/state', { token: agent.token });
    expect(me.status).to.equal(200);
    expect(me.body.state).to.equal('offline');
  });

  it('a reload within the grace period keeps the agent available', async () => {
    const agent = await availableAgent(platform);
    (await openConsole(agent)).close();
    await openConsole(agent);
    await sleep(1_800);
    expect(await stateOf(agent)).to.include({ state: 'available' });
  });

  it('ringing: the call goes to the next agent, keeping its place', async () => {
    const first = await availableAgent(platform, { answer: 'manual' });
    const firstConsole = await openConsole(first);
    const caller = platform.carrierSim!.placeCall({ from: '13700000701', holdFor: 600, hangupAfter: 5 });
    const ringing = await ringingFor(platform, caller.callSid, first);
    const second = await availableAgent(platform);
    firstConsole.close();
    const answered = await answeredCall(platform, caller.callSid);
    expect(answered.answered_by).to.equal(second.id);
    expect(answered.queued_at!.getTime(), 'the call kept its place in line').to.equal(ringing.queued_at!.getTime());
    const offer = await platform.ctx.db.selectFrom('call_offers').select(['status', 'reason']).where('call_id', '=', ringing.id).where('agent_id', '=', first.id).executeTakeFirstOrThrow();
    expect(offer).to.include({ status: 'declined', reason: 'console_closed' });
    expect(await stateOf(first)).to.include({ state: 'offline', reason: 'console_closed' });
    await caller.done;
  });
});
