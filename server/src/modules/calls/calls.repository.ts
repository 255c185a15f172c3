/**
 * SQL of the calls module: call rows, their events, webhook idempotency, missed calls, voicemails and
 * recordings. Every function takes an executor so use cases run them inside their one transaction.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CallsTable } from '../../schema.ts';
import type { Selectable, Updateable } from 'kysely';

export type CallRow = Selectable<CallsTable>;

/** Locks and returns a call by id (every change to a call starts here, so concurrent webhooks serialise). */
export async function lockCall(trx: Executor, id: string): Promise<CallRow | undefined> {
  return trx.selectFrom('calls').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function lockCallBySid(trx: Executor, callSid: string): Promise<CallRow | undefined> {
  return trx.selectFrom('calls').selectAll().where('call_sid', '=', callSid).forUpdate().executeTakeFirst();
}

export async function findCall(db: Executor, id: string): Promise<CallRow | undefined> {
  return db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateCall(trx: Executor, id: string, change: Updateable<CallsTable>): Promise<CallRow> {
  return trx
    .updateTable('calls')
    .set({ ...change, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Appends one event to a call's history. */
export async function addCallEvent(trx: Executor, callId: string, kind: string, data: Record<string, unknown> = {}, actorId: string | null = null): Promise<void> {
  await trx.insertInto('call_events').values({ call_id: callId, kind, data: JSON.stringify(data), actor_id: actorId }).execute();
}

/**
 * Claims a webhook delivery inside the caller's transaction. Returns the stored answer when this
 * (CallSid, event) was handled before (a retry), or null when this delivery is the first. A concurrent
 * duplicate waits on the primary key until the first commits, then sees its answer.
 */
export async function claimWebhook(trx: Executor, callSid: string, event: string): Promise<{ replay: string | null } | null> {
  const inserted = await trx
    .insertInto('webhook_events')
    .values({ call_sid: callSid, event, response: null })
    .onConflict((oc) => oc.doNothing())
    .returning('event')
    .executeTakeFirst();
  if (inserted) return null;
  const stored = await trx.selectFrom('webhook_events').select('response').where('call_sid', '=', callSid).where('event', '=', event).executeTakeFirst();
  return { replay: stored?.response ?? null };
}

export async function storeWebhookResponse(trx: Executor, callSid: string, event: string, response: string): Promise<void> {
  await trx.updateTable('webhook_events').set({ response }).where('call_sid', '=', callSid).where('event', '=', event).execute();
}

/** The caller's calls before this one, newest first, for the screen pop. */
export async function listEarlierCalls(db: Executor, callerHash: string, beforeCallId: string, limit = 5) {
  return db
    .selectFrom('calls')
    .select(['id', 'offered_at', 'outcome', 'desk', 'talk_seconds', 'answered_by', 'wrap_up_code', 'direction'])
    .where('caller_hash', '=', callerHash)
    .where('id', '!=', beforeCallId)
    .orderBy('offered_at', 'desc')
    .limit(limit)
    .execute();
}

/** True when this number called in the 24 hours before `at`. */
export async function calledWithin24h(db: Executor, callerHash: string, at: Date): Promise<boolean> {
  const row = await db
    .selectFrom('calls')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('caller_hash', '=', callerHash)
    .where('direction', '=', 'inbound')
    .where('offered_at', '>', new Date(at.getTime() - 24 * 3600_000))
    .where('offered_at', '<', at)
    .executeTakeFirstOrThrow();
  return row.n > 0;
}

/**
 * What an incoming call needs to know about its caller, in one round trip (an incoming-call webhook is on the
 * caller's critical path): blocked, and whether the number called in the 24 hours before `at`.
 */
export async function recogniseCaller(db: Executor, callerHash: string, at: Date): Promise<{ blocked: boolean; repeat: boolean }> {
  const row = await sql<{ blocked: boolean; repeat: boolean }>`
    select exists (select 1 from blocked_numbers where phone_hash = ${callerHash} and active = true) as blocked,
           exists (select 1 from calls where caller_hash = ${callerHash} and direction = 'inbound'
                     and offered_at > ${new Date(at.getTime() - 24 * 3600_000)} and offered_at < ${at}) as repeat
  `.execute(db);
  return { blocked: row.rows[0]?.blocked === true, repeat: row.rows[0]?.repeat === true };
}

export async function isBlocked(db: Executor, callerHash: string): Promise<boolean> {
  const row = await db.selectFrom('blocked_numbers').select('phone_hash').where('phone_hash', '=', callerHash).where('active', '=', true).executeTakeFirst();
  return row !== undefined;
}

/** Puts a missed call on the callback list once (a retried webhook cannot add it twice). */
export async function addMissedCall(trx: Executor, call: CallRow, reason: 'abandoned' | 'callback_requested' | 'voicemail' | 'failed'): Promise<void> {
  await trx
    .insertInto('missed_calls')
    .values({ call_id: call.id, caller_hash: call.caller_hash, caller_encrypted: call.caller_encrypted, caller_masked: call.caller_masked, reason })
    .onConflict((oc) => oc.column('call_id').doNothing())
    .execute();
}
