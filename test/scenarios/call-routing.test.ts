/**
 * Routing journeys through the carrier simulator on the real database: ring-no-answer, overflow, a callback
 * requested from the queue, an abandoned call called back from the missed-call list, and voicemail →
 * transcript → draft through the real Google client against the local speech server.
 */
import { expect } from 'chai';
import type { TestPlatform } from '../support/platform.ts';
import { startSpeechServer, type SpeechServer } from '../support/speech-server/index.ts';
import { requireAudioTools } from '../speech/audio-tools.ts';
import { availableAgent, callBySid, callEvents, startCallsPlatform, waitFor } from '../calls/support.ts';

describe('scenario: routing', function () {
  this.timeout(60_000);

  describe('with agents on several desks', () => {
    let platform: TestPlatform;
    before(async () => {
      platform = await startCallsPlatform({ ACD_OVERFLOW_SECONDS: '1.5' });
    });
    after(async () => {
      await platform?.stop();
    });

    it('ring-no-answer: the agent goes on break and the next agent gets the call, which keeps its place', async () => {
      const sleepy = await availableAgent(platform, { answer: 'no-answer' });
      const awake = await availableAgent(platform);
      const call = platform.carrierSim!.placeCall({ from: '13700000001', hangupAfter: 3 });
      const answered = await waitFor('the second agent to answer', async () => {
        const row = await callBySid(platform, call.callSid);
        return row?.answered_at ? row : undefined;
      });
      expect(answered.answered_by).to.equal(awake.id);
      const sleepyState = await platform.api.get('/api/agents/me/state', sleepy.token);
      expect(sleepyState.body).to.include({ state: 'break', reason: 'ring_no_answer' });
      const events = await callEvents(platform, answered.id);
      expect(events.filter((e) => ['queued', 'offered', 'offer_no_answer', 'answered'].includes(e))).to.deep.equal(['queued', 'offered', 'offer_no_answer', 'offered', 'answered']);
      // Its place: queued_at is the first queueing, so the wait counts from there.
      expect(answered.queued_at!.getTime()).to.be.lessThan(answered.first_offered_at!.getTime() + 1);
      await call.done;
    });

    it('overflows a call waiting too long on a special desk to the general desk', async () => {
      await platform.ctx.db.updateTable('agent_states').set({ state: 'offline' }).execute();
      const general = await availableAgent(platform, { skills: ['general'] });
      // Press 2 (涉企 business desk): nobody has that skill, so after the overflow wait it goes to general.
      const call = platform.carrierSim!.placeCall({ from: '13700000002', press: '2', hangupAfter: 2 });
      const answered = await waitFor('the overflowed call to be answered', async () => {
        const row = await callBySid(platform, call.callSid);
        return row?.answered_at ? row : undefined;
      });
      expect(answered.desk).to.equal('general');
      expect(answered.answered_by).to.equal(general.id);
      expect(Number(answered.wait_seconds)).to.be.greaterThanOrEqual(1.5);
      const events = await platform.ctx.db.selectFrom('call_events').select(['kind', 'data']).where('call_id', '=', answered.id).orderBy('id').execute();
      expect(events.find((e) => e.kind === 'queued')?.data).to.include({ desk: 'business' });
      expect(events.find((e) => e.kind === 'overflowed')?.data).to.include({ from: 'business', to: 'general' });
      await call.done;
    });
  });

  describe('callbacks', () => {
    let platform: TestPlatform;
    before(async () => {
      platform = await startCallsPlatform();
    });
    after(async () => {
      await platform?.stop();
    });

    it('a caller asks for a callback from the queue, hangs up, and is called back in their turn', async () => {
      // An agent who is signed in but on break: the caller waits and hears the position and the callback offer.
      const agent = await availableAgent(platform);
      await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'break', reason: 'meeting' } });
      let gathers = 0;
      const call = platform.carrierSim!.placeCall({
        from: '13600000001',
        // Silence at the desk menu, then 1 at the second wait-loop prompt.
        onGather: () => (++gathers === 3 ? '1' : null),
      });
      await call.done;
      const heard = call.steps.filter((s) => s.kind === 'heard').map((s) => (s as { text: string }).text).join(' ');
      expect(heard).to.contain('您前面还有0位来电');
      expect(heard).to.contain('已为您预约回电');
      const row = await callBySid(platform, call.callSid);
      expect(row).to.include({ status: 'queued', callback_requested: true, caller_location: 'none' });
      expect(row!.abandoned_at).to.equal(null);

      // The agent comes back: the platform rings the agent, then the citizen, into one conference.
      platform.carrierSim!.handsets.set('+8613600000001', { answer: 'auto', hangupAfter: 2 });
      await platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'available', simulatorAnswer: 'auto' } });
      const ended = await waitFor('the callback to be made and end', async () => {
        const r = await platform.ctx.db.selectFrom('calls').selectAll().where('id', '=', row!.id).executeTakeFirst();
        return r?.status === 'ended' ? r : undefined;
      });
      expect(ended.outcome).to.equal('callback_requested');
      expect(ended.answered_by).to.equal(agent.id);
      const legs = platform.carrierSim!.calls().filter((c) => c.to === '+8613600000001' && c.direction === 'outbound-api');
      expect(legs).to.have.length(1);
      expect(legs[0]!.talkSeconds).to.be.greaterThan(0);
      expect(await callEvents(platform, row!.id)).to.include.members(['callback_requested', 'offered', 'answered', 'callback_connected', 'ended']);
    });

    it('an abandoned call goes on the missed-call list and is called back when an agent claims it', async () => {
      await platform.ctx.db.updateTable('agent_states').set({ state: 'offline' }).execute();
      const waiting = await availableAgent(platform);
      await platform.api.request('PUT', '/api/agents/me/state', { token: waiting.token, body: { state: 'break', reason: 'lunch' } });
      // The caller gives up after 20 s in the queue.
      const call = platform.carrierSim!.placeCall({ from: '13600000002', holdFor: 20 });
      await call.done;
      const abandoned = await waitFor('the abandoned record', async () => {
        const r = await callBySid(platform, call.callSid);
        return r?.outcome === 'abandoned' ? r : undefined;
      });
      expect(abandoned.abandoned_at).to.be.instanceOf(Date);
      expect(Number(abandoned.wait_seconds)).to.be.greaterThan(0);

      const list = await platform.api.get('/api/missed-calls', waiting.token);
      const missed = list.body.items.find((m: { callId: string }) => m.callId === abandoned.id);
      expect(missed).to.include({ reason: 'abandoned', callerMasked: '136****0002' });
      expect(JSON.stringify(list.body)).to.not.contain('13600000002');

      platform.carrierSim!.handsets.set('+8613600000002', { answer: 'auto', hangupAfter: 2 });
      await platform.api.request('PUT', '/api/agents/me/state', { token: waiting.token, body: { state: 'available', simulatorAnswer: 'auto' } });
      const claim = await platform.api.post(`/api/missed-calls/${missed.id}/claim`, undefined, waiting.token);
      // The automatic job may have queued it first; either way exactly one callback reaches the citizen.
      expect([200, 409]).to.include(claim.status);
      const done = await waitFor('the missed call to be completed', async () => {
        const m = await platform.ctx.db.selectFrom('missed_calls').selectAll().where('id', '=', missed.id).executeTakeFirst();
        return m?.status === 'completed' ? m : undefined;
      });
      expect(done.result).to.equal('reached');
      const callback = await platform.ctx.db.selectFrom('calls').selectAll().where('id', '=', done.callback_call_id!).executeTakeFirstOrThrow();
      expect(callback).to.include({ direction: 'callback', callback_of: abandoned.id, answered_by: waiting.id, status: 'ended' });
      const legs = platform.carrierSim!.calls().filter((c) => c.to === '+8613600000002');
      expect(legs).to.have.length(1);
    });
  });

  describe('voicemail → transcript → draft', () => {
    let platform: TestPlatform;
    let speech: SpeechServer;
    before(async function () {
      requireAudioTools(this);
      speech = await startSpeechServer();
      platform = await startCallsPlatform({ GOOGLE_SPEECH_ENDPOINT: `127.0.0.1:${speech.port}` });
    });
    after(async () => {
      await platform?.stop();
      await speech?.stop();
    });

    it('a caller nobody can answer leaves a message; the job transcribes it onto the call and the draft', async () => {
      const message = '我家楼下的路灯坏了三天了';
      const sim = platform.carrierSim!;
      // The speech server answers for exactly the audio the simulator recorded (keyed by its bytes).
      sim.events.on('step', (_sid: string, step: { kind: string; recordingSid?: string }) => {
        if (step.kind !== 'recorded') return;
        const rec = sim.recordings().find((r) => r.sid === step.recordingSid);
        if (rec) speech.expect(rec.wav, message);
      });
      const call = sim.placeCall({ from: '13500000001', leaveMessage: message });
      await call.done;
      const row = await callBySid(platform, call.callSid);
      expect(row?.outcome).to.equal('voicemail');
      const voicemail = await waitFor('the transcript', async () => {
        const v = await platform.ctx.db.selectFrom('voicemails').selectAll().where('call_id', '=', row!.id).executeTakeFirst();
        return v?.transcript_status === 'done' ? v : undefined;
      });
      expect(voicemail.transcript).to.equal(message);
      const after = await callBySid(platform, call.callSid);
      expect(after?.transcript).to.equal(message);
      expect(speech.requests.at(-1)?.languageCode).to.equal('cmn-Hans-CN');
      const supervisor = await availableAgent(platform, { role: 'supervisor' });
      const drafts = await platform.api.get('/api/voicemails', supervisor.token);
      expect(drafts.body.items[0]).to.include({ callId: row!.id, transcript: message, callerMasked: '135****0001' });
      const missed = await platform.ctx.db.selectFrom('missed_calls').select('reason').where('call_id', '=', row!.id).execute();
      expect(missed.map((m) => m.reason)).to.deep.equal(['voicemail']);
    });
  });
});
