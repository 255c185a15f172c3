import { expect } from 'chai';
import twilio from 'twilio';
import { createSimHttpClient, renderStep, startCarrierSim } from './index.ts';
import type { CarrierSim } from './index.ts';
import { startTwimlApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, waitFor } from './test-support.ts';
import type { TwimlApp } from './test-support.ts';

describe('carrier-sim: REST API through the real twilio client', function () {
  let app: TwimlApp;
  let sim: CarrierSim;
  let client: twilio.Twilio;

  beforeEach(async () => {
    app = await startTwimlApp({
      '/voice/incoming': (p) =>
        `<Response><Say>您好</Say><Dial><Conference startConferenceOnEnter="false" endConferenceOnExit="true" statusCallback="/conf/events" statusCallbackEvent="start end join leave hold">call-${p.CallSid}</Conference></Dial></Response>`,
      '/hold-music': () => '<Response><Say>请稍候，正在为您查询</Say><Pause length="5"/></Response>',
    });
    sim = await startCarrierSim({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      voiceUrl: `${app.url}/voice/incoming`,
      hotlineNumber: '+8612345',
      timeScale: 0.01,
    });
    client = twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, { httpClient: createSimHttpClient(sim.url) as never });
  });

  afterEach(async () => {
    await sim.stop();
    await app.stop();
  });

  it('creates an SMS, lists it, and reports queued → sent → delivered to its status callback', async () => {
    const msg = await client.messages.create({ to: '13800138000', from: '+8612345', body: '您的工单已受理', statusCallback: `${app.url}/sms/status` });
    expect(msg.sid).to.match(/^SM[0-9a-f]{32}$/);
    expect(msg.status).to.equal('queued');
    expect(msg.to).to.equal('+8613800138000');
    await waitFor(() => app.on('/sms/status').length === 3, 3000, 'sms callbacks');
    expect(app.on('/sms/status').map((r) => r.params.MessageStatus)).to.deep.equal(['queued', 'sent', 'delivered']);
    expect(app.on('/sms/status').every((r) => r.signatureValid)).to.equal(true);
    const listed = await client.messages.list({ to: '+8613800138000' });
    expect(listed.map((m) => m.body)).to.deep.equal(['您的工单已受理']);
    expect(listed[0]?.status).to.equal('delivered');
    expect(sim.messages()[0]?.body).to.equal('您的工单已受理');
  });

  it('adds an agent to a live conference, holds the caller, kicks the agent and hangs the caller up', async () => {
    const call = sim.placeCall({ from: '13800138000' });
    const name = `call-${call.callSid}`;
    await waitFor(() => sim.conferences().some((c) => c.name === name && c.participants.length === 1), 3000, 'caller in conference');
    const [conf] = await client.conferences.list({ friendlyName: name, status: 'init' });
    expect(conf?.friendlyName).to.equal(name);

    const participant = await client.conferences(conf?.sid ?? '').participants.create({ from: '+8612345', to: 'client:agent_3', label: 'agent' });
    expect(participant.callSid).to.match(/^CA/);
    await waitFor(() => call.steps.some((s) => s.kind === 'connected'), 3000, 'connected');
    expect((await client.conferences(conf?.sid ?? '').fetch()).status).to.equal('in-progress');

    await client.conferences(conf?.sid ?? '').participants(call.callSid).update({ hold: true, holdUrl: `${app.url}/hold-music` });
    await waitFor(() => call.steps.some((s) => s.kind === 'heard' && s.text.startsWith('请稍候')), 3000, 'hold music');
    const listed = await client.conferences(conf?.sid ?? '').participants.list({ hold: true });
    expect(listed.map((p) => p.callSid)).to.deep.equal([call.callSid]);
    await client.conferences(conf?.sid ?? '').participants(call.callSid).update({ hold: false });

    // Kick the agent by label; the caller stays, alone.
    expect(await client.conferences(conf?.sid ?? '').participants('agent').remove()).to.equal(true);
    await waitFor(() => sim.call(participant.callSid)?.status === 'completed', 3000, 'agent leg ended');

    const updated = await client.calls(call.callSid).update({ status: 'completed' });
    expect(updated.status).to.equal('completed');
    const summary = await call;
    expect(summary.endedBy).to.equal('platform');
    const lines = summary.steps.map((s) => renderStep(s));
    expect(lines).to.include.members(['接通: client:agent_3', '被保持', '恢复通话', '离开通话: client:agent_3']);
    await waitFor(() => app.on('/conf/events').some((e) => e.params.StatusCallbackEvent === 'conference-end'), 3000, 'conference end');
    const events = app.on('/conf/events').map((e) => e.params.StatusCallbackEvent);
    expect(events).to.include.members(['participant-hold', 'participant-unhold', 'participant-leave']);
  });

  it('redirects a live call with inline TwiML', async () => {
    const call = sim.placeCall({ from: '13800138000' });
    await waitFor(() => call.steps.some((s) => s.kind === 'waiting'), 3000, 'waiting');
    await client.calls(call.callSid).update({ twiml: '<Response><Say>坐席繁忙，稍后回电</Say><Hangup/></Response>' });
    const summary = await call;
    const lines = summary.steps.map((s) => renderStep(s));
    expect(lines).to.include('听到: 坐席繁忙，稍后回电');
    expect(summary.endedBy).to.equal('platform');
    // Redirecting an ended call is refused as Twilio does.
    const err = await client.calls(call.callSid).update({ url: `${app.url}/x` }).then(() => null, (e: unknown) => e);
    expect(err).to.include({ status: 400, code: 21220 });
  });

  it('injects 500s and timeouts into matching REST calls', async () => {
    sim.failNext({ path: /\/Calls\.json$/, status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const err = await client.calls.create({ to: '+8613900139000', from: '+8612345', twiml: '<Response/>' }).then(() => null, (e: unknown) => e);
      expect(err).to.include({ status: 500, code: 20500 });
    }
    const ok = await client.calls.create({ to: '+8613900139000', from: '+8612345', twiml: '<Response><Say>回访</Say></Response>' });
    expect(ok.sid).to.match(/^CA/);

    sim.failNext({ path: '/Messages.json', status: 'timeout' });
    const slow = twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, { httpClient: createSimHttpClient(sim.url, { defaultTimeoutMs: 200 }) as never });
    const started = Date.now();
    const err = await slow.messages.create({ to: '13800138000', from: '+8612345', body: 'x' }).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).name).to.equal('TimeoutError');
    expect(Date.now() - started).to.be.lessThan(2000);
    expect(sim.messages()).to.have.length(0);
  });

  it('rejects bad basic auth with 401 and Twilio error 20003', async () => {
    const wrong = twilio(TEST_ACCOUNT_SID, 'not-the-token', { httpClient: createSimHttpClient(sim.url) as never });
    const err = await wrong.calls.list().then(() => null, (e: unknown) => e);
    expect(err).to.include({ status: 401, code: 20003 });
    const raw = await fetch(`${sim.url}/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Calls.json`);
    expect(raw.status).to.equal(401);
    expect(await raw.json()).to.deep.include({ code: 20003, status: 401 });
  });

  it('answers unknown resources with 404 / 20404 and validates required parameters', async () => {
    const missing = await client.calls('CA' + '0'.repeat(32)).fetch().then(() => null, (e: unknown) => e);
    expect(missing).to.include({ status: 404, code: 20404 });
    const noUrl = await client.calls.create({ to: '+8613900139000', from: '+8612345' } as never).then(() => null, (e: unknown) => e);
    expect(noUrl).to.include({ status: 400, code: 21205 });
  });

  it('pages lists the way the client follows them', async () => {
    for (let i = 0; i < 5; i++) await client.messages.create({ to: `1390013900${i}`, from: '+8612345', body: `m${i}` });
    const all = await client.messages.list({ pageSize: 2 });
    expect(all).to.have.length(5);
    expect(new Set(all.map((m) => m.sid)).size).to.equal(5);
  });

  it('answers machine detection with AnsweredBy and keeps a machine-answered call short', async () => {
    sim.handsets.set('+8613900139001', { answer: 'machine', hangupAfter: 3 });
    const call = await client.calls.create({ to: '+8613900139001', from: '+8612345', url: `${app.url}/amd`, machineDetection: 'Enable' });
    await waitFor(() => app.on('/amd').length > 0, 3000, 'amd webhook');
    expect(app.on('/amd')[0]?.params.AnsweredBy).to.equal('machine_start');
    await waitFor(() => sim.call(call.sid)?.status === 'completed', 3000, 'call end');
    expect((await client.calls(call.sid).fetch()).answeredBy).to.equal('machine_start');
  });
});
