/**
 * Renders the platform's voice steps (ports/telephony.ts) as TwiML with the twilio library's own builder, so
 * escaping and attribute names are Twilio's. Chinese prompts use a Mandarin voice; English an English one.
 */
import twilio from 'twilio';
import type { PauseVoiceStep, SayVoiceStep, VoiceLanguage, VoiceStep } from '../../ports/telephony.ts';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;
type SayTarget = { say: VoiceResponse['say']; pause: VoiceResponse['pause'] };

/** Twilio's <Say> language and voice per platform language. */
const VOICES: Record<VoiceLanguage, { language: 'cmn-CN' | 'en-US'; voice: string }> = {
  'zh-CN': { language: 'cmn-CN', voice: 'Polly.Zhiyu' },
  en: { language: 'en-US', voice: 'Polly.Joanna' },
};

/** Twilio's <Gather> speech-recognition language per platform language. */
const GATHER_LANGUAGES: Record<VoiceLanguage, 'cmn-Hans-CN' | 'en-US'> = { 'zh-CN': 'cmn-Hans-CN', en: 'en-US' };

function addSpoken(target: SayTarget, step: SayVoiceStep | PauseVoiceStep): void {
  if (step.kind === 'say') target.say({ language: VOICES[step.language].language as never, voice: VOICES[step.language].voice as never }, step.text);
  else target.pause({ length: Math.max(1, Math.round(step.seconds)) });
}

/** One TwiML document for a list of steps. */
export function renderVoiceResponse(steps: VoiceStep[]): string {
  const response = new twilio.twiml.VoiceResponse();
  for (const step of steps) {
    switch (step.kind) {
      case 'say':
      case 'pause':
        addSpoken(response, step);
        break;
      case 'gather': {
        const gather = response.gather({
          input: step.input,
          numDigits: step.numDigits,
          timeout: step.timeoutSeconds,
          action: step.action,
          method: 'POST',
          language: GATHER_LANGUAGES[step.language] as never,
          ...(step.hints?.length ? { hints: step.hints.join(',') } : {}),
          actionOnEmptyResult: false,
        });
        for (const spoken of step.prompt) addSpoken(gather, spoken);
        break;
      }
      case 'redirect':
        response.redirect({ method: 'POST' }, step.url);
        break;
      case 'enqueue':
        response.enqueue({ waitUrl: step.waitUrl, waitUrlMethod: 'POST', ...(step.action ? { action: step.action, method: 'POST' } : {}) }, step.queue);
        break;
      case 'conference': {
        const dial = response.dial(step.action ? { action: step.action, method: 'POST' } : {});
        dial.conference(
          {
            startConferenceOnEnter: step.startOnEnter,
            endConferenceOnExit: step.endOnExit,
            participantLabel: step.label,
            beep: 'false' as never,
            ...(step.statusCallback
              ? { statusCallback: step.statusCallback, statusCallbackMethod: 'POST', statusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold', 'mute'] as never }
              : {}),
            ...(step.record ? { record: 'record-from-start', ...(step.recordingStatusCallback ? { recordingStatusCallback: step.recordingStatusCallback } : {}) } : {}),
          },
          step.name,
        );
        break;
      }
      case 'record':
        response.record({
          action: step.action,
          method: 'POST',
          maxLength: step.maxSeconds,
          playBeep: true,
          timeout: 5,
          finishOnKey: '#',
          ...(step.recordingStatusCallback ? { recordingStatusCallback: step.recordingStatusCallback } : {}),
        });
        break;
      case 'dial': {
        const dial = response.dial({
          ...(step.action ? { action: step.action, method: 'POST' } : {}),
          ...(step.record ? { record: 'record-from-answer' } : {}),
          ...(step.recordingStatusCallback ? { recordingStatusCallback: step.recordingStatusCallback } : {}),
        } as never);
        dial.number(step.number);
        break;
      }
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
