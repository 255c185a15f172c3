import { expect } from 'chai';
import twilio from 'twilio';
import { createSimHttpClient, readWavInfo, renderStep, startCarrierSim } from './index.ts';
import type { CarrierSim } from './index.ts';
import { startTwimlApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, waitFor } from './test-support.ts';
import type { TwimlApp } from './test-support.ts';

const GREETING = '您好，这里是12345政务服务便民热线';

async function startPair(routes: Parameters<typeof startTwimlApp>[0], extra: Partial<Parameters<typeof startCarrierSim>[0]> = {}): Promise<{ app: TwimlApp; sim: CarrierSim; client: twilio.Twilio }> {
  const app = await startTwimlApp(routes);
  const sim = await startCarrierSim({
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    voiceUrl: `${app.url}/voice/incoming`,
    voiceStatusUrl: `${app.url}/voice/status`,
    smsUrl: `${app.url}/sms/incoming`,
    hotlineNumber: '+8612345',
    timeScale: 0.01,
    ...extra,
  });
  const client = twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, { httpClient: createSimHttpClient(sim.url) as never });
  return { app, sim, client };
}

describe('carrier-sim: calls through TwiML', function () {
  let app: TwimlApp;
  let sim: CarrierSim;
  let client: twilio.Twilio;

  afterEach(async () => {
    await sim?.stop();
    await app?.stop();
  });

  it('runs greeting → gather with a pressed key → conference where an agent added over REST answers', async () => {
    ({ app, sim, client } = await startPair({
      '/voice/incoming': () =>
        `<Response><Say language="zh-CN">${GREETING}</Say><Gather numDigits="1" timeout="5" action="/voice/menu"><Say language="zh-CN">涉企问题请按2</Say></Gather><Say>未收到按键</Say></Response>`,
      '/voice/menu': (p) => {
        // The platform adds the agent's softphone to the caller's conference over REST, as in production.
        setTimeout(() => {
          void client.conferences(`call-${p.CallSid}`).participants.create({ from: '+8612345', to: 'client:agent_3', endConferenceOnExit: false });
        }, 20);
        return `<Response><Say language="zh-CN">正在为您转接</Say><Dial action="/voice/after-dial"><Conference startConferenceOnEnter="false" endConferenceOnExit="true" waitUrl="/voice/wait" statusCallback="/conf/events" statusCallbackEvent="start end join leave">call-${p.CallSid}</Conference></Dial></Response>`;
      },
      '/voice/wait': () => '<Response><Say language="zh-CN">请稍候</Say><Pause length="3"/></Response>',
      '/voice/after-dial': () => '<Response><Hangup/></Response>',
    }));
    sim.handsets.set('client:agent_3', { answer: 'auto', afterSeconds: 2 });
    const lines: string[] = [];
    const call = sim.placeCall({ from: '13800138000', press: '2', hangupAfter: 30 });
    call.onStep((s) => lines.push(renderStep(s)));
    const summary = await call;

    expect(summary.status).to.equal('completed');
    expect(summary.endedBy).to.equal('caller');
    expect(summary.talkSeconds).to.be.within(29, 32);
    expect(lines[0]).to.equal('拨打: +8612345 (主叫 +8613800138000)');
    expect(lines).to.include(`听到: ${GREETING}`);
    expect(lines).to.include('按键: 2');
    expect(lines).to.include('接通: client:agent_3');
    expect(lines.indexOf('按键: 2')).to.be.lessThan(lines.indexOf('接通: client:agent_3'));
    expect(lines.at(-1)).to.match(/^挂断 \(主叫, completed, 通话 3\d 秒\)$/);
    expect(lines).to.not.include('听到: 未收到按键');

    const first = app.on('/voice/incoming')[0];
    expect(first?.signatureValid).to.equal(true);
    expect(first?.params.CallSid).to.match(/^CA[0-9a-f]{32}$/);
    expect(first?.params).to.include({ AccountSid: TEST_ACCOUNT_SID, From: '+8613800138000', To: '+8612345', Direction: 'inbound', CallStatus: 'ringing', ApiVersion: '2010-04-01' });
    expect(app.on('/voice/menu')[0]?.params.Digits).to.equal('2');
    expect(app.received.every((r) => r.signatureValid)).to.equal(true);

    // Conference events arrive in order, and the caller's exit (endConferenceOnExit) ends it.
    await waitFor(() => app.on('/conf/events').some((e) => e.params.StatusCallbackEvent === 'conference-end'), 3000, 'conference-end');
    const events = app.on('/conf/events').map((e) => e.params.StatusCallbackEvent);
    expect(events.slice(0, 3)).to.deep.equal(['participant-join', 'participant-join', 'conference-start']);
    expect(events.at(-1)).to.equal('conference-end');
    expect(app.on('/conf/events').at(-1)?.params.ReasonConferenceEnded).to.equal('participant-with-end-conference-on-exit-left');
    // The agent's leg hung up with the conference.
    await waitFor(() => sim.calls().some((c) => c.to === 'client:agent_3' && c.status === 'completed'), 3000, 'agent leg end');
    // Completed status callback for the inbound call, with its duration.
    await waitFor(() => app.on('/voice/status').length > 0, 3000, 'status callback');
    const status = app.on('/voice/status')[0]?.params;
    expect(status?.CallStatus).to.equal('completed');
    expect(Number(status?.CallDuration)).to.be.greaterThan(30);
  });

  it('records a voicemail as a real WAV, served by the media URL, with the action and status callback', async () => {
    ({ app, sim, client } = await startPair({
      '/voice/incoming': () =>
        '<Response><Say>请在提示音后留言</Say><Record maxLength="60" action="/voice/recorded" recordingStatusCallback="/rec/status"/></Response>',
      '/voice/recorded': () => '<Response><Say>谢谢，再见</Say><Hangup/></Response>',
    }));
    const summary = await sim.placeCall({ from: '13800138000', leaveMessage: '我家楼下的路灯坏了' });
    expect(summary.endedBy).to.equal('platform');
    const action = app.on('/voice/recorded')[0]?.params;
    expect(action?.RecordingSid).to.match(/^RE[0-9a-f]{32}$/);
    expect(Number(action?.RecordingDuration)).to.be.greaterThan(0);
    expect(action?.Digits).to.equal('#');
    const media = await fetch(`${action?.RecordingUrl}.wav`);
    expect(media.status).to.equal(200);
    const info = readWavInfo(Buffer.from(await media.arrayBuffer()));
    expect(info.bitsPerSample).to.equal(16);
    expect(info.channels).to.equal(1);
    expect(info.durationSeconds).to.be.greaterThan(0.5);
    await waitFor(() => app.on('/rec/status').length > 0, 3000, 'recording status');
    expect(app.on('/rec/status')[0]?.params).to.include({ RecordingSid: action?.RecordingSid, RecordingStatus: 'completed' });
    // The recording is listed by the REST API too.
    const listed = await client.recordings.list({ callSid: summary.callSid });
    expect(listed.map((r) => r.sid)).to.deep.equal([action?.RecordingSid]);
  });

  it('sends status callbacks in order for an outbound survey call whose callee presses 3', async () => {
    ({ app, sim, client } = await startPair({
      '/survey': () => '<Response><Gather numDigits="1" action="/survey/answer"><Say>满意请按1，基本满意请按2，不满意请按3</Say></Gather></Response>',
      '/survey/answer': () => '<Response><Say>感谢您的评价</Say></Response>',
    }));
    sim.handsets.set('+8613900139000', { answer: 'auto', afterSeconds: 3, press: '3' });
    const call = await client.calls.create({
      to: '+8613900139000',
      from: '+8612345',
      url: `${app.url}/survey`,
      statusCallback: `${app.url}/call/status`,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(call.sid).to.match(/^CA[0-9a-f]{32}$/);
    expect(call.status).to.equal('queued');
    expect(call.direction).to.equal('outbound-api');
    await waitFor(() => app.on('/call/status').some((r) => r.params.CallStatus === 'completed'), 5000, 'completed');
    const statuses = app.on('/call/status').map((r) => r.params.CallStatus);
    expect(statuses).to.deep.equal(['initiated', 'ringing', 'in-progress', 'completed']);
    const seq = app.on('/call/status').map((r) => Number(r.params.SequenceNumber));
    expect(seq).to.deep.equal([0, 1, 2, 3]);
    expect(Number(app.on('/call/status').at(-1)?.params.CallDuration)).to.be.greaterThan(0);
    expect(app.on('/survey/answer')[0]?.params.Digits).to.equal('3');
    const fetched = await client.calls(call.sid).fetch();
    expect(fetched.status).to.equal('completed');
    expect(fetched.startTime).to.be.instanceOf(Date);
  });

  it('reports busy and no-answer handsets to a Dial action, and bridges and records an answered one', async () => {
    ({ app, sim, client } = await startPair({
      '/voice/incoming': () => '<Response><Dial action="/dial/1" timeout="10"><Number>+8601088880000</Number></Dial></Response>',
      '/dial/1': () => '<Response><Dial action="/dial/2" timeout="5"><Number>110</Number></Dial></Response>',
      '/dial/2': () => '<Response><Dial action="/dial/3" record="record-from-answer" recordingStatusCallback="/rec/status"><Client>dept_7</Client></Dial></Response>',
      '/dial/3': () => '<Response><Say>再见</Say></Response>',
    }));
    sim.handsets.set('+8601088880000', { answer: 'busy' });
    sim.handsets.set('110', { answer: 'no-answer' });
    sim.handsets.set('client:dept_7', { answer: 'auto', hangupAfter: 12, talk: '收到，我们马上处理' });
    const summary = await sim.placeCall({ from: '13800138000', talk: '我要反映噪音问题' });
    expect(app.on('/dial/1')[0]?.params.DialCallStatus).to.equal('busy');
    expect(app.on('/dial/2')[0]?.params.DialCallStatus).to.equal('no-answer');
    const third = app.on('/dial/3')[0]?.params;
    expect(third?.DialCallStatus).to.equal('completed');
    expect(Number(third?.DialCallDuration)).to.be.within(11, 14);
    expect(third?.RecordingSid).to.match(/^RE/);
    expect(summary.steps.map((s) => renderStep(s, 'en'))).to.include('Connected: client:dept_7');
    const child = sim.calls().find((c) => c.to === 'client:dept_7');
    expect(child?.parentCallSid).to.equal(summary.callSid);
    expect(child?.direction).to.equal('outbound-dial');
    const wav = await fetch(`${third?.RecordingUrl}`);
    expect(readWavInfo(Buffer.from(await wav.arrayBuffer())).durationSeconds).to.be.greaterThan(0.5);
  });

  it('lets a caller give up in a queue after holdFor, and tells the Enqueue action', async () => {
    ({ app, sim, client } = await startPair({
      '/voice/incoming': () => '<Response><Enqueue waitUrl="/queue/wait" action="/queue/done">general</Enqueue></Response>',
      '/queue/wait': (p) => `<Response><Say>您前面还有${Number(p.QueuePosition) - 1}位</Say><Pause length="10"/></Response>`,
    }));
    const summary = await sim.placeCall({ from: '13800138000', holdFor: 45 });
    const lines = summary.steps.map((s) => renderStep(s));
    expect(lines).to.include('排队: general');
    expect(lines).to.include('听到: 您前面还有0位');
    expect(lines).to.include('等待 45 秒无人接听, 放弃');
    expect(summary.endedBy).to.equal('caller');
    expect(summary.talkSeconds).to.equal(0);
    await waitFor(() => app.on('/queue/done').length > 0, 3000, 'enqueue action');
    expect(app.on('/queue/done')[0]?.params.QueueResult).to.equal('hangup');
    expect(Number(app.on('/queue/wait')[0]?.params.QueuePosition)).to.equal(1);
  });

  it('answers an application error (500 from the voice URL) with an apology and a hang-up', async () => {
    ({ app, sim, client } = await startPair({}, { voiceUrl: 'http://127.0.0.1:9/nothing-listens-here' }));
    const summary = await sim.placeCall({ from: '13800138000' });
    expect(summary.steps.some((s) => s.kind === 'error')).to.equal(true);
    expect(summary.endedBy).to.equal('carrier');
  });

  it('hands an inbound SMS to the platform and collects its <Message> reply', async () => {
    ({ app, sim, client } = await startPair({
      '/sms/incoming': (p) => `<Response><Message>已收到: ${p.Body}</Message></Response>`,
    }));
    const result = await sim.sendSms({ from: '13800138000', body: '查询工单 GD2024' });
    expect(result.replies).to.deep.equal(['已收到: 查询工单 GD2024']);
    const params = app.on('/sms/incoming')[0]?.params;
    expect(params).to.include({ From: '+8613800138000', To: '+8612345', Body: '查询工单 GD2024' });
    expect(params?.MessageSid).to.match(/^SM[0-9a-f]{32}$/);
    expect(sim.messages().map((m) => m.direction)).to.deep.equal(['inbound', 'outbound-reply']);
  });
});
