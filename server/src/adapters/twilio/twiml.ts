/**
 * Renders the platform's voice steps (ports/telephony.ts) as TwiML, exactly as the twilio library's own builder
 * does (test/telephony/twiml.test.ts holds the two side by side). Chinese prompts use a Mandarin voice; English
 * an English one.
 */
import type { PauseVoiceStep, SayVoiceStep, VoiceLanguage, VoiceStep } from '../../ports/telephony.ts';

/** Twilio's <Say> language and voice per platform language. */
const VOICES: Record<VoiceLanguage, { language: 'cmn-CN' | 'en-US'; voice: string }> = {
  'zh-CN': { language: 'cmn-CN', voice: 'Polly.Zhiyu' },
  en: { language: 'en-US', voice: 'Polly.Joanna' },
};

/** Twilio's <Gather> speech-recognition language per platform language. */
const GATHER_LANGUAGES: Record<VoiceLanguage, 'cmn-Hans-CN' | 'en-US'> = { 'zh-CN': 'cmn-Hans-CN', en: 'en-US' };

/**
 * One TwiML document for a list of steps.
 *
 * Written out directly rather than through `twilio.twiml.VoiceResponse`, whose XML builder cost each document
 * ~40 µs of CPU, a tenth of an incoming call's webhook. The output is the builder's byte for byte — same
 * attribute names and order, same escaping — and a test renders every step kind both ways and compares.
 */
export function renderVoiceResponse(steps: VoiceStep[]): string {
  let body = '';
  for (const step of steps) body += renderStep(step);
  return body ? `${XML_DECLARATION}<Response>${body}</Response>` : `${XML_DECLARATION}<Response/>`;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

type Attributes = Record<string, string | number | boolean | undefined>;

function renderStep(step: VoiceStep): string {
  switch (step.kind) {
    case 'say':
    case 'pause':
      return spoken(step);
    case 'gather':
      return element(
        'Gather',
        {
          input: step.input.join(' '),
          numDigits: step.numDigits,
          timeout: step.timeoutSeconds,
          action: step.action,
          method: 'POST',
          language: GATHER_LANGUAGES[step.language],
          hints: step.hints?.length ? step.hints.join(',') : undefined,
          actionOnEmptyResult: false,
        },
        step.prompt.map(spoken).join(''),
      );
    case 'redirect':
      return element('Redirect', { method: 'POST' }, escapeText(step.url));
    case 'enqueue':
      return element('Enqueue', { waitUrl: step.waitUrl, waitUrlMethod: 'POST', action: step.action, method: step.action ? 'POST' : undefined }, escapeText(step.queue));
    case 'conference': {
      const callback = step.statusCallback;
      const conference = element(
        'Conference',
        {
          startConferenceOnEnter: step.startOnEnter,
          endConferenceOnExit: step.endOnExit,
          participantLabel: step.label,
          beep: 'false',
          statusCallback: callback,
          statusCallbackMethod: callback ? 'POST' : undefined,
          statusCallbackEvent: callback ? 'start end join leave hold mute' : undefined,
          record: step.record ? 'record-from-start' : undefined,
          recordingStatusCallback: step.record ? step.recordingStatusCallback : undefined,
        },
        escapeText(step.name),
      );
      return element('Dial', { action: step.action, method: step.action ? 'POST' : undefined }, conference);
    }
    case 'record':
      return element('Record', {
        action: step.action,
        method: 'POST',
        maxLength: step.maxSeconds,
        playBeep: true,
        timeout: 5,
        finishOnKey: '#',
        recordingStatusCallback: step.recordingStatusCallback,
      });
    case 'dial':
      return element(
        'Dial',
        {
          action: step.action,
          method: step.action ? 'POST' : undefined,
          record: step.record ? 'record-from-answer' : undefined,
          recordingStatusCallback: step.recordingStatusCallback,
        },
        element('Number', {}, escapeText(step.number)),
      );
    case 'leave':
      return '<Leave/>';
    case 'hangup':
      return '<Hangup/>';
  }
}

function spoken(step: SayVoiceStep | PauseVoiceStep): string {
  if (step.kind === 'pause') return element('Pause', { length: Math.max(1, Math.round(step.seconds)) });
  const voice = VOICES[step.language];
  return element('Say', { language: voice.language, voice: voice.voice }, escapeText(step.text));
}

/** `<name a="…">content</name>`, or `<name a="…"/>` when there is no content. */
function element(name: string, attributes: Attributes, content = ''): string {
  let open = `<${name}`;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) open += ` ${key}="${escapeAttribute(String(value))}"`;
  }
  return content ? `${open}>${content}</${name}>` : `${open}/>`;
}

// The builder's escaping (xmlbuilder's XMLStringifier), minus its refusal of characters XML cannot hold: those
// are dropped here instead, so a control character in a prompt cannot turn a caller's answer into an error.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

// Most text needs no escaping at all (a prompt, a URL without a query): one scan finds out. Otherwise one pass
// replaces each character, which is what the builder's chain of replaces does (none of them introduces a
// character a later one replaces, except `&`, which comes first there and is never re-escaped here).
const TEXT_SPECIAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF&<>\r]/;
const TEXT_ESCAPES = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF&<"\t\n\r]/;
const ATTRIBUTE_ESCAPES = /[&<"\t\n\r]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };
const entityOf = (ch: string) => ENTITIES[ch]!;

function escapeText(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.replace(INVALID_XML, '').replace(TEXT_ESCAPES, entityOf);
}

function escapeAttribute(text: string): string {
  if (!ATTRIBUTE_SPECIAL.test(text)) return text;
  return text.replace(INVALID_XML, '').replace(ATTRIBUTE_ESCAPES, entityOf);
}
