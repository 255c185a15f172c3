/** SQL of the chatbot: conversations, their messages, requests left for a person, SMS idempotency, rate limits. */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ChatChannel } from '../../schema.ts';

export async function insertSession(
  db: Executor,
  session: { channel: ChatChannel; tokenHash?: Buffer | null; sourceKey?: string | null; phone?: { encrypted: string; masked: string; lastFour: string } | null; language: string },
) {
  return db
    .insertInto('chat_sessions')
    .values({
      channel: session.channel,
      token_hash: session.tokenHash ?? null,
      source_key: session.sourceKey ?? null,
      phone_encrypted: session.phone?.encrypted ?? null,
      phone_masked: session.phone?.masked ?? null,
      phone_last_four: session.phone?.lastFour ?? null,
      language: session.language,
      context: '{}',
      outcome: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export type SessionRow = NonNullable<Awaited<ReturnType<typeof lockSession>>>;

export async function lockSession(db: Executor, id: string) {
  // NO KEY UPDATE: serialises turns of one conversation without blocking inserts that reference the session.
  return db.selectFrom('chat_sessions').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

export async function findSession(db: Executor, id: string) {
  return db.selectFrom('chat_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The open conversation of an SMS sender or a phone call: one that had a message within `idleMinutes`. */
export async function findRecentSession(db: Executor, channel: ChatChannel, sourceKey: string, idleMinutes: number) {
  return db
    .selectFrom('chat_sessions')
    .select('id')
    .where('channel', '=', channel)
    .where('source_key', '=', sourceKey)
    .where('last_message_at', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
    .orderBy('last_message_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function updateSession(
  db: Executor,
  id: string,
  changes: { context: Record<string, unknown>; outcome?: 'answered' | 'unanswered' | 'handoff' | 'request_left' | null; language?: string; addMessages: number },
) {
  await db
    .updateTable('chat_sessions')
    .set({
      context: JSON.stringify(changes.context),
      ...(changes.outcome !== undefined ? { outcome: changes.outcome } : {}),
      ...(changes.language ? { language: changes.language } : {}),
      message_count: sql`message_count + ${changes.addMessages}`,
      last_message_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertMessages(
  db: Executor,
  rows: { sessionId: string; role: 'user' | 'bot'; text: string; kind?: string | null; entryId?: string | null; confidence?: number | null; choices?: unknown }[],
) {
  if (rows.length === 0) return [];
  return db
    .insertInto('chat_messages')
    .values(
      rows.map((r) => ({
        session_id: r.sessionId,
        role: r.role,
        text: r.text,
        kind: r.kind ?? null,
        entry_id: r.entryId ?? null,
        confidence: r.confidence ?? null,
        choices: r.choices === undefined || r.choices === null ? null : JSON.stringify(r.choices),
      })),
    )
    .returning(['id', 'at'])
    .execute();
}

export async function listMessages(db: Executor, sessionId: string, after?: string) {
  let query = db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId);
  if (after !== undefined) query = query.where('id', '>', after);
  return query.orderBy('id').execute();
}

/** Web conversations with a live agent waiting or talking (the `live` part of their memory). */
export async function listLiveSessions(db: Executor) {
  return db
    .selectFrom('chat_sessions as s')
    .select(['s.id', 's.language', 's.context', 's.created_at', 's.last_message_at'])
    .select((eb) =>
      eb.selectFrom('chat_messages as m').select('m.text').whereRef('m.session_id', '=', 's.id').where('m.role', '=', 'user').orderBy('m.id').limit(1).as('first_question'),
    )
    .where('s.channel', '=', 'web')
    .where(sql<string>`s.context->'live'->>'state'`, 'in', ['waiting', 'connected'])
    .orderBy('s.last_message_at', 'asc')
    .limit(200)
    .execute();
}

export async function setContext(db: Executor, id: string, context: Record<string, unknown>, addMessages = 0) {
  await db
    .updateTable('chat_sessions')
    .set({ context: JSON.stringify(context), message_count: sql`message_count + ${addMessages}`, last_message_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function findMessage(db: Executor, sessionId: string, messageId: string) {
  return db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId).where('id', '=', messageId).executeTakeFirst();
}

/** The citizen's message just before a bot message: the question an answer was for. */
export async function questionBefore(db: Executor, sessionId: string, messageId: string) {
  return db
    .selectFrom('chat_messages')
    .select(['text'])
    .where('session_id', '=', sessionId)
    .where('role', '=', 'user')
    .where('id', '<', messageId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function setFeedback(db: Executor, messageId: string, helpful: boolean) {
  await db.updateTable('chat_messages').set({ helpful, feedback_at: sql`now()` }).where('id', '=', messageId).execute();
}

export async function insertRequest(
  db: Executor,
  request: { sessionId: string; channel: string; text: string; phone: { encrypted: string; masked: string } | null; ticketId: string | null; ticketNumber: string | null },
) {
  return db
    .insertInto('chat_requests')
    .values({
      session_id: request.sessionId,
      channel: request.channel,
      text: request.text,
      phone_encrypted: request.phone?.encrypted ?? null,
      phone_masked: request.phone?.masked ?? null,
      ticket_id: request.ticketId,
      ticket_number: request.ticketNumber,
      status: request.ticketId ? 'ticketed' : 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function findTicketNumber(db: Executor, ticketId: string) {
  return db.selectFrom('tickets').select('number').where('id', '=', ticketId).executeTakeFirst();
}

// ── SMS idempotency ─────────────────────────────────────────────────────────────────────────────────────────

/** Claims an inbound MessageSid; false when it was seen before (a carrier retry). */
export async function claimInboundSms(db: Executor, messageSid: string): Promise<boolean> {
  const row = await db
    .insertInto('chat_sms_inbound')
    .values({ message_sid: messageSid, session_id: null, reply: null })
    .onConflict((oc) => oc.column('message_sid').doNothing())
    .returning('message_sid')
    .executeTakeFirst();
  return row !== undefined;
}

export async function storeInboundReply(db: Executor, messageSid: string, sessionId: string | null, reply: string) {
  await db.updateTable('chat_sms_inbound').set({ session_id: sessionId, reply }).where('message_sid', '=', messageSid).execute();
}

export async function findInboundReply(db: Executor, messageSid: string) {
  return db.selectFrom('chat_sms_inbound').select('reply').where('message_sid', '=', messageSid).executeTakeFirst();
}

// ── supervisors' views ──────────────────────────────────────────────────────────────────────────────────────

export async function listSessions(db: Executor, filters: { channel?: ChatChannel; outcome?: string; limit: number; before?: string }) {
  let query = db
    .selectFrom('chat_sessions as s')
    .select(['s.id', 's.channel', 's.phone_masked', 's.language', 's.outcome', 's.message_count', 's.created_at', 's.last_message_at'])
    .select((eb) =>
      eb
        .selectFrom('chat_messages as m')
        .select('m.text')
        .whereRef('m.session_id', '=', 's.id')
        .where('m.role', '=', 'user')
        .orderBy('m.id')
        .limit(1)
        .as('first_question'),
    )
    .orderBy('s.last_message_at', 'desc')
    .limit(filters.limit);
  if (filters.channel) query = query.where('s.channel', '=', filters.channel);
  if (filters.outcome) query = query.where('s.outcome', '=', filters.outcome as never);
  if (filters.before) query = query.where('s.last_message_at', '<', new Date(filters.before));
  return query.execute();
}

export async function listRequests(db: Executor, limit: number) {
  return db
    .selectFrom('chat_requests')
    .select(['id', 'session_id', 'channel', 'text', 'phone_masked', 'ticket_id', 'ticket_number', 'status', 'created_at'])
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
