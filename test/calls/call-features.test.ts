/**
 * Call features of a mature ACD console, through the carrier simulator on the real database: wrap-up codes as
 * admin-managed data (chosen after each call, required before leaving wrap-up, 未选择 on timeout), hold and
 * mute stored on the call (idempotent, timed, on the wallboard), the sweep that closes calls whose final
 * status callback the carrier lost, and the voice bot offered before voicemail when nobody is signed in.
 */
import { expect } from 'chai';
import { buildUser, signIn } from '../support/factories.ts';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, callBySid, callEndingInWrapUp, callEvents, startCallsPlatform, waitFor, type Agent } from './support.ts';

describe('call features: wrap-up codes, hold and mute, vanished calls, the bot when unstaffed', function () {
  this.timeout(60_000);

  describe('wrap-up codes as data', () => {
    let platform: TestPlatform;
    let admin: { token: string };
    let agent: Agent;

    before(async () => {
      platform = await startCallsPlatform();
      const user = await buildUser(platform.ctx.db, { role: 'admin' });
      admin = { token: (await signIn(platform.api, user)).accessToken };
      agent = await availableAgent(platform);
    });
    after(async () => {
      await platform?.stop();
    });

    it('are seeded with the 12345 codes; agents are offered the choosable ones, department staff none', async () => {
      const mine = await platform.api.get('/api/wrap-up-codes', agent.token);
      expect(mine.status).to.equal(200);
      const labels = mine.body.items.map((c: { label: { 'zh-CN': string } }) => c.label['zh-CN']);
      expect(labels).to.include.members(['咨询已解答', '转办工单', '投诉', '求助', '建议', '表扬', '骚扰/无效来电', '重复来电']);
      expect(labels, 'the platform code is not offered to agents').not.to.include('未选择');
      const all = await platform.api.get('/api/wrap-up-codes?all=true', admin.token);
      expect(all.body.items.find((c: { code: string }) => c.code === 'unselected')).to.include({ system: true, active: true });
      const labels2 = await platform.api.get('/api/wrap-up-codes?all=true', agent.token);
      expect(labels2.body.items.map((c: { code: string }) => c.code), 'agents read every label, for old calls').to.include('unselected');
      const staff = await buildUser(platform.ctx.db, { role: 'department_staff' });
      const forbidden = await platform.api.get('/api/wrap-up-codes', (await signIn(platform.api, staff)).accessToken);
      expect(forbidden.status).to.equal(403);
    });

    it('are added, renamed and retired by admins only, each change audited', async () => {
      const denied = await platform.api.post('/api/wrap-up-codes', { code: 'policy_question', label: { 'zh-CN': '政策咨询', en: 'Policy question' } }, agent.token);
      expect(denied.status).to.equal(403);
      const created = await platform.api.post('/api/wrap-up-codes', { code: 'policy_question', label: { 'zh-CN': '政策咨询', en: 'Policy question' }, sortOrder: 15 }, admin.token);
      expect(created.status).to.equal(201);
      expect(created.body).to.include({ code: 'policy_question', active: true, system: false, sortOrder: 15 });
      const again = await platform.api.post('/api/wrap-up-codes', { code: 'policy_question', label: { 'zh-CN': '重复', en: 'Dup' } }, admin.token);
      expect(again.status).to.equal(409);
      expect(again.body.error.message).to.contain('policy_question');

      const renamed = await platform.api.request('PATCH', '/api/wrap-up-codes/policy_question', { token: admin.token, body: { label: { 'zh-CN': '政策解读' } } });
      expect(renamed.status).to.equal(200);
      expect(renamed.body.label).to.deep.equal({ 'zh-CN': '政策解读', en: 'Policy question' });
      const retired = await platform.api.request('PATCH', '/api/wrap-up-codes/policy_question', { token: admin.token, body: { active: false } });
      expect(retired.body.active).to.equal(false);
      const offered = await platform.api.get('/api/wrap-up-codes', agent.token);
      expect(offered.body.items.map((c: { code: string }) => c.code)).not.to.include('policy_question');

      const audit = await platform.ctx.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity', '=', 'wrap_up_code').orderBy('id').execute();
      expect(audit.map((a) => a.action)).to.deep.equal(['wrap_up_code.created', 'wrap_up_code.updated', 'wrap_up_code.updated']);
      expect(audit.every((a) => a.entity_id === 'policy_question')).to.equal(true);
    });

    it('refuse bad input with a clear message in the caller’s language', async () => {
      const badKey = await platform.api.post('/api/wrap-up-codes', { code: 'Bad Code!', label: { 'zh-CN': '坏', en: 'Bad' } }, admin.token);
      expect(badKey.status).to.equal(400);
      expect(badKey.body.error.message).to.contain('code');
      const system = await platform.api.request('PATCH', '/api/wrap-up-codes/unselected', { token: admin.token, body: { active: false } });
      expect(system.status).to.equal(409);
      expect(system.body.error.message).to.contain('系统编码');
      const english = await platform.api.request('PATCH', '/api/wrap-up-codes/unselected', { token: admin.token, body: { active: false }, headers: { 'accept-language': 'en' } });
      expect(english.body.error.message).to.contain('platform code');
      const missing = await platform.api.request('PATCH', '/api/wrap-up-codes/no_such_code', { token: admin.token, body: { active: false } });
      expect(missing.status).to.equal(404);
      expect(missing.body.error.message).to.contain('话后小结编码');
      const empty = await platform.api.request('PATCH', '/api/wrap-up-codes/resolved', { token: admin.token, body: {} });
      expect(empty.status).to.equal(400);
    });
  });

  describe('the wrap-up choice after a call', () => {
    let platform: TestPlatform;

    before(async () => {
      platform = await startCallsPlatform({ ACD_WRAP_UP_SECONDS: '2' });
    });
    after(async () => {
      await platform?.stop();
    });

    it('must be chosen before the agent leaves wrap-up by hand; a retired or unknown code is refused', async () => {
      const agent = await availableAgent(platform);
      const call = await callEndingInWrapUp(platform, agent, '13600000101');
      const early = await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'available' } });
      expect(early.status).to.equal(409);
      expect(early.body.error.message).to.contain('话后小结');

      const unknown = await platform.api.post(`/api/calls/${call.id}/wrap-up`, { code: 'made_up' }, agent.token);
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.message).to.contain('made_up');
      const platformCode = await platform.api.post(`/api/calls/${call.id}/wrap-up`, { code: 'unselected' }, agent.token);
      expect(platformCode.status, 'agents cannot choose 未选择').to.equal(400);

      const chosen = await platform.api.post(`/api/calls/${call.id}/wrap-up`, { code: 'complaint' }, agent.token);
      expect(chosen.status).to.equal(200);
      expect(chosen.body.call.wrapUpCode).to.equal('complaint');
      const repeated = await platform.api.post(`/api/calls/${call.id}/wrap-up`, { code: 'complaint' }, agent.token);
      expect(repeated.status).to.equal(200);
      expect((await callEvents(platform, call.id)).filter((k) => k === 'wrapped_up'), 'the same choice twice is one event').to.have.length(1);

      const leave = await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'available' } });
      expect(leave.status).to.equal(200);
      expect(leave.body.state).to.equal('available');
      // Signed off for the next test (its agent must be the only one offered the call).
      await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'offline' } });
    });

    it('is recorded as 未选择 when the wrap-up time runs out without a choice', async () => {
      const agent = await availableAgent(platform);
      const call = await callEndingInWrapUp(platform, agent, '13600000102');
      const after = await waitFor(
        'the wrap-up timeout',
        async () => {
          const r = await callBySid(platform, call.call_sid!);
          return r?.wrap_up_code ? r : undefined;
        },
        15_000,
      );
      expect(after.wrap_up_code).to.equal('unselected');
      expect(await callEvents(platform, call.id)).to.include('wrap_up_timed_out');
      const state = await platform.api.get('/api/agents/me/state', agent.token);
      expect(state.body.state).to.equal('available');
    });
  });

  describe('hold and mute on the call record', () => {
    let platform: TestPlatform;

    before(async () => {
      platform = await startCallsPlatform();
    });
    after(async () => {
      await platform?.stop();
    });

    it('are stored with times, idempotent, shown on the wallboard, and an open hold is closed when the call ends', async () => {
      const agent = await availableAgent(platform);
      const supervisor = await buildUser(platform.ctx.db, { role: 'supervisor' });
      const supervisorToken = (await signIn(platform.api, supervisor)).accessToken;
      const sim = platform.carrierSim!;
      const handle = sim.placeCall({ from: '13600000201', hangupAfter: 400 });
      const call = await waitFor('the call talking', async () => {
        const r = await callBySid(platform, handle.callSid);
        return r?.status === 'talking' && r.caller_location === 'conference' ? r : undefined;
      });

      const [first, second] = await Promise.all([
        platform.api.post(`/api/calls/${call.id}/hold`, { hold: true }, agent.token),
        platform.api.post(`/api/calls/${call.id}/hold`, { hold: true }, agent.token),
      ]);
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(200);
      expect(first.body.call.onHold).to.equal(true);
      const caller = () => sim.conferences().flatMap((c) => c.participants).find((p) => p.callSid === handle.callSid);
      expect(caller()?.hold, 'the carrier holds the caller').to.equal(true);
      const third = await platform.api.post(`/api/calls/${call.id}/hold`, { hold: true }, agent.token);
      expect(third.body.call.onHold).to.equal(true);
      expect((await callEvents(platform, call.id)).filter((k) => k === 'held'), 'three holds are one event').to.have.length(1);

      const board = await platform.api.get('/api/wallboard', supervisorToken);
      expect(board.body.agents.find((a: { userId: string }) => a.userId === agent.id)).to.include({ callId: call.id, onHold: true, muted: false });

      await new Promise((r) => setTimeout(r, 300));
      const resumed = await platform.api.post(`/api/calls/${call.id}/hold`, { hold: false }, agent.token);
      expect(resumed.body.call.onHold).to.equal(false);
      expect(resumed.body.call.holdSeconds).to.be.within(0.25, 5);
      expect(caller()?.hold).to.equal(false);
      const twice = await platform.api.post(`/api/calls/${call.id}/hold`, { hold: false }, agent.token);
      expect(twice.body.call.holdSeconds).to.equal(resumed.body.call.holdSeconds);

      const muted = await platform.api.post(`/api/calls/${call.id}/mute`, { muted: true }, agent.token);
      await platform.api.post(`/api/calls/${call.id}/mute`, { muted: true }, agent.token);
      expect(muted.body.call.agentMuted).to.equal(true);
      expect((await callEvents(platform, call.id)).filter((k) => k === 'agent_muted')).to.have.length(1);
      const agentLeg = sim.conferences().flatMap((c) => c.participants).find((p) => p.label === 'agent');
      expect(agentLeg?.muted).to.equal(true);
      const current = await platform.api.get('/api/calls/current', agent.token);
      expect(current.body.call).to.include({ onHold: false, agentMuted: true });

      // Held again when the caller hangs up: the hold is closed with the call (the database does it on every path).
      await platform.api.post(`/api/calls/${call.id}/hold`, { hold: true }, agent.token);
      await new Promise((r) => setTimeout(r, 300));
      sim.hangupCall(handle.callSid);
      const ended = await waitFor('the call ended', async () => {
        const r = await callBySid(platform, handle.callSid);
        return r?.status === 'ended' ? r : undefined;
      });
      expect(ended.held_since).to.equal(null);
      expect(ended.agent_muted).to.equal(false);
      expect(Number(ended.hold_seconds)).to.be.greaterThan(resumed.body.call.holdSeconds + 0.25);
      const late = await platform.api.post(`/api/calls/${call.id}/hold`, { hold: false }, agent.token);
      expect(late.status, 'no hold on an ended call').to.equal(409);
    });

    it('counts a warm transfer’s consult as hold time, closed when the consulted agent takes over', async () => {
      // The previous test's agent is signed off so the call goes to `first`.
      await platform.ctx.db.updateTable('agent_states').set({ state: 'offline' }).execute();
      const first = await availableAgent(platform);
      const sim = platform.carrierSim!;
      const handle = sim.placeCall({ from: '13600000202', hangupAfter: 400 });
      const call = await waitFor('the call talking', async () => {
        const r = await callBySid(platform, handle.callSid);
        return r?.status === 'talking' && r.caller_location === 'conference' && r.agent_id === first.id ? r : undefined;
      });
      const second = await availableAgent(platform);
      const started = await platform.api.post(`/api/calls/${call.id}/transfer`, { mode: 'warm', to: { kind: 'agent', agentId: second.id } }, first.token);
      expect(started.status, JSON.stringify(started.body)).to.equal(200);
      expect(started.body.call.onHold).to.equal(true);
      await waitFor('the consult answered', async () => (await callEvents(platform, call.id)).includes('consult_answered'));
      await new Promise((r) => setTimeout(r, 200));
      const done = await platform.api.post(`/api/calls/${call.id}/transfer/complete`, undefined, first.token);
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect(done.body.call).to.include({ onHold: false, agentId: second.id });
      expect(done.body.call.holdSeconds).to.be.greaterThan(0.15);
      sim.hangupCall(handle.callSid);
    });
  });

  describe('calls whose final status callback the carrier lost', () => {
    let platform: TestPlatform;

    before(async () => {
      platform = await startCallsPlatform({ CALL_STALE_SECONDS: '1' });
    });
    after(async () => {
      await platform?.stop();
    });

    it('a talking call is ended by the sweep from the carrier status and frees its agent', async () => {
      const agent = await availableAgent(platform);
      const sim = platform.carrierSim!;
      const handle = sim.placeCall({ from: '13600000301', hangupAfter: 400 });
      sim.loseCallbacks({ url: '/twilio/voice/status', callSid: handle.callSid });
      const talking = await waitFor('the call talking', async () => {
        const r = await callBySid(platform, handle.callSid);
        return r?.status === 'talking' && r.caller_location === 'conference' ? r : undefined;
      });
      const hungUpAt = Date.now();
      sim.hangupCall(handle.callSid);
      await handle.done;
      // The sweep ends the call through the status path, then notes why in a second transaction: wait for both.
      const ended = await waitFor(
        'the sweep to end the call and note why',
        async () => {
          const r = await callBySid(platform, handle.callSid);
          return r?.status === 'ended' && (await callEvents(platform, r.id)).includes('closed_by_carrier_check') ? r : undefined;
        },
        15_000,
      );
      expect(ended.outcome).to.equal('answered');
      const events = await callEvents(platform, talking.id);
      expect(events, events.join(',')).to.include('closed_by_carrier_check');
      expect(events.filter((k) => k === 'ended')).to.have.length(1);
      expect(ended.ended_at!.getTime()).to.be.within(hungUpAt, Date.now());
      const note = await platform.ctx.db.selectFrom('call_events').select('data').where('call_id', '=', talking.id).where('kind', '=', 'closed_by_carrier_check').executeTakeFirstOrThrow();
      expect(note.data).to.include({ carrierStatus: 'completed' });
      await waitFor('the agent free again', async () => (await platform.api.get('/api/agents/me/state', agent.token)).body.state === 'available');
      await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'offline' } });
    });

    it('a queued caller who left is ended as abandoned and put on the missed-call list; live calls are left alone', async () => {
      const sim = platform.carrierSim!;
      // An agent is signed in (on break), so callers wait in the queue instead of going to the bot and voicemail.
      const agent = await availableAgent(platform);
      await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'break', reason: 'meeting' } });
      const live = sim.placeCall({ from: '13600000302', holdFor: 400 });
      const gone = sim.placeCall({ from: '13600000303', holdFor: 400 });
      sim.loseCallbacks({ url: '/twilio/voice/status', callSid: gone.callSid });
      await waitFor('both queued', async () => (await callBySid(platform, gone.callSid))?.status === 'queued' && (await callBySid(platform, live.callSid))?.status === 'queued');
      sim.hangupCall(gone.callSid);
      const ended = await waitFor(
        'the sweep to end the vanished caller',
        async () => {
          const r = await callBySid(platform, gone.callSid);
          return r?.status === 'ended' ? r : undefined;
        },
        15_000,
      );
      expect(ended.outcome).to.equal('abandoned');
      const missed = await platform.ctx.db.selectFrom('missed_calls').select('reason').where('call_id', '=', ended.id).execute();
      expect(missed.map((m) => m.reason)).to.deep.equal(['abandoned']);
      const stillLive = await callBySid(platform, live.callSid);
      expect(stillLive?.status, 'a caller still on the line stays queued').to.equal('queued');
      expect(stillLive?.carrier_checked_at, 'but was checked').to.not.equal(null);
      sim.hangupCall(live.callSid);
    });
  });

  describe('the carrier’s end time', () => {
    let platform: TestPlatform;

    before(async () => {
      // Real time in the simulator: its timestamps are then real ones (faster-than-real runs report simulated time).
      platform = await startCallsPlatform({ SIM_TIME_SCALE: '1', CALL_STALE_SECONDS: '3600' });
    });
    after(async () => {
      await platform?.stop();
    });

    it('replaces the moment the sweep noticed, so talk seconds count only the talk', async () => {
      const sim = platform.carrierSim!;
      const handle = sim.placeCall({ from: '13600000501', holdFor: 3600 });
      const row = await waitFor('the call recorded', async () => callBySid(platform, handle.callSid));
      sim.loseCallbacks({ url: '/twilio/voice/status', callSid: handle.callSid });
      const hungUpAt = Date.now();
      sim.hangupCall(handle.callSid);
      await handle.done;
      expect(sim.call(handle.callSid)?.status).to.equal('completed');
      // As if answered three hours ago and talking until the caller left; the sweep notices 2.5 s later.
      const answeredAt = new Date(Date.now() - 3 * 3600_000);
      await platform.ctx.db
        .updateTable('calls')
        .set({ status: 'talking', caller_location: 'conference', offered_at: answeredAt, queued_at: answeredAt, answered_at: answeredAt })
        .where('id', '=', row.id)
        .execute();
      await new Promise((r) => setTimeout(r, 2500));
      const { sweepVanishedCalls } = await import('../../server/src/modules/telephony/telephony.sweep.ts');
      // The sweep (this one, or the worker's own when it falls due meanwhile) ends it.
      await sweepVanishedCalls(platform.ctx);
      const ended = await waitFor('the call ended', async () => {
        const r = await callBySid(platform, handle.callSid);
        return r?.status === 'ended' ? r : undefined;
      });
      expect(await callEvents(platform, ended.id)).to.include('closed_by_carrier_check');
      // Twilio reports whole seconds: the carrier's end (truncated), not the sweep's moment 2.5 s later.
      expect(ended.ended_at!.getTime()).to.be.within(hungUpAt - 1000, hungUpAt + 500);
      expect(Number(ended.talk_seconds)).to.be.closeTo((ended.ended_at!.getTime() - answeredAt.getTime()) / 1000, 0.01);
      const again = await sweepVanishedCalls(platform.ctx);
      expect(again.checked, 'an ended call is not asked about again').to.equal(0);
    });
  });

  describe('nobody signed in', () => {
    let platform: TestPlatform;

    before(async () => {
      platform = await startCallsPlatform();
    });
    after(async () => {
      await platform?.stop();
    });

    it('offers the voice bot once before voicemail, keeping the caller’s place', async () => {
      const sim = platform.carrierSim!;
      const handle = sim.placeCall({ from: '13600000401', leaveMessage: '路灯坏了', holdFor: 400 });
      await handle.done;
      const heard = handle.steps.filter((s) => s.kind === 'heard').map((s) => (s as { text: string }).text);
      const bot = heard.findIndex((t) => t.includes('目前暂无人工坐席在线'));
      expect(bot, 'the caller hears the bot offer').to.be.greaterThan(-1);
      expect(heard.slice(bot).some((t) => t.includes('请直接说出您要咨询的问题'))).to.equal(true);
      expect(heard.filter((t) => t.includes('目前暂无人工坐席在线')), 'offered once').to.have.length(1);
      const row = await callBySid(platform, handle.callSid);
      expect(row?.outcome).to.equal('voicemail');
      const events = await callEvents(platform, row!.id);
      const order = ['queued', 'voicebot_offered', 'voicebot_turn', 'queued', 'sent_to_voicemail'];
      let at = -1;
      for (const kind of order) {
        at = events.indexOf(kind, at + 1);
        expect(at, `${kind} in ${events.join(',')}`).to.be.greaterThan(-1);
      }
    });
  });
});
