/**
 * 转人工 on the web with a person: when an agent is free, the citizen may wait in the chat and an agent takes
 * the conversation in the console. When nobody is free, nobody comes in time, or the citizen stops waiting,
 * the conversation falls back to the bot's request flow (a work order), keeping what they wrote meanwhile.
 *
 * The live state is part of the conversation's memory (`chat_sessions.context.live`), changed with the
 * session row locked, so two agents can never both take one conversation. An agent's messages are stored
 * with the conversation (bot-side rows of kind `agent`, shown with role `agent`). Agents are told over
 * socket.io; the citizen's page reads new messages through its own HTTP transport (it polls while live).
 */
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { addJob, defineJob, type JobDefinition } from '../../platform/jobs.ts';
import * as z from 'zod';
import { readMemory, type ChatMemory, type LiveChatState } from './chat.bot.ts';
import { phrase } from './chat.phrases.ts';
import { canServeLiveChat } from './chat.policy.ts';
import * as repo from './chat.repository.ts';
import { presentMessage, requireWebSession, type PresentedMessage } from './chat.service.ts';

/** How long a citizen waits for an agent before the conversation becomes a request. */
export const LIVE_WAIT_SECONDS = 120;
/** What the citizen wrote while waiting, kept for the request (characters). */
const WAITING_TEXT_LIMIT = 2000;

/** Socket events (past tense, to the agents' role room or to one agent). */
export const LIVE_EVENTS = {
  waiting: 'chat.live_waiting',
  taken: 'chat.live_taken',
  message: 'chat.live_message',
  ended: 'chat.live_ended',
} as const;

export type LiveView = { state: LiveChatState['state']; agentName: string | null; requestedAt: string } | null;

export function presentLive(live: LiveChatState | undefined): LiveView {
  return live ? { state: live.state, agentName: live.agentName ?? null, requestedAt: live.requestedAt } : null;
}

const language = (session: { language: string }) => (session.language === 'en' ? 'en' : 'zh-CN');
const isActive = (live: LiveChatState | undefined) => live?.state === 'waiting' || live?.state === 'connected';
const sessionNotFound = () => new AppError('NOT_FOUND', { params: { entity: 'entity.chat_session' } });

/** Agents who could take a chat now: signed in, available, not on a call. */
export async function countChatAgents(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('agent_states as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('a.state', '=', 'available')
    .where('u.role', '=', 'agent')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Inserts bot-side messages and saves the memory, in the caller's transaction. */
async function storeBotMessages(trx: Executor, sessionId: string, memory: ChatMemory, texts: { text: string; kind: string }[]): Promise<PresentedMessage[]> {
  const stored = await repo.insertMessages(trx, texts.map((t) => ({ sessionId, role: 'bot' as const, text: t.text, kind: t.kind })));
  await repo.setContext(trx, sessionId, memory as Record<string, unknown>, texts.length);
  return texts.map((t, i) => presentMessage({ id: stored[i]!.id, role: 'bot', text: t.text, kind: t.kind, choices: null, helpful: null, at: stored[i]!.at }));
}

/**
 * Back to the bot's request flow: what the citizen wrote while waiting becomes the start of the request,
 * and the next message (a phone number, or "不留") files it as a work order.
 */
function fallBackToRequest(memory: ChatMemory, lang: 'zh-CN' | 'en', endedBy: LiveChatState['endedBy']): { text: string; kind: string } {
  const live = memory.live!;
  const earlier = live.waitingText?.trim();
  memory.live = { ...live, state: 'ended', endedAt: new Date().toISOString(), endedBy };
  memory.pending = earlier ? { kind: 'request', text: earlier } : { kind: 'request' };
  return { text: phrase(earlier ? 'liveFallbackWithText' : 'liveFallback', lang), kind: 'request_prompt' };
}

// ── the citizen ─────────────────────────────────────────────────────────────────────────────────────────────

/** The citizen asks to wait for an agent: waiting when one is free, else straight to the request flow. */
export async function requestLiveAgent(ctx: AppContext, sessionId: string, token: string | undefined) {
  await requireWebSession(ctx, sessionId, token);
  let announce: Record<string, unknown> | null = null;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const session = await repo.lockSession(trx, sessionId);
    if (!session) throw sessionNotFound();
    const memory = { ...readMemory(session.context) };
    const lang = language(session);
    if (isActive(memory.live)) return { live: presentLive(memory.live), messages: [] as PresentedMessage[] };
    if ((await countChatAgents(trx)) === 0) {
      memory.pending = memory.pending?.kind === 'request' ? memory.pending : { kind: 'request' };
      const messages = await storeBotMessages(trx, sessionId, memory, [{ text: phrase('liveNone', lang), kind: 'request_prompt' }]);
      return { live: presentLive(memory.live), messages, available: false };
    }
    const requestedAt = new Date().toISOString();
    // A request half-written with the bot is kept as the start of what the agent reads.
    const earlier = memory.pending?.kind === 'request' ? memory.pending.text : undefined;
    delete memory.pending;
    memory.live = { state: 'waiting', requestedAt, ...(earlier ? { waitingText: earlier } : {}) };
    const messages = await storeBotMessages(trx, sessionId, memory, [{ text: phrase('liveWaiting', lang, { minutes: Math.round(LIVE_WAIT_SECONDS / 60) }), kind: 'live_waiting' }]);
    await repo.updateSession(trx, sessionId, { context: memory as Record<string, unknown>, outcome: 'handoff', addMessages: 0 });
    await addJob(trx, EXPIRE_LIVE_WAIT, { sessionId, requestedAt }, { jobKey: `chat-live-wait:${sessionId}`, runAt: new Date(Date.now() + LIVE_WAIT_SECONDS * 1000) });
    announce = { sessionId, requestedAt, language: lang };
    return { live: presentLive(memory.live), messages, available: true };
  });
  if (announce) ctx.publish.toRole('agent', LIVE_EVENTS.waiting, announce);
  return { live: result.live, messages: result.messages };
}

/** The citizen stops waiting (or hangs up on the agent): the request flow takes over, or the bot again. */
export async function leaveLiveAgent(ctx: AppContext, sessionId: string, token: string | undefined) {
  await requireWebSession(ctx, sessionId, token);
  let notify: (() => void) | null = null;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const session = await repo.lockSession(trx, sessionId);
    if (!session) throw sessionNotFound();
    const memory = { ...readMemory(session.context) };
    const live = memory.live;
    if (!live || !isActive(live)) return { live: presentLive(live), messages: [] as PresentedMessage[] };
    const lang = language(session);
    if (live.state === 'waiting') {
      const messages = await storeBotMessages(trx, sessionId, memory, [fallBackToRequest(memory, lang, 'citizen')]);
      notify = () => ctx.publish.toRole('agent', LIVE_EVENTS.ended, { sessionId, by: 'citizen' });
      return { live: presentLive(memory.live), messages };
    }
    memory.live = { ...live, state: 'ended', endedAt: new Date().toISOString(), endedBy: 'citizen' };
    const messages = await storeBotMessages(trx, sessionId, memory, [{ text: phrase('liveLeft', lang), kind: 'live_ended' }]);
    const agentId = live.agentId;
    notify = () => agentId && ctx.publish.toUser(agentId, LIVE_EVENTS.ended, { sessionId, by: 'citizen' });
    return { live: presentLive(memory.live), messages };
  });
  (notify as (() => void) | null)?.();
  return result;
}

/**
 * A citizen's message while live: stored for the agent (and kept as the request text while waiting), no bot
 * reply. Null when the conversation is not live, so the bot answers as usual.
 */
export async function relayToLiveAgent(ctx: AppContext, sessionId: string, raw: string) {
  const text = raw.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim().slice(0, 2000);
  let push: (() => void) | null = null;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const session = await repo.lockSession(trx, sessionId);
    const memory = { ...readMemory(session?.context) };
    const live = memory.live;
    if (!session || !live || !isActive(live)) return null;
    if (!text) return { messages: [] as PresentedMessage[], outcome: session.outcome, language: language(session), live: presentLive(live), liveAgent: null };
    const [row] = await repo.insertMessages(trx, [{ sessionId, role: 'user', text }]);
    if (live.state === 'waiting') {
      const joined = live.waitingText ? `${live.waitingText}\n${text}` : text;
      memory.live = { ...live, waitingText: joined.slice(0, WAITING_TEXT_LIMIT) };
    }
    await repo.setContext(trx, sessionId, memory as Record<string, unknown>, 1);
    const message = presentMessage({ id: row!.id, role: 'user', text, kind: null, choices: null, helpful: null, at: row!.at });
    push =
      live.state === 'connected' && live.agentId
        ? () => ctx.publish.toUser(live.agentId!, LIVE_EVENTS.message, { sessionId, message })
        : () => ctx.publish.toRole('agent', LIVE_EVENTS.waiting, { sessionId, requestedAt: live.requestedAt, lastText: text });
    return { messages: [] as PresentedMessage[], outcome: session.outcome, language: language(session), live: presentLive(memory.live), liveAgent: null };
  });
  (push as (() => void) | null)?.();
  return result;
}

/** The wait is over and nobody came: the request flow (job `chat.expire-live-wait`). */
export async function expireLiveWait(ctx: AppContext, input: { sessionId: string; requestedAt: string }): Promise<boolean> {
  const expired = await ctx.db.transaction().execute(async (trx) => {
    const session = await repo.lockSession(trx, input.sessionId);
    const memory = { ...readMemory(session?.context) };
    // Only this wait: a later request, an agent who took it, or a citizen who left, all stop here.
    if (!session || memory.live?.state !== 'waiting' || memory.live.requestedAt !== input.requestedAt) return false;
    await storeBotMessages(trx, session.id, memory, [fallBackToRequest(memory, language(session), 'timeout')]);
    return true;
  });
  if (expired) ctx.publish.toRole('agent', LIVE_EVENTS.ended, { sessionId: input.sessionId, by: 'timeout' });
  return expired;
}

const EXPIRE_LIVE_WAIT = 'chat.expire-live-wait';

/** The chat module's jobs. */
export function chatJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob({
      name: EXPIRE_LIVE_WAIT,
      payload: z.object({ sessionId: z.uuid(), requestedAt: z.string().max(40) }),
      run: async (p) => void (await expireLiveWait(ctx, p)),
    }),
  ] as JobDefinition[];
}

// ── the agent ───────────────────────────────────────────────────────────────────────────────────────────────

function authorize(actor: UserActor): void {
  if (!canServeLiveChat(actor)) throw new AppError('FORBIDDEN');
}

/** Conversations waiting for an agent, and those this agent (a supervisor: anyone) is talking in. */
export async function listLiveChats(ctx: AppContext, actor: UserActor) {
  authorize(actor);
  const rows = await repo.listLiveSessions(ctx.db);
  const items = rows
    .map((r) => ({ row: r, live: readMemory(r.context).live! }))
    .filter(({ live }) => live.state === 'waiting' || live.agentId === actor.id || actor.role !== 'agent')
    .map(({ row, live }) => ({
      sessionId: row.id,
      state: live.state,
      language: row.language,
      requestedAt: live.requestedAt,
      acceptedAt: live.acceptedAt ?? null,
      agentId: live.agentId ?? null,
      agentName: live.agentName ?? null,
      mine: live.agentId === actor.id,
      firstQuestion: row.first_question ?? null,
      waitingText: live.state === 'waiting' ? (live.waitingText ?? null) : null,
      lastMessageAt: new Date(row.last_message_at).toISOString(),
    }));
  return { items, agentsAvailable: await countChatAgents(ctx.db) };
}

/** The whole conversation, for the agent who has it, any agent while it waits, or a supervisor. */
export async function getLiveChat(ctx: AppContext, actor: UserActor, sessionId: string) {
  authorize(actor);
  const session = await repo.findSession(ctx.db, sessionId);
  const live = readMemory(session?.context).live;
  if (!session || session.channel !== 'web' || !live) throw sessionNotFound();
  if (actor.role === 'agent' && live.state !== 'waiting' && live.agentId !== actor.id) throw new AppError('FORBIDDEN');
  const rows = await repo.listMessages(ctx.db, sessionId);
  return { sessionId, live: presentLive(live), mine: live.agentId === actor.id, messages: rows.map(presentMessage) };
}

/** An agent takes a waiting conversation; exactly one agent wins. */
export async function acceptLiveChat(ctx: AppContext, actor: UserActor, sessionId: string) {
  authorize(actor);
  const message = await ctx.db.transaction().execute(async (trx) => {
    const session = await repo.lockSession(trx, sessionId);
    const memory = { ...readMemory(session?.context) };
    if (!session || session.channel !== 'web' || !memory.live) throw sessionNotFound();
    if (memory.live.state !== 'waiting') throw new AppError('CONFLICT', { messageKey: memory.live.state === 'connected' ? 'chat.error.live_taken' : 'chat.error.live_over' });
    memory.live = { ...memory.live, state: 'connected', agentId: actor.id, agentName: actor.displayName, acceptedAt: new Date().toISOString() };
    const [joined] = await storeBotMessages(trx, sessionId, memory, [{ text: phrase('liveJoined', language(session), { agent: actor.displayName }), kind: 'live_joined' }]);
    await recordAudit(trx, actor, { action: 'chat.live_accepted', entity: 'chat_session', entityId: sessionId });
    return joined!;
  });
  ctx.publish.toRole('agent', LIVE_EVENTS.taken, { sessionId, agentId: actor.id });
  return getLiveChat(ctx, actor, sessionId).then((chat) => ({ ...chat, joined: message }));
}

async function lockOwnChat(trx: Executor, actor: UserActor, sessionId: string) {
  const session = await repo.lockSession(trx, sessionId);
  const memory = { ...readMemory(session?.context) };
  if (!session || session.channel !== 'web' || !memory.live) throw sessionNotFound();
  if (memory.live.state !== 'connected') throw new AppError('CONFLICT', { messageKey: 'chat.error.live_over' });
  // The agent who took it replies; a supervisor may step in.
  if (memory.live.agentId !== actor.id && actor.role === 'agent') throw new AppError('FORBIDDEN');
  return { session, memory };
}

/** The agent's reply, stored with the conversation; the citizen's page picks it up on its next read. */
export async function sendLiveMessage(ctx: AppContext, actor: UserActor, sessionId: string, text: string) {
  authorize(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const { memory } = await lockOwnChat(trx, actor, sessionId);
    const [message] = await storeBotMessages(trx, sessionId, memory, [{ text, kind: 'agent' }]);
    return message!;
  });
}

/** The agent ends the conversation; the citizen is back with the bot. */
export async function endLiveChat(ctx: AppContext, actor: UserActor, sessionId: string) {
  authorize(actor);
  const message = await ctx.db.transaction().execute(async (trx) => {
    const { session, memory } = await lockOwnChat(trx, actor, sessionId);
    memory.live = { ...memory.live!, state: 'ended', endedAt: new Date().toISOString(), endedBy: 'agent' };
    const [ended] = await storeBotMessages(trx, sessionId, memory, [{ text: phrase('liveEnded', language(session)), kind: 'live_ended' }]);
    await recordAudit(trx, actor, { action: 'chat.live_ended', entity: 'chat_session', entityId: sessionId });
    return ended!;
  });
  ctx.publish.toRole('agent', LIVE_EVENTS.ended, { sessionId, by: 'agent' });
  return { sessionId, live: { state: 'ended' as const }, message };
}
