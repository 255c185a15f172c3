/**
 * The TwiML renderer writes documents directly (it is on every webhook's path); the twilio library's own
 * builder is the reference. Every step kind and option, and text that needs escaping, rendered both ways.
 */
import { expect } from 'chai';
import twilio from 'twilio';
import { renderVoiceResponse } from '../../server/src/adapters/twilio/twiml.ts';
import type { PauseVoiceStep, SayVoiceStep, VoiceStep } from '../../server/src/ports/telephony.ts';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;
type Spoken = { say: VoiceResponse['say']; pause: VoiceResponse['pause'] };

const VOICES = { 'zh-CN': { language: 'cmn-CN', voice: 'Polly.Zhiyu' }, en: { language: 'en-US', voice: 'Polly.Joanna' } } as const;

/** The same steps through `twilio.twiml.VoiceResponse`, as the renderer did before it wrote XML itself. */
function renderWithTwilioBuilder(steps: VoiceStep[]): string {
  const response = new twilio.twiml.VoiceResponse();
  const spoken = (target: Spoken, step: SayVoiceStep | PauseVoiceStep) => {
    if (step.kind === 'say') target.say({ language: VOICES[step.language].language as never, voice: VOICES[step.language].voice as never }, step.text);
    else target.pause({ length: Math.max(1, Math.round(step.seconds)) });
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'say':
      case 'pause':
        spoken(response, step);
        break;
      case 'gather': {
        const gather = response.gather({
          input: step.input,
          numDigits: step.numDigits,
          timeout: step.timeoutSeconds,
          action: step.action,
          method: 'POST',
          language: (step.language === 'en' ? 'en-US' : 'cmn-Hans-CN') as never,
          ...(step.hints?.length ? { hints: step.hints.join(',') } : {}),
          actionOnEmptyResult: false,
        });
        for (const s of step.prompt) spoken(gather, s);
        break;
      }
      case 'redirect':
        response.redirect({ method: 'POST' }, step.url);
        break;
      case 'enqueue':
        response.enqueue({ waitUrl: step.waitUrl, waitUrlMethod: 'POST', ...(step.action ? { action: step.action, method: 'POST' } : {}) }, step.queue);
        break;
      case 'conference':
        response.dial(step.action ? { action: step.action, method: 'POST' } : {}).conference(
          {
            startConferenceOnEnter: step.startOnEnter,
            endConferenceOnExit: step.endOnExit,
            participantLabel: step.label,
            beep: 'false' as never,
            ...(step.statusCallback ? { statusCallback: step.statusCallback, statusCallbackMethod: 'POST', statusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold', 'mute'] as never } : {}),
            ...(step.record ? { record: 'record-from-start', ...(step.recordingStatusCallback ? { recordingStatusCallback: step.recordingStatusCallback } : {}) } : {}),
          },
          step.name,
        );
        break;
      case 'record':
        response.record({ action: step.action, method: 'POST', maxLength: step.maxSeconds, playBeep: true, timeout: 5, finishOnKey: '#', ...(step.recordingStatusCallback ? { recordingStatusCallback: step.recordingStatusCallback } : {}) });
        break;
      case 'dial':
        response
          .dial({
            ...(step.action ? { action: step.action, method: 'POST' } : {}),
            ...(step.record ? { record: 'record-from-answer' } : {}),
            ...(step.recordingStatusCallback ? { recordingStatusCallback: step.recordingStatusCallback } : {}),
          } as never)
          .number(step.number);
        break;
      case 'leave':
        response.leave();
        break;
      case 'hangup':
        response.hangup();
        break;
    }
  }
  return response.toString();
}

const awkward = `您好 <b>&amp; "引号" 'single' > \t tab\nnew line`;
const url = 'https://hotline.example/twilio/voice/gather?call=3f0c&seq=2&timeout=1';

const documents: Record<string, VoiceStep[]> = {
  empty: [],
  'say and pause': [{ kind: 'say', text: '您好，这里是12345政务服务便民热线', language: 'zh-CN' }, { kind: 'pause', seconds: 0.2 }, { kind: 'pause', seconds: 2.6 }, { kind: 'say', text: 'Hello', language: 'en' }, { kind: 'say', text: '', language: 'en' }],
  'text and URLs that need escaping': [{ kind: 'say', text: awkward, language: 'zh-CN' }, { kind: 'redirect', url }, { kind: 'enqueue', queue: awkward, waitUrl: url, action: url }],
  'gather, full and bare': [
    { kind: 'gather', action: url, input: ['dtmf', 'speech'], numDigits: 1, timeoutSeconds: 5, language: 'zh-CN', hints: ['公积金', '社保'], prompt: [{ kind: 'say', text: '请按键', language: 'zh-CN' }, { kind: 'pause', seconds: 1 }] },
    { kind: 'gather', action: url, input: ['dtmf'], numDigits: 11, timeoutSeconds: 8, language: 'en', hints: [], prompt: [] },
    { kind: 'gather', action: url, input: ['speech'], numDigits: 1, timeoutSeconds: 3, language: 'en', prompt: [{ kind: 'say', text: 'Say it', language: 'en' }] },
  ],
  'enqueue without action': [{ kind: 'enqueue', queue: 'general', waitUrl: url }],
  'conference, every option and none': [
    { kind: 'conference', name: 'call-1', label: 'caller', startOnEnter: true, endOnExit: false, statusCallback: url, record: true, recordingStatusCallback: url, action: url },
    { kind: 'conference', name: 'call-2', label: 'agent', startOnEnter: false, endOnExit: true },
    { kind: 'conference', name: 'call-3', label: 'dept', startOnEnter: true, endOnExit: true, record: true },
  ],
  'record and dial': [
    { kind: 'record', action: url, maxSeconds: 120, recordingStatusCallback: url },
    { kind: 'record', action: url, maxSeconds: 60 },
    { kind: 'dial', number: '110', record: true, action: url, recordingStatusCallback: url },
    { kind: 'dial', number: '+8657187001234', record: false },
  ],
  'leave and hang up': [{ kind: 'leave' }, { kind: 'hangup' }],
};

describe('TwiML rendering', () => {
  for (const [name, steps] of Object.entries(documents)) {
    it(`matches the twilio builder byte for byte: ${name}`, () => {
      expect(renderVoiceResponse(steps)).to.equal(renderWithTwilioBuilder(steps));
    });
  }

  it('drops characters XML cannot hold instead of failing the caller', () => {
    const twiml = renderVoiceResponse([{ kind: 'say', text: 'a\u0000b\u0007c\u001Fd', language: 'zh-CN' }]);
    expect(twiml).to.contain('>abcd</Say>');
  });
});
