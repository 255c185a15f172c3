/**
 * The phone voice bot (the IVR `voicebot` node): the caller asks a question aloud, the knowledge-base
 * chatbot (modules/chat) answers, the answer is said back, and the caller may ask again or ask for a person.
 *
 * One turn = one webhook = one transaction, keyed on (CallSid, `bot:<seq>:<turn>`): the chat turn is stored
 * in the same transaction as the webhook's claim, so a retried webhook replays the stored TwiML and never
 * stores the turn twice. The loop's counters (turn, consecutive misses) travel in the signed action URL.
 *
 * Everything that is not an answer ends in the flow's queue: "转人工" or 0, silence twice, speech the
 * recogniser was unsure of, a question the bot cannot answer, too many turns, and any failure of the bot.
 */
import { sql } from 'kysely';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { VoiceLanguage, VoiceStep } from '../../ports/telephony.ts';
import { callStateSchema, step as stepFlow } from '../../../../ivr-flows/src/index.ts';
import { addCallEvent, lockCall } from '../calls/calls.repository.ts';
import { answerSpokenQuestion, noteSpokenHandoff } from '../chat/index.ts';
import { flowOf } from './telephony.flows.ts';
import { voicebotSupport } from './telephony.service.ts';
import { voiceUrl } from './telephony.urls.ts';

/** Questions one call may ask the bot before it is handed to an agent anyway. */
export const VOICEBOT_MAX_TURNS = 5;
/** Silent (or empty) turns in a row before the caller goes to an agent. */
export const VOICEBOT_MAX_MISSES = 2;
/** Recogniser confidence below which the words are not trusted enough to answer from. */
export const VOICEBOT_MIN_CONFIDENCE = 0.4;
/** Seconds of silence the carrier waits for the caller to start speaking. */
const LISTEN_SECONDS = 6;

const TEXT = {
  followUp: { 'zh-CN': '还有其他问题请直接说，转人工请按0或说转人工。', en: 'If you have another question, just say it. For an agent, press 0 or say agent.' },
  notHeard: { 'zh-CN': '抱歉，我没有听清，请再说一遍您的问题。转人工请按0。', en: 'Sorry, I did not catch that. Please say your question again, or press 0 for an agent.' },
  enough: { 'zh-CN': '为了更好地帮助您，正在为您转接人工坐席，请稍候。', en: 'To help you further, we are connecting you to an agent, please hold.' },
} satisfies Record<string, Record<VoiceLanguage, string>>;

/** The bot webhook's parameters (after the signature check): Twilio's Gather result and our own loop counters. */
export const voicebotWebhookSchema = z.object({
  CallSid: z.string().regex(/^CA[0-9a-f]{32}$/),
  call: z.uuid(),
  seq: z.coerce.number().int().min(0),
  turn: z.coerce.number().int().min(0).max(VOICEBOT_MAX_TURNS),
  miss: z.coerce.number().int().min(0).max(VOICEBOT_MAX_MISSES),
  timeout: z.literal('1').optional(),
  Digits: z.string().regex(/^[0-9*#]{0,32}$/).optional(),
  SpeechResult: z.string().max(2000).optional(),
  Confidence: z.coerce.number().min(0).max(1).optional(),
});
export type VoicebotWebhook = z.infer<typeof voicebotWebhookSchema>;

/**
 * What the caller hears while the bot listens: a speech (and key, for 0) Gather posting to the bot webhook,
 * then — when the carrier gets no input — a redirect to the same webhook marked as a timeout.
 */
export function voicebotListen(
  ctx: AppContext,
  callId: string,
  seq: number,
  language: VoiceLanguage,
  loop: { turn: number; miss: number; prompt?: string } = { turn: 0, miss: 0 },
): VoiceStep[] {
  const query = { call: callId, seq, turn: loop.turn, miss: loop.miss };
  return [
    {
      kind: 'gather',
      action: voiceUrl(ctx, 'bot', query),
      input: ['speech', 'dtmf'],
      numDigits: 1,
      timeoutSeconds: LISTEN_SECONDS,
      language,
      prompt: loop.prompt ? [{ kind: 'say', text: loop.prompt, language }] : [],
    },
    { kind: 'redirect', url: voiceUrl(ctx, 'bot', { ...query, timeout: 1 }) },
  ];
}

type Heard = { kind: 'zero' } | { kind: 'silence' } | { kind: 'unsure'; text: string } | { kind: 'words'; text: string };

/** What the caller did at the bot's Gather. Keys other than 0 are read as words ("2" picks from a list). */
function hear(p: VoicebotWebhook): Heard {
  if (p.timeout) return { kind: 'silence' };
  if (p.Digits) return p.Digits.startsWith('0') ? { kind: 'zero' } : { kind: 'words', text: p.Digits };
  const text = (p.SpeechResult ?? '').trim();
  if (!text) return { kind: 'silence' };
  // Twilio omits Confidence for some recognisers; absent means "no opinion", not "unsure".
  if (p.Confidence !== undefined && p.Confidence < VOICEBOT_MIN_CONFIDENCE) return { kind: 'unsure', text };
  return { kind: 'words', text };
}

/** Where the turn leaves the caller: listening again, or the flow's hand-off branches (both queues by default). */
type Next = { kind: 'listen'; turn: number; miss: number; prompt?: string } | { kind: 'flow'; result: 'wants-agent' | 'unavailable' };

/** One turn of the voice bot: the caller's speech or key in, TwiML out. Idempotent per (CallSid, seq, turn). */
export async function handleVoicebotInput(ctx: AppContext, p: VoicebotWebhook): Promise<string> {
  const { once, applyFlowResult, rescue, render } = voicebotSupport;
  return once(ctx, p.CallSid, `bot:${p.seq}:${p.turn}`, async (trx) => {
    const after: Parameters<typeof applyFlowResult>[5] = [];
    const call = await lockCall(trx, p.call);
    if (!call || call.call_sid !== p.CallSid) return rescue(ctx, trx, p.CallSid, 'unknown call at voicebot', after);
    if (call.status === 'ended') return { twiml: render(ctx, [{ kind: 'hangup' }]) };
    const flow = flowOf(ctx, call.ivr_flow ?? 'hotline');
    const parsed = callStateSchema.safeParse(call.ivr_state);
    const atBot = parsed.success && parsed.data.status === 'active' && Object.hasOwn(flow.nodes, parsed.data.node) && flow.nodes[parsed.data.node]?.kind === 'voicebot';
    // A turn for a call that has moved on (queued by a rescue, another step): the caller still gets a queue.
    if (!parsed.success || !atBot || call.status !== 'ivr' || call.ivr_seq !== p.seq) return rescue(ctx, trx, p.CallSid, 'voicebot turn out of step', after, call);
    const state = parsed.data;
    const language: VoiceLanguage = state.language === 'en' ? 'en' : 'zh-CN';

    const said: VoiceStep[] = [];
    let next: Next;
    await sql`savepoint voicebot_turn`.execute(trx);
    try {
      next = await takeTurn(ctx, trx, call.id, language, p, said);
      await sql`release savepoint voicebot_turn`.execute(trx);
    } catch (error) {
      // The bot failed (the chat tables, the matcher …): forget its half-written turn, and queue the caller.
      await sql`rollback to savepoint voicebot_turn`.execute(trx);
      ctx.logger.warn({ err: error, callId: call.id }, 'voice bot failed; the caller goes to the queue');
      said.length = 0;
      next = { kind: 'flow', result: 'unavailable' };
      await addCallEvent(trx, call.id, 'voicebot_failed', { turn: p.turn });
    }

    if (next.kind === 'listen' && next.turn >= VOICEBOT_MAX_TURNS) {
      // Bounded: a caller still asking after this many turns is better served by a person.
      said.push({ kind: 'say', text: TEXT.enough[language], language });
      next = { kind: 'flow', result: 'wants-agent' };
    }
    if (next.kind === 'listen') {
      return { twiml: render(ctx, [...said, ...voicebotListen(ctx, call.id, p.seq, language, next)]) };
    }
    const result = stepFlow(flow, state, { kind: 'bot', result: next.result });
    const steps = await applyFlowResult(ctx, trx, call, flow, result, after);
    return { twiml: render(ctx, [...said, ...steps]), after };
  });
}

/** Asks the bot (or notes the hand-off), records the turn on the call, and says what to do next. */
async function takeTurn(ctx: AppContext, trx: Executor, callId: string, language: VoiceLanguage, p: VoicebotWebhook, said: VoiceStep[]): Promise<Next> {
  const say = (text: string) => void said.push({ kind: 'say', text, language });
  const heard = hear(p);
  const note = async (outcome: string, sessionId: string | null) => {
    // The call's link to its conversation: every turn names the chat session it was stored in.
    await addCallEvent(trx, callId, 'voicebot_turn', { turn: p.turn, heard: heard.kind, outcome, chatSessionId: sessionId });
  };

  if (heard.kind === 'silence') {
    if (p.miss + 1 >= VOICEBOT_MAX_MISSES) {
      const handoff = await noteSpokenHandoff(ctx, { callId, text: '', language, reason: 'no_speech' }, trx);
      say(handoff.say);
      await note('no_speech', handoff.sessionId);
      return { kind: 'flow', result: 'wants-agent' };
    }
    await note('not_heard', null);
    return { kind: 'listen', turn: p.turn + 1, miss: p.miss + 1, prompt: TEXT.notHeard[language] };
  }
  if (heard.kind === 'zero' || heard.kind === 'unsure') {
    const reason = heard.kind === 'zero' ? 'pressed_zero' : 'low_confidence';
    const handoff = await noteSpokenHandoff(ctx, { callId, text: heard.kind === 'zero' ? '按0转人工' : heard.text, language, reason }, trx);
    say(handoff.say);
    await note(reason, handoff.sessionId);
    return { kind: 'flow', result: 'wants-agent' };
  }

  const answer = await answerSpokenQuestion(ctx, { callId, text: heard.text, language }, trx);
  say(answer.say);
  await note(answer.outcome, answer.sessionId);
  if (answer.outcome === 'handoff') return { kind: 'flow', result: 'wants-agent' };
  // After an answer, offer more help; after a list of choices, the list itself asks for a number.
  return { kind: 'listen', turn: p.turn + 1, miss: 0, ...(answer.outcome === 'answered' ? { prompt: TEXT.followUp[language] } : {}) };
}
