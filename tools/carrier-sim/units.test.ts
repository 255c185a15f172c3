import { expect } from 'chai';
import { makeToneWav, readWavInfo, synthesiseSpeech } from './audio.ts';
import { createHandsetRegistry } from './handsets.ts';
import { toE164 } from './ids.ts';
import { parseTwiml, TwimlError } from './twiml.ts';
import { createSimHttpClient, renderStep, startCarrierSim } from './index.ts';
import { startTwimlApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, waitFor } from './test-support.ts';

describe('carrier-sim: pieces', () => {
  it('parses TwiML verbs in order, keeping numbers as strings and entities decoded', () => {
    const verbs = parseTwiml('<?xml version="1.0"?><Response><Say language="zh-CN">A &amp; B</Say><Dial callerId="+8612345"><Number>+8613800138000</Number></Dial><Hangup/></Response>');
    expect(verbs.map((v) => v.name)).to.deep.equal(['Say', 'Dial', 'Hangup']);
    expect(verbs[0]?.text).to.equal('A & B');
    expect(verbs[1]?.children[0]?.text).to.equal('+8613800138000');
    expect(verbs[1]?.attrs.callerId).to.equal('+8612345');
    expect(() => parseTwiml('<Response><Say>x</Response>')).to.throw(TwimlError);
    expect(() => parseTwiml('<Foo/>')).to.throw(TwimlError, /Response/);
  });

  it('writes a tone WAV whose header reads back', () => {
    const info = readWavInfo(makeToneWav(2));
    expect(info).to.include({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(info.durationSeconds).to.equal(2);
    expect(() => readWavInfo(Buffer.from('not a wav file at all'))).to.throw(/RIFF/);
  });

  it('synthesises Mandarin speech when espeak-ng exists, a tone otherwise', async () => {
    const audio = await synthesiseSpeech('路灯坏了', 3);
    const info = readWavInfo(audio.wav);
    expect(info.durationSeconds).to.be.greaterThan(0.3);
    expect(['espeak-ng', 'tone']).to.include(audio.source);
  });

  it('writes numbers as Twilio does (E.164 with +86 for Chinese mobiles and landlines)', () => {
    expect(toE164('13800138000')).to.equal('+8613800138000');
    expect(toE164('01088880000')).to.equal('+861088880000');
    expect(toE164('12345')).to.equal('12345');
    expect(toE164('client:agent_3')).to.equal('client:agent_3');
    expect(toE164('+8612345')).to.equal('+8612345');
  });

  it('finds a handset by number whatever its prefix, and falls back to auto-answer', () => {
    const reg = createHandsetRegistry();
    reg.set('+8613900139000', { answer: 'busy' });
    expect(reg.get('8613900139000').answer).to.equal('busy');
    expect(reg.get('client:agent_1')).to.include({ answer: 'auto', afterSeconds: 1 });
    reg.setDefault({ answer: 'no-answer' });
    expect(reg.get('client:agent_1').answer).to.equal('no-answer');
  });

  it('renders steps in both languages', () => {
    expect(renderStep({ kind: 'pressed', digits: '2' })).to.equal('按键: 2');
    expect(renderStep({ kind: 'queued', queue: 'general' }, 'en')).to.equal('Queued: general');
    expect(renderStep({ kind: 'connected', with: 'client:agent_3' })).to.equal('接通: client:agent_3');
  });

  it('rewrites only protocol and host in the http client, keeping path, query and auth', async () => {
    const client = createSimHttpClient('http://127.0.0.1:9');
    await client
      .request({ method: 'get', uri: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json', params: { To: '+1', PageSize: 2 }, username: 'AC1', password: 'tok' })
      .catch(() => null);
    expect(client.lastRequest?.url).to.equal('http://127.0.0.1:9/2010-04-01/Accounts/AC1/Calls.json?To=%2B1&PageSize=2');
  });
});

describe('carrier-sim: gather variations', () => {
  it('handles speech input, empty results with actionOnEmptyResult, onGather and interactive input', async () => {
    const app = await startTwimlApp({
      '/voice/incoming': () =>
        '<Response><Gather input="speech" action="/g1" language="zh-CN"><Say>请说出您的问题</Say></Gather></Response>',
      '/g1': () => '<Response><Gather action="/g2" actionOnEmptyResult="true" timeout="3"><Say>请按键</Say></Gather></Response>',
      '/g2': () => '<Response><Gather action="/g3" numDigits="4"><Say>请输入工号</Say></Gather></Response>',
      '/g3': () => '<Response><Gather action="/g4"><Say>最后一步</Say></Gather></Response>',
      '/g4': () => '<Response><Say>再见</Say></Response>',
    });
    const sim = await startCarrierSim({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, voiceUrl: `${app.url}/voice/incoming`, hotlineNumber: '+8612345', timeScale: 0.01 });
    try {
      const prompts: string[] = [];
      const summary = await sim.placeCall({
        from: '13800138000',
        say: '噪音扰民',
        onGather: (g) => {
          prompts.push(g.prompt);
          return g.prompt.includes('工号') ? '12345678#' : null;
        },
      });
      expect(app.on('/g1')[0]?.params).to.include({ SpeechResult: '噪音扰民' });
      expect(Number(app.on('/g1')[0]?.params.Confidence)).to.be.within(0, 1);
      expect(app.on('/g2')[0]?.params.Digits).to.equal('');
      expect(app.on('/g3')[0]?.params.Digits).to.equal('1234');
      expect(app.on('/g4')).to.have.length(0); // no input, no actionOnEmptyResult: falls through and hangs up
      expect(prompts).to.deep.equal(['请按键', '请输入工号', '最后一步']);
      expect(summary.endedBy).to.equal('platform');

      // Interactive: the browser phone sends the key while the Gather waits.
      const call = sim.placeCall({ from: '13800138001', interactive: true });
      await new Promise<void>((resolve) => call.onStep((s) => s.kind === 'heard' && s.text === '请说出您的问题' && resolve()));
      await new Promise((r) => setTimeout(r, 30));
      expect(sim.sendInput(call.callSid, { say: '查询进度' })).to.equal(true);
      await waitFor(() => app.on('/g1').length === 2, 3000, 'interactive gather action');
      call.hangup();
      await call;
      expect(app.on('/g1').map((r) => r.params.SpeechResult)).to.include('查询进度');
    } finally {
      await sim.stop();
      await app.stop();
    }
  });
});
