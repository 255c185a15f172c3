/**
 * Chatbot use cases on every channel: web sessions (a bearer token per conversation), inbound SMS (one open
 * conversation per sender, idempotent on MessageSid), the phone's voice bot (one conversation per call),
 * feedback on answers, and the supervisors' view of conversations and requests. One turn = one transaction:
 * the citizen's message, the bot's replies, the memory, the outcome and any knowledge gaps together.
 */
import { countHit, forgetStaleWindows } from '../../platform/rate-limit.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { RequestOrigin, UserActor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { ChatChannel } from '../../schema.ts';
import { recordKnowledgeGap } from '../knowledge/index.ts';
import { readMemory, takeTurn, type BotMessage, type SessionOutcome, type Turn } from './chat.bot.ts';
import { countChatAgents, presentLive, relayToLiveAgent } from './chat.live.ts';
import { phrase } from './chat.phrases.ts';
import { canReadConversations } from './chat.policy.ts';
import * as repo from './chat.repository.ts';
import { renderSmsReply } from './chat.twiml.ts';

/** Flood limits per source, in a one-minute window shared by all processes. */
export const RATE_LIMITS = {
  webMessagesPerIp: 30,
  webSessionsPerIp: 10,
  smsPerPhone: 10,
  windowSeconds: 60,
} as const;

/** An SMS sender's or a call's conversation continues while messages keep coming within this many minutes. */
const SMS_IDLE_MINUTES = 30;
const CALL_IDLE_MINUTES = 240;

const OUTCOME_RANK: Record<SessionOutcome, number> = { unanswered: 1, answered: 2, handoff: 3, request_left: 4 };

const sessionNotFound = () => new AppError('NOT_FOUND', { params: { entity: 'entity.chat_session' } });
const hashToken = (token: string) => createHash('sha256').update(token).digest();

async function enforceRateLimit(ctx: AppContext, key: string, limit: number): Promise<void> {
  const { count, resetInSeconds } = await countHit(ctx.db, key, RATE_LIMITS.windowSeconds);
  if (count > limit) {
    throw new AppError('RATE_LIMITED', { messageKey: 'chat.error.rate_limited', params: { seconds: resetInSeconds }, retryAfterSeconds: resetInSeconds });
  }
  // Now and then, forget windows nobody has touched for a day.
  if (Math.random() < 0.01) await forgetStaleWindows(ctx.db);
}

export type PresentedMessage = {
  id: string;
  /** `agent`: a live agent's message (stored as a bot-side message of kind `agent`). */
  role: 'user' | 'bot' | 'agent';
  text: string;
  kind: string | null;
  choices: { n: number; question: string }[] | null;
  canRate: boolean;
  helpful: boolean | null;
  at: string;
};

export function presentMessage(row: { id: string; role: 'user' | 'bot'; text: string; kind: string | null; choices: unknown; helpful: boolean | null; at: Date }): PresentedMessage {
  const choices = Array.isArray(row.choices) ? (row.choices as { n: number; question: string }[]).map((c) => ({ n: c.n, question: c.question })) : null;
  return { id: row.id, role: row.role === 'bot' && row.kind === 'agent' ? 'agent' : row.role, text: row.text, kind: row.kind, choices, canRate: row.role === 'bot' && row.kind === 'answer', helpful: row.helpful, at: new Date(row.at).toISOString() };
}

/**
 * Runs one turn in one transaction, the session row locked so two messages of one conversation are read in
 * order. Returns the turn and the stored bot messages.
 */
async function converse(ctx: AppContext, sessionId: string, text: string, inTransaction?: Executor): Promise<{ turn: Turn; messages: PresentedMessage[]; channel: ChatChannel }> {
  const run = async (trx: Executor) => {
    const session = await repo.lockSession(trx, sessionId);
    if (!session) throw sessionNotFound();
    const turn = await takeTurn(ctx, trx, session, text);
    const rows = [
      ...(turn.text ? [{ sessionId, role: 'user' as const, text: turn.text }] : []),
      ...turn.replies.map((r: BotMessage) => ({ sessionId, role: 'bot' as const, text: r.text, kind: r.kind, entryId: r.entryId ?? null, confidence: r.confidence ?? null, choices: r.choices ?? null })),
    ];
    const stored = await repo.insertMessages(trx, rows);
    for (const gap of turn.gaps) await recordKnowledgeGap(trx, { ...gap, channel: session.channel, sessionId });
    const current = session.outcome as SessionOutcome | null;
    const outcome = turn.outcome && (!current || OUTCOME_RANK[turn.outcome] >= OUTCOME_RANK[current]) ? turn.outcome : undefined;
    await repo.updateSession(trx, sessionId, { context: turn.memory as Record<string, unknown>, outcome, language: turn.text ? turn.language : undefined, addMessages: rows.length });
    const botRows = rows
      .map((r, i) => ({ ...r, id: stored[i]!.id, at: stored[i]!.at }))
      .filter((r) => r.role === 'bot')
      .map((r) => presentMessage({ id: r.id, role: 'bot', text: r.text, kind: 'kind' in r ? (r.kind ?? null) : null, choices: 'choices' in r ? r.choices : null, helpful: null, at: r.at }));
    return { turn, messages: botRows, channel: session.channel };
  };
  // A caller's transaction (the voice webhook's): the turn commits, or not, with the webhook's claim.
  return inTransaction?.isTransaction ? run(inTransaction) : ctx.db.transaction().execute(run);
}

// ── web ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Opens a web conversation: a fresh token (shown once) and the greeting. */
export async function startWebSession(ctx: AppContext, origin: RequestOrigin, input: { language?: 'zh-CN' | 'en' }) {
  await enforceRateLimit(ctx, `web-session:${origin.ip ?? 'unknown'}`, RATE_LIMITS.webSessionsPerIp);
  const language = input.language ?? origin.language;
  const token = randomBytes(24).toString('base64url');
  const { sessionId, greeting } = await ctx.db.transaction().execute(async (trx) => {
    const { id } = await repo.insertSession(trx, { channel: 'web', tokenHash: hashToken(token), language });
    const [row] = await repo.insertMessages(trx, [{ sessionId: id, role: 'bot', text: phrase('greeting', language), kind: 'greeting' }]);
    await repo.updateSession(trx, id, { context: {}, addMessages: 1 });
    return { sessionId: id, greeting: presentMessage({ id: row!.id, role: 'bot', text: phrase('greeting', language), kind: 'greeting', choices: null, helpful: null, at: row!.at }) };
  });
  return { sessionId, token, messages: [greeting] };
}

export async function requireWebSession(ctx: AppContext, sessionId: string, token: string | undefined) {
  const session = await repo.findSession(ctx.db, sessionId);
  const ok = session?.channel === 'web' && session.token_hash && token && timingSafeEqual(session.token_hash, hashToken(token));
  if (!session || !ok) throw new AppError('UNAUTHENTICATED', { messageKey: 'chat.error.token' });
  return session;
}

export async function postWebMessage(ctx: AppContext, origin: RequestOrigin, sessionId: string, token: string | undefined, text: string) {
  await requireWebSession(ctx, sessionId, token);
  await enforceRateLimit(ctx, `web-message:${origin.ip ?? 'unknown'}`, RATE_LIMITS.webMessagesPerIp);
  // With a live agent waiting or talking, the message is for the person, not the bot.
  const relayed = await relayToLiveAgent(ctx, sessionId, text);
  if (relayed) return relayed;
  const { turn, messages } = await converse(ctx, sessionId, text);
  // 转人工 on the web: say whether an agent is free, so the page can offer to wait for one.
  const liveAgent = turn.outcome === 'handoff' ? { available: (await countChatAgents(ctx.db)) > 0 } : null;
  return { messages, outcome: turn.outcome ?? null, language: turn.language, live: null, liveAgent };
}

/** The conversation so far, or only the messages after `after` (the page polls this while a live agent is involved). */
export async function getWebSession(ctx: AppContext, sessionId: string, token: string | undefined, after?: string) {
  const session = await requireWebSession(ctx, sessionId, token);
  const rows = await repo.listMessages(ctx.db, sessionId, after);
  return { sessionId, language: session.language, outcome: session.outcome, messages: rows.map(presentMessage), live: presentLive(readMemory(session.context).live) };
}

/** "Was this helpful?" on an answer; an unhelpful answer joins the curators' list with its question. */
export async function giveFeedback(ctx: AppContext, sessionId: string, token: string | undefined, messageId: string, helpful: boolean) {
  const session = await requireWebSession(ctx, sessionId, token);
  await ctx.db.transaction().execute(async (trx) => {
    const message = await repo.findMessage(trx, sessionId, messageId);
    if (!message || message.role !== 'bot' || message.kind !== 'answer') throw new AppError('NOT_FOUND', { params: { entity: 'entity.chat_message' } });
    const changed = message.helpful !== helpful;
    await repo.setFeedback(trx, messageId, helpful);
    if (!helpful && changed) {
      const question = await repo.questionBefore(trx, sessionId, messageId);
      if (question) {
        await recordKnowledgeGap(trx, { channel: session.channel, reason: 'unhelpful', text: question.text, bestEntryId: message.entry_id, confidence: message.confidence ?? 0, sessionId });
      }
    }
  });
  return { messageId, helpful, text: phrase('feedbackThanks', session.language === 'en' ? 'en' : 'zh-CN') };
}

// ── SMS ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * One inbound SMS → the TwiML reply. A carrier retry of the same MessageSid gets the stored reply and
 * changes nothing. A sender over the flood limit is told once per window, then ignored until it passes.
 */
export async function handleInboundSms(ctx: AppContext, input: { messageSid: string; from: string; body: string }): Promise<string> {
  if (!(await repo.claimInboundSms(ctx.db, input.messageSid))) return replayInboundSms(ctx, input.messageSid);
  try {
    const phone = ctx.pii.protectPhone(input.from);
    const { count } = await countHit(ctx.db, `sms:${phone.hash}`, RATE_LIMITS.windowSeconds);
    let reply: string;
    let sessionId: string | null = null;
    if (count > RATE_LIMITS.smsPerPhone) {
      reply = renderSmsReply(count === RATE_LIMITS.smsPerPhone + 1 ? [phrase('smsRateLimited', 'zh-CN')] : []);
    } else {
      sessionId =
        (await repo.findRecentSession(ctx.db, 'sms', phone.hash, SMS_IDLE_MINUTES))?.id ??
        (await repo.insertSession(ctx.db, { channel: 'sms', sourceKey: phone.hash, phone, language: 'zh-CN' })).id;
      const { messages } = await converse(ctx, sessionId, input.body);
      reply = renderSmsReply(messages.map((m) => m.text));
    }
    await repo.storeInboundReply(ctx.db, input.messageSid, sessionId, reply);
    return reply;
  } catch (error) {
    // Let the carrier's retry try again from scratch.
    await ctx.db.deleteFrom('chat_sms_inbound').where('message_sid', '=', input.messageSid).where('reply', 'is', null).execute();
    throw error;
  }
}

async function replayInboundSms(ctx: AppContext, messageSid: string): Promise<string> {
  // The first delivery may still be running: wait briefly for its reply.
  for (let waited = 0; waited < 5_000; waited += 100) {
    const row = await repo.findInboundReply(ctx.db, messageSid);
    if (row?.reply) return row.reply;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return renderSmsReply([]);
}

// ── phone ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The voice bot's turn, for the IVR `voicebot` node: what the caller said (speech-to-text) in, what to say
 * back and what the flow should do next out — `answered` (say it, then offer more help or end), `ambiguous`
 * (say the numbered choices or the "say it again", and gather speech again), `handoff` (say it, then queue
 * the caller for an agent). The conversation is remembered per call, so "第二个" picks from the last list.
 *
 * Pass the voice webhook's transaction as `trx` so the stored turn commits with the webhook's idempotency
 * claim: a retried webhook then replays its answer and never stores the turn twice.
 */
export async function answerSpokenQuestion(
  ctx: AppContext,
  input: { callId: string; text: string; language?: 'zh-CN' | 'en' },
  trx?: Executor,
): Promise<{ say: string; outcome: 'answered' | 'ambiguous' | 'handoff'; language: 'zh-CN' | 'en'; sessionId: string }> {
  const sessionId = await phoneSession(trx ?? ctx.db, input.callId, input.language ?? 'zh-CN');
  const { turn, messages } = await converse(ctx, sessionId, input.text, trx);
  return { say: messages.map((m) => m.text).join(' '), outcome: turn.voice, language: turn.language, sessionId };
}

/** The phone conversation of a call: the open one, or a new one keyed by the call id. */
async function phoneSession(db: Executor, callId: string, language: string): Promise<string> {
  return (
    (await repo.findRecentSession(db, 'phone', callId, CALL_IDLE_MINUTES))?.id ??
    (await repo.insertSession(db, { channel: 'phone', sourceKey: callId, language })).id
  );
}

/**
 * A phone turn that goes to an agent without asking the knowledge base: the caller pressed 0, or the
 * recogniser was unsure of what it heard (a misheard question must not get a confident wrong answer). The
 * caller's words, when there are any, and the hand-off are stored in the call's conversation.
 */
export async function noteSpokenHandoff(
  ctx: AppContext,
  input: { callId: string; text: string; language?: 'zh-CN' | 'en'; reason: 'pressed_zero' | 'low_confidence' | 'no_speech' },
  trx: Executor,
): Promise<{ say: string; sessionId: string }> {
  const language = input.language ?? 'zh-CN';
  const sessionId = await phoneSession(trx, input.callId, language);
  const session = await repo.lockSession(trx, sessionId);
  const key = input.reason === 'pressed_zero' ? 'handoffPhone' : input.reason === 'no_speech' ? 'notHeardHandoff' : 'lowConfidenceHandoff';
  const say = phrase(key, language);
  const text = input.text.trim().slice(0, 500);
  const rows = [
    ...(text ? [{ sessionId, role: 'user' as const, text }] : []),
    { sessionId, role: 'bot' as const, text: say, kind: 'handoff' },
  ];
  await repo.insertMessages(trx, rows);
  await repo.updateSession(trx, sessionId, { context: (session?.context ?? {}) as Record<string, unknown>, outcome: 'handoff', addMessages: rows.length });
  return { say, sessionId };
}

// ── supervisors ─────────────────────────────────────────────────────────────────────────────────────────────

function authorizeRead(actor: UserActor): void {
  if (!canReadConversations(actor)) throw new AppError('FORBIDDEN');
}

export async function listConversations(ctx: AppContext, actor: UserActor, filters: { channel?: ChatChannel; outcome?: string; limit: number; before?: string }) {
  authorizeRead(actor);
  const rows = await repo.listSessions(ctx.db, filters);
  return {
    items: rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      phoneMasked: r.phone_masked,
      language: r.language,
      outcome: r.outcome,
      messageCount: r.message_count,
      firstQuestion: r.first_question ?? null,
      createdAt: new Date(r.created_at).toISOString(),
      lastMessageAt: new Date(r.last_message_at).toISOString(),
    })),
  };
}

export async function getConversation(ctx: AppContext, actor: UserActor, id: string) {
  authorizeRead(actor);
  const session = await repo.findSession(ctx.db, id);
  if (!session) throw sessionNotFound();
  const rows = await repo.listMessages(ctx.db, id);
  return { id, channel: session.channel, phoneMasked: session.phone_masked, outcome: session.outcome, language: session.language, messages: rows.map(presentMessage) };
}

export async function listChatRequests(ctx: AppContext, actor: UserActor, limit: number) {
  authorizeRead(actor);
  const rows = await repo.listRequests(ctx.db, limit);
  return {
    items: rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      channel: r.channel,
      text: r.text,
      phoneMasked: r.phone_masked,
      ticketId: r.ticket_id,
      ticketNumber: r.ticket_number,
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}
