/**
 * SQL of the calls module: call rows, their events, webhook idempotency, missed calls, voicemails and
 * recordings. Every function takes an executor so use cases run them inside their one transaction.
 */
import { sql, type RawBuilder } from 'kysely';
import { createBatcher } from '../../platform/db/batch.ts';
import { queryPrepared, type Executor } from '../../platform/db/database.ts';
import type { CallsTable } from '../../schema.ts';
import type { PresentedCallRow } from './calls.presenter.ts';
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

/**
 * What an incoming call needs to know about its caller: whether the number is blocked (`blocked`) and whether it
 * called in the 24 hours before `at` (`repeat_caller`), as two columns of a select, for a caller hash and a
 * moment given as SQL (bound values, or columns of a batch). One definition for both incoming paths.
 *
 * `offered_at + interval '0 s'` is no condition calls_offered_idx can serve, so the caller is always looked up in
 * calls_caller_idx: on a young table (statistics from when it held a few hundred calls) the planner chose to
 * walk every call of the last 24 hours by time, filtering on the caller, which grows with the day's calls.
 */
function callerRecognition(callerHash: RawBuilder<unknown>, at: RawBuilder<unknown>) {
  return sql`exists (select 1 from blocked_numbers b where b.phone_hash = ${callerHash} and b.active) as blocked,
             exists (select 1 from calls c where c.caller_hash = ${callerHash} and c.direction = 'inbound'
                       and c.offered_at + interval '0 s' > ${at} - interval '24 hours' and c.offered_at + interval '0 s' < ${at}) as repeat_caller`;
}

/**
 * The caller's recognition in the caller's transaction (the general path; the common one recognises the caller
 * inside `recordIncomingCall`).
 */
export async function recogniseCaller(trx: Executor, callerHash: string, at: Date): Promise<CallerRecognition> {
  const { rows } = await sql<{ blocked: boolean; repeat_caller: boolean }>`
    select ${callerRecognition(sql`${callerHash}::text`, sql`${at}::timestamptz`)}
  `.execute(trx);
  return { blocked: rows[0]?.blocked === true, repeat: rows[0]?.repeat_caller === true };
}

export type CallerRecognition = { blocked: boolean; repeat: boolean };

/** Puts a missed call on the callback list once (a retried webhook cannot add it twice). */
export async function addMissedCall(trx: Executor, call: CallRow, reason: 'abandoned' | 'callback_requested' | 'voicemail' | 'failed'): Promise<void> {
  await trx
    .insertInto('missed_calls')
    .values({ call_id: call.id, caller_hash: call.caller_hash, caller_encrypted: call.caller_encrypted, caller_masked: call.caller_masked, reason })
    .onConflict((oc) => oc.column('call_id').doNothing())
    .execute();
}

/**
 * Records an inbound call whose final status came before its incoming-call webhook was recorded: the carrier
 * gave up waiting for the platform's answer (the caller heard an error) or the two webhooks crossed between
 * server processes. The call is kept as failed and put on the callback list, and a late incoming webhook finds
 * it ended instead of starting a flow nobody hears. Undefined when the incoming webhook's row came first (the
 * unique call_sid makes this insert wait for that commit): the caller ends that call the usual way.
 */
export async function recordCallEndedBeforeAnswer(
  trx: Executor,
  call: { callSid: string; callerHash: string; callerEncrypted: string; callerMasked: string; at: Date },
  carrierStatus: string,
): Promise<CallRow | undefined> {
  const row = await trx
    .insertInto('calls')
    .values({
      call_sid: call.callSid,
      direction: 'inbound',
      caller_hash: call.callerHash,
      caller_encrypted: call.callerEncrypted,
      caller_masked: call.callerMasked,
      status: 'ended',
      caller_location: 'none',
      offered_at: call.at,
      ended_at: call.at,
      outcome: 'failed',
      failure: 'the caller left before the incoming call was recorded',
    })
    .onConflict((oc) => oc.column('call_sid').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  await addCallEvent(trx, row.id, 'ended', { carrierStatus, outcome: 'failed', beforeAnswer: true });
  await addMissedCall(trx, row, 'failed');
  return row;
}

/**
 * A new inbound call as the incoming-call webhook records it (its id is chosen by the caller of the insert). The
 * caller's recognition is the statement's own: blocked, and whether they called in the 24 hours before.
 */
export type IncomingCallValues = {
  id: string;
  callSid: string;
  callerHash: string;
  callerEncrypted: string;
  callerMasked: string;
  ivrFlow: string;
  ivrState: unknown;
  ivrSeq: number;
  language: string;
  offeredAt: Date;
};

/**
 * Recognises the caller of a new inbound call and, unless the number is blocked, claims the `incoming` webhook
 * of its CallSid and, when the claim is this delivery's, records the call (repeat caller or not), its `arrived`
 * event and the answer — in one statement, which PostgreSQL runs atomically on its own, shared with the other
 * calls arriving at the same moment (`writeBatches`). The answer must not depend on the repeat-caller fact (the
 * flow has no branch on it): the stored flow state gets the fact written in. A blocked number writes nothing
 * (`blocked`: the caller takes the general path, which refuses it). A retry (the claim exists) changes nothing
 * and gets the stored answer. A concurrent duplicate waits on the claim's primary key; the statement's
 * snapshot predates that commit, so its answer is read once more afterwards.
 */
export async function recordIncomingCall(db: Executor, call: IncomingCallValues, response: string): Promise<IncomingCallRecorded> {
  const recorded = await batchesOf(db).recordIncoming({ call, response });
  if (recorded.claimed || recorded.replay !== null || recorded.blocked) return recorded;
  const stored = await db.selectFrom('webhook_events').select('response').where('call_sid', '=', call.callSid).where('event', '=', 'incoming').executeTakeFirst();
  return { claimed: false, recorded: false, replay: stored?.response ?? null, blocked: false };
}

/** `recorded` is false when the claim is this delivery's but the call was already recorded as ended (`recordCallEndedBeforeAnswer`). */
type IncomingCallRecorded = { claimed: boolean; recorded: boolean; replay: string | null; blocked: boolean };
type IncomingCallWrite = { call: IncomingCallValues; response: string };

async function recordIncomingCalls(db: Executor, writes: IncomingCallWrite[]): Promise<IncomingCallRecorded[]> {
  // The batch goes as one JSON document rather than fourteen parameter arrays: JSON.stringify is native, where
  // the driver escaped every element of every array (the stored TwiML, the flow state) in JavaScript.
  const input = writes.map((w, n) => ({
    n,
    id: w.call.id,
    call_sid: w.call.callSid,
    caller_hash: w.call.callerHash,
    caller_encrypted: w.call.callerEncrypted,
    caller_masked: w.call.callerMasked,
    ivr_flow: w.call.ivrFlow,
    ivr_state: w.call.ivrState,
    ivr_seq: w.call.ivrSeq,
    language: w.call.language,
    offered_at: w.call.offeredAt.toISOString(),
    response: w.response,
  }));
  return queryPrepared(db, 'calls.record-incoming', sql<IncomingCallRecorded>`
    with given as (
      select * from json_to_recordset(${JSON.stringify(input)}::json)
        as t(n int, id uuid, call_sid text, caller_hash text, caller_encrypted text, caller_masked text,
             ivr_flow text, ivr_state jsonb, ivr_seq int, language text, offered_at timestamptz, response text)
    ), input as (
      select g.*, ${callerRecognition(sql.ref('g.caller_hash'), sql.ref('g.offered_at'))}
        from given g
    ), claim as (
      insert into webhook_events (call_sid, event, response)
      select call_sid, 'incoming', response from input where not blocked order by n
      on conflict do nothing
      returning call_sid
    ), inserted as (
      insert into calls (id, call_sid, direction, caller_hash, caller_encrypted, caller_masked, status, caller_location,
                         blocked, repeat_caller, ivr_flow, ivr_state, ivr_seq, language, offered_at, updated_at)
      select id, call_sid, 'inbound', caller_hash, caller_encrypted, caller_masked, 'ivr', 'ivr',
             false, repeat_caller, ivr_flow, jsonb_set(ivr_state, '{facts,repeatCaller}', to_jsonb(repeat_caller)), ivr_seq, language, offered_at, offered_at
        from input where call_sid in (select call_sid from claim)
       order by n
      on conflict (call_sid) do nothing
      returning id, repeat_caller
    ), logged as (
      insert into call_events (call_id, kind, data)
      select id, 'arrived', jsonb_build_object('blocked', false, 'repeatCaller', repeat_caller) from inserted
    )
    -- The stored answer only for a delivery that is not the claimant (a retry): the claimant has it already.
    select c.claimed,
           exists (select 1 from inserted where inserted.id = i.id) as recorded,
           case when c.claimed or i.blocked then null
                else (select response from webhook_events w where w.call_sid = i.call_sid and w.event = 'incoming') end as replay,
           i.blocked
      from input i cross join lateral (select exists (select 1 from claim where claim.call_sid = i.call_sid) as claimed) c
     order by i.n
  `);
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
 * call on the missed-call list — one statement, atomic on its own, shared with the other calls ending at the
 * same moment (`writeBatches`). `matched` is false when the call is not such a call (unknown, queued, talking,
 * a callback …): nothing was written and the caller takes the general path. The call rows are locked (in id
 * order, so two statements never wait on each other) before the claim, so a concurrent duplicate re-reads the
 * call (ended) and replays.
 */
export async function endCallLeftInIvr(db: Executor, callSid: string, now: Date, carrierStatus: string): Promise<CallLeftInIvr> {
  return batchesOf(db).endLeftInIvr({ callSid, now, carrierStatus });
}

/** `ended` carries what the `call.ended` event presents (`PresentedCallRow`), not the whole row. */
export type CallLeftInIvr = { matched: boolean; ended: PresentedCallRow | undefined };
type CallLeftInIvrEnd = { callSid: string; now: Date; carrierStatus: string };

async function endCallsLeftInIvr(db: Executor, ends: CallLeftInIvrEnd[]): Promise<CallLeftInIvr[]> {
  const rows = await queryPrepared(db, 'calls.end-left-in-ivr', sql<PresentedCallRow & { matched: boolean }>`
    with input as (
      select * from unnest(${ends.map((e) => e.callSid)}::text[], ${ends.map((e) => e.now.toISOString())}::timestamptz[], ${ends.map((e) => e.carrierStatus)}::text[])
               with ordinality as t(call_sid, ended_at, carrier_status, n)
    ), target as (
      select id, call_sid from calls
       where call_sid in (select call_sid from input) and status in ('ivr', 'voicemail') and direction = 'inbound' and missed_call_id is null
       order by id
         for update
    ), claim as (
      insert into webhook_events (call_sid, event, response)
      select call_sid, 'status:final', null from target
      on conflict do nothing
      returning call_sid
    ), ended as (
      update calls
         set status = 'ended', caller_location = 'none', ended_at = i.ended_at, updated_at = i.ended_at,
             outcome = coalesce(calls.outcome, case when calls.blocked then 'blocked'
                                                    when exists (select 1 from voicemails v where v.call_id = calls.id) then 'voicemail'
                                                    when calls.status = 'voicemail' then 'abandoned'
                                                    else 'ivr_ended' end)
        from input i
       where calls.call_sid = i.call_sid and calls.id in (select id from target) and calls.call_sid in (select call_sid from claim)
      returning calls.*, i.carrier_status
    ), logged as (
      insert into call_events (call_id, kind, data)
      select id, 'ended', jsonb_build_object('carrierStatus', carrier_status, 'outcome', outcome) from ended
    ), missed as (
      insert into missed_calls (call_id, caller_hash, caller_encrypted, caller_masked, reason)
      select id, caller_hash, caller_encrypted, caller_masked, 'abandoned' from ended where outcome = 'abandoned'
      on conflict (call_id) do nothing
    )
    -- The columns the call.ended event presents: every ending call's whole row (fifty columns, a jsonb among
    -- them) cost the webhook more to receive and parse than the rest of its answer.
    select exists (select 1 from target t where t.call_sid = i.call_sid) as matched,
           e.id, e.direction, e.status, e.outcome, e.caller_masked, e.repeat_caller, e.desk, e.priority, e.language, e.callback_requested,
           e.agent_id, e.answered_by, e.offered_at, e.queued_at, e.answered_at, e.abandoned_at, e.transferred_at, e.ended_at,
           e.wait_seconds, e.talk_seconds, e.wrap_up_code, e.held_since, e.hold_seconds, e.agent_muted, e.transfer_target, e.transcript
      from input i left join ended e on e.call_sid = i.call_sid
     order by i.n
  `);
  return rows.map(({ matched, ...call }) => ({ matched, ended: call.id ? call : undefined }));
}

/**
 * The hot webhook writes, each coalesced across concurrent webhooks into one statement per batch. One set per
 * database handle; a batch always runs on the pool, never inside a caller's transaction. Items in one batch
 * are unique per CallSid (`uniquePerCall`): a carrier's retry racing its original waits for the next batch.
 */
function batchesOf(db: Executor) {
  let batches = writeBatches.get(db);
  if (!batches) {
    batches = {
      recordIncoming: createBatcher(uniquePerCall((w: IncomingCallWrite) => w.call.callSid, (writes) => recordIncomingCalls(db, writes)), ONE_AT_A_TIME),
      endLeftInIvr: createBatcher(uniquePerCall((e: CallLeftInIvrEnd) => e.callSid, (ends) => endCallsLeftInIvr(db, ends)), ONE_AT_A_TIME),
    };
    writeBatches.set(db, batches);
  }
  return batches;
}

/**
 * One statement of each kind at a time: the kinds still run side by side, and each statement takes every
 * call that arrived meanwhile. Two at a time halved the batches, and each statement's fixed cost in this
 * process (pool, query builder, driver, row description) was most of what a webhook cost beyond its HTTP
 * (under the load of the calls benchmark's part a: about a tenth less CPU per webhook in this process and more
 * in PostgreSQL, the same throughput, and no worse a p99 for paced callers).
 */
const ONE_AT_A_TIME = { maxInFlight: 1 };

const writeBatches = new WeakMap<Executor, {
  recordIncoming: (w: IncomingCallWrite) => Promise<IncomingCallRecorded>;
  endLeftInIvr: (e: CallLeftInIvrEnd) => Promise<CallLeftInIvr>;
}>();

/**
 * Runs the first item of each CallSid in `items` as one batch, then the repeats as further batches, so a
 * statement never claims the same webhook twice (both rows would see themselves as the claimant).
 */
function uniquePerCall<I, O>(sidOf: (item: I) => string, run: (items: I[]) => Promise<O[]>): (items: I[]) => Promise<O[]> {
  return async (items) => {
    // The usual batch has no repeat: one pass finds that out.
    if (new Set(items.map(sidOf)).size === items.length) return run(items);
    const results = new Array<O>(items.length);
    let pending = items.map((item, index) => ({ item, index }));
    while (pending.length > 0) {
      const seen = new Set<string>();
      const now: typeof pending = [];
      const later: typeof pending = [];
      for (const p of pending) {
        const sid = sidOf(p.item);
        if (seen.has(sid)) later.push(p);
        else (seen.add(sid), now.push(p));
      }
      const answered = await run(now.map((p) => p.item));
      now.forEach((p, i) => (results[p.index] = answered[i]!));
      pending = later;
    }
    return results;
  };
}
