/**
 * What the console codes to: socket events in order for one answered call, the manual answer through the
 * simulator softphone, agent state rules, blocked numbers, the token endpoint, and a bad flow stopping start.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import type { TestPlatform } from '../support/platform.ts';
import { FLOWS_DIR, loadCallFlows } from '../../server/src/modules/telephony/telephony.flows.ts';
import { availableAgent, callBySid, startCallsPlatform, waitFor } from './support.ts';

describe('calls console API and socket events', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  const sockets: Socket[] = [];
  before(async () => {
    platform = await startCallsPlatform();
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await platform?.stop();
  });

  async function listen(token: string): Promise<Array<{ event: string; payload: any }>> {
    const seen: Array<{ event: string; payload: any }> = [];
    const socket = connect(platform.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    socket.onAny((event, payload) => seen.push({ event, payload }));
    await new Promise<void>((resolve) => socket.on('session.ready', () => resolve()));
    return seen;
  }

  it('rings with the masked number and repeat badge, answers through the console, and pushes the events in order', async () => {
    const agent = await availableAgent(platform, { answer: 'manual' });
    const supervisor = await availableAgent(platform, { role: 'supervisor', skills: ['foreign'] });
    await platform.api.request('PUT', '/api/agents/me/state', { token: supervisor.token, body: { state: 'offline' } });
    const agentEvents = await listen(agent.token);
    const boardEvents = await listen(supervisor.token);
    // An earlier call from the same number makes this one a repeat caller.
    await platform.ctx.db
      .insertInto('calls')
      .values({ direction: 'inbound', ...(() => { const p = platform.ctx.pii.protectPhone('13811112222'); return { caller_hash: p.hash, caller_encrypted: p.encrypted, caller_masked: p.masked }; })(), status: 'ended', outcome: 'abandoned', offered_at: new Date(Date.now() - 3600_000) })
      .execute();
    const call = platform.carrierSim!.placeCall({ from: '13811112222', hangupAfter: 1 });
    const offered = await waitFor('call.offered', async () => agentEvents.find((e) => e.event === 'call.offered'));
    expect(offered.payload.call.callerMasked).to.equal('138****2222');
    expect(offered.payload.call.repeatCaller).to.equal(true);
    expect(offered.payload.screenPop.earlierCalls).to.have.length(1);
    expect(offered.payload.screenPop.earlierCalls[0].outcome).to.equal('abandoned');
    expect(JSON.stringify(offered.payload)).to.not.contain('13811112222');
    const row = await callBySid(platform, call.callSid);
    expect(row!.priority).to.equal(1);

    const answer = await platform.api.post(`/api/calls/${offered.payload.call.id}/answer`, undefined, agent.token);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    await call.done;
    await waitFor('call.ended', async () => agentEvents.find((e) => e.event === 'call.ended'));
    const names = agentEvents.map((e) => e.event).filter((e) => e.startsWith('call.') || e === 'agent.state_changed');
    expect(names.filter((n) => n.startsWith('call.'))).to.deep.equal(['call.offered', 'call.answered', 'call.ended']);
    const states = agentEvents.filter((e) => e.event === 'agent.state_changed').map((e) => e.payload.state);
    expect(states).to.include.members(['ringing', 'on_call', 'available']);
    const board = await waitFor('wallboard.updated', async () => boardEvents.find((e) => e.event === 'wallboard.updated'));
    expect(board.payload).to.have.keys(['at', 'waiting', 'longestWaitSeconds', 'waitingByDesk', 'agentsByState', 'agents', 'today']);
  });

  it('refuses going available without any desk skill (409)', async () => {
    const agent = await availableAgent(platform, { skills: [] as string[] }).catch((e: Error) => e);
    expect(String(agent)).to.contain('409');
  });

  it('blocks a number: the caller hears a polite refusal and is never queued; unblocking restores service', async () => {
    const supervisor = await availableAgent(platform, { role: 'supervisor' });
    const blocked = await platform.api.post('/api/blocked-numbers', { phone: '13912345678', reason: '多次恶意骚扰' }, supervisor.token);
    expect(blocked.status).to.equal(201);
    expect(blocked.body.phoneMasked).to.equal('139****5678');
    const call = platform.carrierSim!.placeCall({ from: '+8613912345678' });
    await call.done;
    const heard = call.steps.filter((s) => s.kind === 'heard').map((s) => (s as { text: string }).text).join(' ');
    expect(heard).to.contain('暂时无法为您提供人工服务');
    const row = await callBySid(platform, call.callSid);
    expect(row).to.include({ outcome: 'blocked', blocked: true, queued_at: null });
    const agent = await availableAgent(platform);
    expect((await platform.api.get('/api/blocked-numbers', agent.token)).status).to.equal(403);
    expect((await platform.api.request('DELETE', `/api/blocked-numbers/${blocked.body.id}`, { token: supervisor.token })).status).to.equal(204);
    expect((await platform.api.get('/api/blocked-numbers', supervisor.token)).body.items).to.have.length(0);
  });

  it('says the token endpoint is not for simulator mode', async () => {
    const agent = await availableAgent(platform);
    const res = await platform.api.get('/api/telephony/token', agent.token);
    expect(res.body).to.include({ mode: 'simulator', token: null, identity: `agent_${agent.id}` });
  });

  it('stops the start with the interpreter error line when a flow is invalid', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flows-'));
    for (const f of readdirSync(FLOWS_DIR)) writeFileSync(path.join(dir, f), readFileSync(path.join(FLOWS_DIR, f), 'utf8'));
    writeFileSync(path.join(dir, 'hotline.yaml'), readFileSync(path.join(FLOWS_DIR, 'hotline.yaml'), 'utf8').replace('next: queue-dialect', 'next: queue-nowhere'));
    const error = await loadCallFlows(platform.ctx, dir).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/hotline\.yaml: node "desk-menu": .*"queue-nowhere" does not exist \(line \d+\)/);
  });
});
