/**
 * The bot's side of one turn: given the conversation so far (its memory) and what the citizen just sent,
 * decide the replies, the new memory, and what to record. The same logic serves the web, SMS and the phone;
 * only the wording of a few replies differs by channel.
 *
 * Order of reading a message: empty → 转人工 → cancel → a pending request → a status lookup → a pending
 * numbered choice → a question for the knowledge base (with the previous topic when it is a follow-up).
 */
import { normaliseText } from '../../../../knowledge-base/src/index.ts';
import type { AppContext } from '../../context.ts';
import { systemActor } from '../../platform/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { ChatChannel } from '../../schema.ts';
import { findLiveEntry, matchKnowledge, type KnowledgeMatch, type LiveEntry } from '../knowledge/index.ts';
import { lookUpPublicStatus } from '../public-status/index.ts';
import { RegisterTicketBody, registerTicket } from '../tickets/index.ts';
import * as repo from './chat.repository.ts';
import { phrase } from './chat.phrases.ts';
import {
  cleanInput,
  detectLanguage,
  englishToChinese,
  findPhone,
  isCancel,
  isYes,
  GENERIC_KEYWORDS,
  looksLikeFollowUp,
  MAX_MATCHED_CHARS,
  parseChoice,
  parseLastFour,
  parseStatusQuery,
  questionVariants,
  wantsAgent,
} from './chat.text.ts';

export type Language = 'zh-CN' | 'en';
export type BotKind =
  | 'answer'
  | 'choices'
  | 'unanswered'
  | 'handoff'
  | 'request_prompt'
  | 'request_taken'
  | 'status'
  | 'status_prompt'
  | 'notice'
  | 'empty'
  | 'cancelled';

export type Choice = { n: number; entryId: string; question: string };
export type BotMessage = { text: string; kind: BotKind; entryId?: string | null; confidence?: number | null; choices?: Choice[] | null };

/** The conversation's memory, kept in chat_sessions.context. */
export type ChatMemory = {
  lastEntryId?: string;
  lastKeywords?: string[];
  /** `asked`: the question the choices were offered for (a pick makes it a phrasing of that entry for the curators). */
  pending?: { kind: 'choice'; options: Choice[]; asked?: string } | { kind: 'request'; text?: string } | { kind: 'status'; number?: string };
  failedLookups?: number;
  /** A web conversation handed to a live agent (chat.live.ts): waiting, talking, or over. */
  live?: LiveChatState;
};

export type LiveChatState = {
  state: 'waiting' | 'connected' | 'ended';
  requestedAt: string;
  agentId?: string;
  agentName?: string;
  acceptedAt?: string;
  endedAt?: string;
  endedBy?: 'agent' | 'citizen' | 'timeout';
  /** What the citizen wrote while waiting: the request if no agent comes. */
  waitingText?: string;
};

export type Gap = { reason: 'unanswered' | 'low_confidence' | 'offer_taken'; text: string; bestEntryId: string | null; confidence: number };
export type SessionOutcome = 'answered' | 'unanswered' | 'handoff' | 'request_left';

export type Turn = {
  /** The citizen's message as stored (cleaned, cut). */
  text: string;
  language: Language;
  replies: BotMessage[];
  memory: ChatMemory;
  outcome: SessionOutcome | undefined;
  gaps: Gap[];
  /** For the phone: what the voice flow should do next. */
  voice: 'answered' | 'ambiguous' | 'handoff';
};

const MAX_FAILED_LOOKUPS = 5;

export function readMemory(raw: unknown): ChatMemory {
  return raw && typeof raw === 'object' ? (raw as ChatMemory) : {};
}

/** One turn of the conversation. Side effects: a work order for a request left with the bot. */
export async function takeTurn(ctx: AppContext, trx: Executor, session: repo.SessionRow, raw: string): Promise<Turn> {
  const channel = session.channel;
  const input = cleanInput(raw);
  const memory = { ...readMemory(session.context) };
  const language: Language = input.text ? detectLanguage(input.text) : session.language === 'en' ? 'en' : 'zh-CN';
  const turn: Turn = { text: input.text, language, replies: [], memory, outcome: undefined, gaps: [], voice: 'answered' };
  const reply = (m: BotMessage) => turn.replies.push(m);

  if (!input.text) {
    reply({ text: phrase(channel === 'phone' ? 'emptySpoken' : 'empty', language), kind: 'empty' });
    turn.voice = 'ambiguous';
    return turn;
  }
  // Only emoji, punctuation or symbols: nothing a matcher (or a person) can read as a question.
  if (!normaliseText(input.text)) {
    reply({ text: phrase(channel === 'phone' ? 'emptySpoken' : 'noWords', language), kind: 'empty' });
    turn.voice = 'ambiguous';
    return turn;
  }
  if (input.truncated && channel !== 'phone') reply({ text: phrase('tooLong', language, { length: input.length, limit: MAX_MATCHED_CHARS }), kind: 'notice' });
  const text = input.text;

  if (wantsAgent(text)) {
    delete memory.pending;
    turn.outcome = 'handoff';
    turn.voice = 'handoff';
    if (channel === 'phone') reply({ text: phrase('handoffPhone', language), kind: 'handoff' });
    else {
      memory.pending = { kind: 'request' };
      reply({ text: phrase(channel === 'sms' ? 'handoffSms' : 'handoffWeb', language), kind: 'request_prompt' });
    }
    return turn;
  }

  if (memory.pending && isCancel(text)) {
    delete memory.pending;
    reply({ text: phrase('cancelled', language), kind: 'cancelled' });
    return turn;
  }

  if (memory.pending?.kind === 'request') {
    await takeRequest(ctx, trx, session, turn, memory.pending.text);
    return turn;
  }

  const statusQuery = parseStatusQuery(text) ?? (memory.pending?.kind === 'status' ? { number: memory.pending.number ?? null, lastFour: parseLastFour(text) } : null);
  if (statusQuery) {
    await lookUpStatus(ctx, turn, statusQuery);
    return turn;
  }

  if (memory.pending?.kind === 'choice') {
    const { options, asked } = memory.pending;
    // A single entry was offered as a question ("您是想问…吗？"): a yes takes it.
    const n = parseChoice(text) ?? (options.length === 1 && isYes(text) ? 1 : null);
    delete memory.pending;
    const chosen = n === null ? undefined : options.find((o) => o.n === n);
    if (chosen) {
      // The entry may have been retired since the list was offered; then the choice reads as a question.
      const entry = await findLiveEntry(ctx, chosen.entryId);
      if (entry) {
        answerWith(turn, channel, entry, 1);
        if (asked) turn.gaps.push({ reason: 'offer_taken', text: asked, bestEntryId: entry.id, confidence: 1 });
        return turn;
      }
    }
    // Not a number from the list: read it as a new question.
  }

  await answerQuestion(ctx, channel, turn);
  return turn;
}

function answerWith(turn: Turn, channel: ChatChannel, entry: LiveEntry, confidence: number): void {
  const english = turn.language === 'en';
  let text = english ? phrase('answerEnglish', 'en', { question: entry.question, answer: entry.answer }) : entry.answer;
  if (channel === 'sms') text += phrase('answerSmsTail', turn.language);
  turn.replies.push({ text, kind: 'answer', entryId: entry.id, confidence: round(confidence) });
  turn.memory.lastEntryId = entry.id;
  turn.memory.lastKeywords = entry.keywords.length ? entry.keywords.slice(0, 3) : [entry.question];
  turn.outcome = 'answered';
  turn.voice = 'answered';
}

function offerChoices(turn: Turn, channel: ChatChannel, entries: LiveEntry[]): void {
  const choices = entries.slice(0, 3).map((e, i) => ({ n: i + 1, entryId: e.id, question: e.question }));
  const list =
    channel === 'phone'
      ? choices.map((c) => (turn.language === 'en' ? `${c.n}, ${c.question}` : `第${c.n}，${c.question}`)).join('；')
      : choices.map((c) => `${c.n}. ${c.question}`).join('\n');
  // One entry is asked about ("您是想问…吗？"), several are listed by number.
  // Spoken, the entry's own question mark would be read before the 吗 (您是想问…怎么投诉吗？).
  const text =
    choices.length > 1
      ? phrase(channel === 'phone' ? 'choicesSpoken' : 'choices', turn.language, { list })
      : channel === 'phone'
        ? phrase('confirmSpoken', turn.language, { question: choices[0]!.question.replace(/[？?]+$/, '') })
        : phrase('confirm', turn.language, { question: choices[0]!.question });
  turn.replies.push({ text, kind: 'choices', choices });
  turn.memory.pending = { kind: 'choice', options: choices, asked: turn.text };
  turn.voice = 'ambiguous';
}

/** True when the question names a subject of its own (a specific keyword of a candidate entry, such as 身份证). */
function namesTopic(match: KnowledgeMatch, query: string): boolean {
  const text = normaliseText(query);
  return match.candidates.some((c) => c.entry.keywords.some((k) => !GENERIC_KEYWORDS.has(k) && text.includes(normaliseText(k))));
}

/** Candidates that are about the very words asked ("身份证" → the 身份证 entries), for a short topic-only question. */
function topicEntries(match: KnowledgeMatch, query: string): LiveEntry[] {
  const topic = normaliseText(query);
  if (!topic || topic.length > 8) return [];
  return match.candidates
    .map((c) => c.entry)
    .filter((e) => normaliseText(e.question).includes(topic) || e.keywords.some((k) => !GENERIC_KEYWORDS.has(k) && (k.includes(topic) || topic.includes(k))));
}

async function answerQuestion(ctx: AppContext, channel: ChatChannel, turn: Turn): Promise<void> {
  const { memory, language } = turn;
  let variants = questionVariants(turn.text);
  let topic = turn.text;
  if (language === 'en') {
    const chinese = englishToChinese(turn.text);
    if (!chinese) return unanswered(turn, channel, null, 0);
    variants = [chinese.query];
    topic = chinese.terms[0]!;
  }
  let query = variants[0]!;
  let match = await matchKnowledge(ctx, query);
  for (const variant of variants.slice(1)) {
    const other = await matchKnowledge(ctx, variant);
    if (other.confidence > match.confidence) [match, query] = [other, variant];
  }
  // Memory: a follow-up ("那需要什么材料") is read together with the topic of the last answer.
  if (match.outcome !== 'answer' && memory.lastKeywords?.length && looksLikeFollowUp(query, namesTopic(match, query))) {
    const withTopic = await matchKnowledge(ctx, `${memory.lastKeywords.join(' ')} ${query}`);
    if (withTopic.confidence > match.confidence) match = withTopic;
  }
  if (match.outcome === 'answer' && match.best) return answerWith(turn, channel, match.best, match.confidence);
  const best = match.candidates[0];
  const suggested = match.outcome === 'suggest';
  const choices = suggested ? match.suggestions : topicEntries(match, language === 'en' ? topic : query);
  // One entry about exactly the words asked (献血, water bill → 水费) is the answer; one the matcher only
  // suggests is asked about first ("您是想问…吗？"); several are a choice.
  if (choices.length >= 1) {
    if (choices.length === 1 && !suggested) return answerWith(turn, channel, choices[0]!, match.confidence);
    offerChoices(turn, channel, choices);
    turn.gaps.push({ reason: 'low_confidence', text: turn.text, bestEntryId: best?.entry.id ?? null, confidence: match.confidence });
    return;
  }
  unanswered(turn, channel, best?.entry.id ?? null, match.confidence);
}

function unanswered(turn: Turn, channel: ChatChannel, bestEntryId: string | null, confidence: number): void {
  turn.gaps.push({ reason: 'unanswered', text: turn.text, bestEntryId, confidence });
  if (channel === 'phone') {
    turn.replies.push({ text: phrase('unansweredSpoken', turn.language), kind: 'handoff' });
    turn.outcome = 'handoff';
    turn.voice = 'handoff';
    return;
  }
  turn.replies.push({ text: phrase('unanswered', turn.language), kind: 'unanswered', confidence: round(confidence) });
  turn.outcome = turn.outcome ?? 'unanswered';
  turn.voice = 'handoff';
}

/**
 * 转人工 on the web and by SMS: what the citizen writes next becomes a work order (through the tickets
 * module) with their phone. On the web the phone is asked for once; without it the order is still filed.
 */
async function takeRequest(ctx: AppContext, trx: Executor, session: repo.SessionRow, turn: Turn, earlier: string | undefined): Promise<void> {
  const { memory, language } = turn;
  const combined = earlier ? `${earlier}\n${turn.text}` : turn.text;
  let phone = session.phone_encrypted ? ctx.pii.reveal(session.phone_encrypted) : findPhone(combined);
  const declined = /不留|不方便|no phone|匿名/i.test(turn.text);
  if (!phone && !earlier && !declined) {
    memory.pending = { kind: 'request', text: combined.slice(0, 2000) };
    turn.replies.push({ text: phrase('askPhone', language), kind: 'request_prompt' });
    return;
  }
  delete memory.pending;
  const description = combined.slice(0, 5000);
  let ticket: { id: string; number: string } | null = null;
  try {
    const input = RegisterTicketBody.parse({
      channel: session.channel === 'sms' ? 'sms' : 'chat',
      type: 'help',
      title: titleOf(description),
      description: description.length >= 2 ? description : `${description}（市民留言）`,
      caller: phone ? { phone } : {},
      disposition: 'pending_dispatch',
    });
    const id = await registerTicket(ctx, systemActor('chatbot'), input);
    const number = (await repo.findTicketNumber(ctx.db, id))?.number;
    if (number) ticket = { id, number };
  } catch (error) {
    // The request is kept either way; staff see it in the console's requests list.
    ctx.logger.warn({ err: error, sessionId: session.id }, 'chat request could not become a ticket; stored as a request');
    phone ??= null;
  }
  const protectedPhone = phone ? ctx.pii.protectPhone(phone) : null;
  await repo.insertRequest(trx, {
    sessionId: session.id,
    channel: session.channel,
    text: description,
    phone: protectedPhone,
    ticketId: ticket?.id ?? null,
    ticketNumber: ticket?.number ?? null,
  });
  turn.outcome = 'request_left';
  turn.voice = 'handoff';
  turn.replies.push(
    ticket
      ? { text: phrase('requestTicketed', language, { number: ticket.number }), kind: 'request_taken' }
      : { text: phrase('requestStored', language), kind: 'request_taken' },
  );
}

function titleOf(description: string): string {
  const first = description.split('\n')[0]!.replace(/(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)/g, '').trim();
  const title = [...first].slice(0, 30).join('');
  return title.length >= 2 ? title : '市民留言';
}

async function lookUpStatus(ctx: AppContext, turn: Turn, query: { number: string | null; lastFour: string | null }): Promise<void> {
  const { memory, language } = turn;
  delete memory.pending;
  if ((memory.failedLookups ?? 0) >= MAX_FAILED_LOOKUPS) {
    turn.replies.push({ text: phrase('statusLocked', language), kind: 'status' });
    return;
  }
  if (!query.number) {
    memory.pending = { kind: 'status' };
    turn.replies.push({ text: phrase('askStatus', language), kind: 'status_prompt' });
    return;
  }
  if (!query.lastFour) {
    memory.pending = { kind: 'status', number: query.number };
    turn.replies.push({ text: phrase('askLastFour', language), kind: 'status_prompt' });
    return;
  }
  // The status page's lookup: the same public stage words, merged tickets followed, digits compared in constant time.
  const status = await lookUpPublicStatus(ctx, { number: query.number, lastFour: query.lastFour, language });
  if (!status) {
    memory.failedLookups = (memory.failedLookups ?? 0) + 1;
    turn.replies.push({ text: phrase('statusNotFound', language), kind: 'status' });
    return;
  }
  const updated = new Intl.DateTimeFormat(language === 'en' ? 'en-CA' : 'zh-CN', { timeZone: ctx.config.timezone, dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(status.updatedAt),
  );
  turn.replies.push({ text: phrase('status', language, { number: status.number, state: status.stageText, updated }), kind: 'status' });
  turn.outcome = turn.outcome ?? 'answered';
}

const round = (n: number) => Math.round(n * 1000) / 1000;
