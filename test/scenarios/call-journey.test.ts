/**
 * The whole call path through the carrier simulator and the real database: greeting → queue → offer →
 * answer → transfer → hang up, with the times the measures are computed from.
 */
import { expect } from 'chai';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, callBySid, callEvents, startCallsPlatform, waitFor } from '../calls/support.ts';

describe('scenario: a call from greeting to hang-up', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    platform = await startCallsPlatform();
  });
  after(async () => {
    await platform?.stop();
  });

  it('greets, queues, offers to the longest-idle agent, connects, transfers cold to another agent and ends', async () => {
    const first = await availableAgent(platform);
    const second = await availableAgent(platform);
    // The second agent has been idle for less time: the first is offered the call.
    const call = platform.carrierSim!.placeCall({ from: '13800138000', hangupAfter: 400 });
    const record = await waitFor('the call to be answered', async () => {
      const row = await callBySid(platform, call.callSid);
      return row?.status === 'talking' && row.caller_location === 'conference' ? row : undefined;
    });
    expect(record.agent_id).to.equal(first.id);
    expect(record.caller_masked).to.equal('138****8000');
    expect(record.caller_encrypted).to.not.contain('13800138000');
    expect(record.answered_at).to.be.instanceOf(Date);
    expect(Number(record.wait_seconds)).to.be.greaterThanOrEqual(0);
    const heard = call.steps.filter((s) => s.kind === 'heard').map((s) => (s as { text: string }).text);
    expect(heard[0]).to.contain('您好，这里是12345政务服务便民热线');

    // The console sees the current call with the screen pop.
    const current = await platform.api.get('/api/calls/current', first.token);
    expect(current.status).to.equal(200);
    expect(current.body.call.id).to.equal(record.id);
    expect(current.body.screenPop.repeatCaller).to.equal(false);

    const transfer = await platform.api.post(`/api/calls/${record.id}/transfer`, { mode: 'cold', to: { kind: 'agent', agentId: second.id } }, first.token);
    expect(transfer.status, JSON.stringify(transfer.body)).to.equal(200);
    const moved = await waitFor('the second agent to take the call', async () => {
      const row = await callBySid(platform, call.callSid);
      return row?.status === 'talking' && row.agent_id === second.id ? row : undefined;
    });
    expect(moved.transferred_at).to.be.instanceOf(Date);
    expect(moved.answered_by).to.equal(first.id);

    const hangup = await platform.api.post(`/api/calls/${record.id}/hangup`, undefined, second.token);
    expect(hangup.status, JSON.stringify(hangup.body)).to.equal(200);
    const summary = await call.done;
    expect(summary.status).to.equal('completed');
    const ended = await waitFor('the call record to end', async () => {
      const row = await callBySid(platform, call.callSid);
      return row?.status === 'ended' ? row : undefined;
    });
    expect(ended.outcome).to.equal('answered');
    expect(Number(ended.talk_seconds)).to.be.greaterThan(0);
    const events = await callEvents(platform, record.id);
    expect(events).to.include.members(['arrived', 'queued', 'offered', 'answered', 'transfer_started', 'ended']);
    expect(events.filter((e) => e === 'answered')).to.have.length(2);

    // Both agents are free again (wrap-up 0 s in this test), and every change was kept.
    const states = await platform.ctx.db.selectFrom('agent_states').select(['user_id', 'state']).execute();
    expect(states.map((s) => s.state)).to.deep.equal(['available', 'available']);
    const changes = await platform.ctx.db.selectFrom('agent_state_changes').select(['to_state']).where('user_id', '=', first.id).orderBy('id').execute();
    expect(changes.map((c) => c.to_state)).to.deep.equal(['available', 'ringing', 'on_call', 'available']);

    const wallboard = await platform.api.get('/api/wallboard', (await availableAgent(platform, { role: 'supervisor' })).token);
    expect(wallboard.status).to.equal(200);
    expect(wallboard.body.today).to.include({ offered: 1, answered: 1, abandoned: 0 });
  });
});
