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

/**
 * The caller's most recent work orders, newest first, for the screen pop (matched by the phone vault's hash;
 * the screen pop goes to hotline staff, who may see every ticket and its caller).
 */
export async function listCallerTickets(db: Executor, callerHash: string, limit = 5) {
  return db
    .selectFrom('tickets')
    .select(['id', 'number', 'title', 'state', 'created_at'])
    .where('caller_phone_hash', '=', callerHash)
    .orderBy('created_at', 'desc')
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

/** A new inbound call as the incoming-call webhook records it (its id is chosen by the caller of the insert). */
export type IncomingCallValues = {
  id: string;
  callSid: string;
  callerHash: string;
  callerEncrypted: string;
  callerMasked: string;
  blocked: boolean;
  repeatCaller: boolean;
  ivrFlow: string;
  ivrState: unknown;
  ivrSeq: number;
  language: string;
  offeredAt: Date;
};

/**
 * Claims the `incoming` webhook of a CallSid and, when the claim is this delivery's, records the call, its
 * first events and the answer — in one statement, which PostgreSQL runs atomically on its own: one round trip
 * instead of a transaction of seven. A retry (the claim exists) changes nothing and gets the stored answer.
 * A concurrent duplicate waits on the claim's primary key; the statement's snapshot predates that commit,
 * so its answer is read once more afterwards.
 */
export async function recordIncomingCall(
  db: Executor,
  call: IncomingCallValues,
  events: { kind: string; data: Record<string, unknown> }[],
  response: string,
): Promise<{ claimed: boolean; replay: string | null }> {
  const { rows } = await sql<{ claimed: boolean; replay: string | null }>`
    with claim as (
      insert into webhook_events (call_sid, event, response) values (${call.callSid}, 'incoming', ${response})
      on conflict do nothing
      returning call_sid
    ), inserted as (
      insert into calls (id, call_sid, direction, caller_hash, caller_encrypted, caller_masked, status, caller_location,
                         blocked, repeat_caller, ivr_flow, ivr_state, ivr_seq, language, offered_at, updated_at)
      select ${call.id}::uuid, ${call.callSid}, 'inbound', ${call.callerHash}, ${call.callerEncrypted}, ${call.callerMasked}, 'ivr', 'ivr',
             ${call.blocked}, ${call.repeatCaller}, ${call.ivrFlow}, ${JSON.stringify(call.ivrState)}::jsonb, ${call.ivrSeq}, ${call.language},
             ${call.offeredAt}, ${call.offeredAt}
       where exists (select 1 from claim)
      returning id
    ), logged as (
      insert into call_events (call_id, kind, data)
      select inserted.id, e.kind, e.data::jsonb
        from inserted, unnest(${events.map((e) => e.kind)}::text[], ${events.map((e) => JSON.stringify(e.data))}::text[]) with ordinality as e(kind, data, n)
       order by e.n
    )
    select exists (select 1 from claim) as claimed,
           (select response from webhook_events where call_sid = ${call.callSid} and event = 'incoming') as replay
  `.execute(db);
  const row = rows[0]!;
  if (row.claimed || row.replay !== null) return row;
  const stored = await db.selectFrom('webhook_events').select('response').where('call_sid', '=', call.callSid).where('event', '=', 'incoming').executeTakeFirst();
  return { claimed: false, replay: stored?.response ?? null };
}

/**
 * Ends a call whose caller left outside the queue (IVR, voicemail, a transfer out) and logs its `ended` event,
 * in one statement. The outcome keeps one already set (transferred out), else: blocked, voicemail when a
 * message was left, abandoned when the caller hung up at the voicemail prompt without one, ivr_ended.
 */
export async function endCallOutsideQueue(trx: Executor, callId: string, now: Date, carrierStatus: string): Promise<CallRow> {
  const { rows } = await sql<CallRow>`
    with ended as (
      update calls
         set status = 'ended', caller_location = 'none', ended_at = ${now}, updated_at = ${now},
             outcome = coalesce(outcome, case when blocked then 'blocked'
                                              when exists (select 1 from voicemails v where v.call_id = calls.id) then 'voicemail'
                                              when status = 'voicemail' then 'abandoned'
                                              else 'ivr_ended' end)
       where id = ${callId}
      returning *
    ), logged as (
      insert into call_events (call_id, kind, data)
      select id, 'ended', jsonb_build_object('carrierStatus', ${carrierStatus}::text, 'outcome', outcome) from ended
    )
    select * from ended
  `.execute(trx);
  return rows[0]!;
}

/**
 * The caller hung up while in the IVR or at the voicemail prompt (most final statuses): claims the webhook,
 * ends the call, logs `ended` and, for a caller who left the voicemail prompt without a message, puts the
 * call on the missed-call list — one statement, atomic on its own. `matched` is false when the call is not
 * such a call (unknown, queued, talking, a callback …): nothing was written and the caller takes the general
 * path. The call row is locked before the claim, so a concurrent duplicate re-reads it (ended) and replays.
 */
export async function endCallLeftInIvr(db: Executor, callSid: string, now: Date, carrierStatus: string): Promise<{ matched: boolean; ended: CallRow | undefined }> {
  const { rows } = await sql<CallRow & { matched: boolean }>`
    with target as (
      select id from calls
       where call_sid = ${callSid} and status in ('ivr', 'voicemail') and direction = 'inbound' and missed_call_id is null
         for update
    ), claim as (
      insert into webhook_events (call_sid, event, response)
      select ${callSid}, 'status:final', null where exists (select 1 from target)
      on conflict do nothing
      returning call_sid
    ), ended as (
      update calls
         set status = 'ended', caller_location = 'none', ended_at = ${now}, updated_at = ${now},
             outcome = coalesce(outcome, case when blocked then 'blocked'
                                              when exists (select 1 from voicemails v where v.call_id = calls.id) then 'voicemail'
                                              when status = 'voicemail' then 'abandoned'
                                              else 'ivr_ended' end)
       where id = (select id from target) and exists (select 1 from claim)
      returning *
    ), logged as (
      insert into call_events (call_id, kind, data)
      select id, 'ended', jsonb_build_object('carrierStatus', ${carrierStatus}::text, 'outcome', outcome) from ended
    ), missed as (
      insert into missed_calls (call_id, caller_hash, caller_encrypted, caller_masked, reason)
      select id, caller_hash, caller_encrypted, caller_masked, 'abandoned' from ended where outcome = 'abandoned'
      on conflict (call_id) do nothing
    )
    select e.*, t.matched from (select exists (select 1 from target) as matched) t left join ended e on true
  `.execute(db);
  const row = rows[0]!;
  const { matched, ...call } = row;
  return { matched, ended: call.id ? (call as CallRow) : undefined };
}
