/**
 * Use cases of the agent console on calls: the current call, answer/decline an offer, hold, mute, transfer
 * (warm or cold, to an agent or a desk), a department on the line (三方通话), one-key transfer to
 * 110/119/120/122, hang up, wrap-up; the missed-call list (漏接回拨); blocked numbers; transcription.
 *
 * The carrier is told after the change commits, except for an outside transfer, which is done first so the
 * record never claims a transfer that did not happen.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { isRetriableSpeechError, SpeechToTextError } from '../../ports/speech-to-text.ts';
import { changeAgentState, endOffer, finishWrapUp, freeAgent, startWrapUp, triggerRouting } from '../routing/routing.service.ts';
import { isWithinCallingHours } from '../routing/calling-hours.ts';
import { conferenceName, voiceUrl } from '../telephony/telephony.urls.ts';
import { publishAgentState, publishCall, publishQueueChanged } from './calls.events.ts';
import { presentCall, presentCallerTicket, presentEarlierCall } from './calls.presenter.ts';
import { addCallEvent, findCall, listCallerTickets, listEarlierCalls, lockCall, updateCall, type CallRow } from './calls.repository.ts';
import { canSupervise } from './calls.policy.ts';
import { offerPostCallRating } from '../surveys/index.ts';
import { hasChosenWrapUpCode, recordUnselectedWrapUp, requireChoosableCode } from './wrap-up-codes.ts';

function telephonyOf(ctx: AppContext) {
  if (!ctx.ports.telephony) throw new AppError('UNAVAILABLE', { params: { provider: 'telephony' } });
  return ctx.ports.telephony;
}

/** A call the actor may act on: their own live call, or any call for a supervisor. */
async function loadOwnCall(ctx: AppContext, actor: UserActor, callId: string): Promise<CallRow> {
  const call = await findCall(ctx.db, callId);
  if (!call) throw notFound('call');
  if (call.agent_id !== actor.id && !canSupervise(actor)) throw new AppError('FORBIDDEN');
  return call;
}

function requireTalking(call: CallRow): void {
  if (call.status !== 'talking' || !call.call_sid) throw new AppError('CONFLICT', { messageKey: 'calls.error.not_talking' });
}

/** The call the agent is ringing for or talking on, with the screen pop. */
export async function getCurrentCall(ctx: AppContext, actor: UserActor) {
  const state = await ctx.db.selectFrom('agent_states').select(['call_id', 'state']).where('user_id', '=', actor.id).executeTakeFirst();
  if (!state?.call_id) return { call: null, offerId: null, screenPop: null };
  const call = await findCall(ctx.db, state.call_id);
  if (!call) return { call: null, offerId: null, screenPop: null };
  const offer = await ctx.db.selectFrom('call_offers').select('id').where('call_id', '=', call.id).where('agent_id', '=', actor.id).where('status', 'in', ['ringing', 'accepted']).executeTakeFirst();
  const [earlier, tickets] = await Promise.all([listEarlierCalls(ctx.db, call.caller_hash, call.id), listCallerTickets(ctx.db, call.caller_hash)]);
  return {
    call: presentCall(call),
    offerId: offer?.id ?? null,
    screenPop: { repeatCaller: call.repeat_caller, earlierCalls: earlier.map(presentEarlierCall), tickets: tickets.map(presentCallerTicket) },
  };
}

/** A call with its events (agents: calls they handled; supervisors: any). */
export async function getCall(ctx: AppContext, actor: UserActor, callId: string) {
  const call = await findCall(ctx.db, callId);
  if (!call) throw notFound('call');
  if (!canSupervise(actor)) {
    const handled = await ctx.db.selectFrom('call_offers').select('id').where('call_id', '=', callId).where('agent_id', '=', actor.id).executeTakeFirst();
    if (!handled) throw notFound('call');
  }
  const events = await ctx.db.selectFrom('call_events').select(['kind', 'at', 'actor_id', 'data']).where('call_id', '=', callId).orderBy('id').execute();
  const voicemails = await ctx.db.selectFrom('voicemails').selectAll().where('call_id', '=', callId).execute();
  const recordings = await ctx.db.selectFrom('call_recordings').selectAll().where('call_id', '=', callId).execute();
  return {
    call: presentCall(call),
    events: events.map((e) => ({ kind: e.kind, at: e.at.toISOString(), actorId: e.actor_id, data: e.data })),
    voicemails: voicemails.map(presentVoicemail),
    recordings: recordings.map((r) => ({ recordingSid: r.recording_sid, durationSeconds: Number(r.duration_seconds), transcript: r.transcript, transcriptStatus: r.transcript_status, transcriptError: r.transcript_error })),
  };
}

export function presentVoicemail(v: { id: string; call_id: string; recording_sid: string; duration_seconds: string | null; transcript: string | null; transcript_status: string; transcript_error: string | null; ticket_id: string | null; created_at: Date }) {
  return {
    id: v.id,
    callId: v.call_id,
    recordingSid: v.recording_sid,
    durationSeconds: Number(v.duration_seconds ?? 0),
    transcript: v.transcript,
    transcriptStatus: v.transcript_status,
    transcriptError: v.transcript_error,
    ticketId: v.ticket_id,
    createdAt: v.created_at.toISOString(),
  };
}

/** Calls, newest first: agents see the calls they handled; supervisors all (filters: status, outcome, date). */
export async function listCalls(ctx: AppContext, actor: UserActor, query: { status?: string; outcome?: string; from?: string; to?: string; limit: number }) {
  let q = ctx.db.selectFrom('calls').selectAll().orderBy('offered_at', 'desc').limit(query.limit);
  if (!canSupervise(actor)) q = q.where(({ exists, selectFrom }) => exists(selectFrom('call_offers').select('id').whereRef('call_offers.call_id', '=', 'calls.id').where('call_offers.agent_id', '=', actor.id)));
  if (query.status) q = q.where('status', '=', query.status as CallRow['status']);
  if (query.outcome) q = q.where('outcome', '=', query.outcome as NonNullable<CallRow['outcome']>);
  if (query.from) q = q.where('offered_at', '>=', new Date(query.from));
  if (query.to) q = q.where('offered_at', '<', new Date(query.to));
  return (await q.execute()).map(presentCall);
}

async function ringingOffer(ctx: AppContext, actor: UserActor, callId: string) {
  const offer = await ctx.db.selectFrom('call_offers').selectAll().where('call_id', '=', callId).where('agent_id', '=', actor.id).where('status', '=', 'ringing').executeTakeFirst();
  if (!offer) throw new AppError('CONFLICT', { messageKey: 'calls.error.no_offer' });
  return offer;
}

/**
 * Answers the ringing offer from the console. With a browser softphone the SDK answers; in simulator mode
 * (no browser phone) the platform tells the simulator's handset to pick up.
 */
export async function answerOffer(ctx: AppContext, actor: UserActor, callId: string) {
  const offer = await ringingOffer(ctx, actor, callId);
  if (!ctx.ports.softphones) throw new AppError('CONFLICT', { messageKey: 'calls.error.use_softphone' });
  if (!offer.leg_sid) throw new AppError('CONFLICT', { messageKey: 'calls.error.not_ringing_yet' });
  const accepted = await ctx.ports.softphones.answer(offer.leg_sid);
  if (!accepted) throw new AppError('CONFLICT', { messageKey: 'calls.error.not_ringing_yet' });
  return { accepted };
}

export async function declineOffer(ctx: AppContext, actor: UserActor, callId: string) {
  const offer = await ringingOffer(ctx, actor, callId);
  await endOffer(ctx, offer.id, 'declined', { reason: 'agent_declined' });
  return { declined: true };
}

/**
 * What ending a hold changes on a call row: the held time joins `hold_seconds`. Also used when a transfer
 * takes the caller out of this agent's hands (the wait that follows is queue time, not hold time).
 */
function holdEnded(call: CallRow, now = new Date()) {
  if (!call.held_since) return {};
  return { held_since: null, hold_seconds: Number(call.hold_seconds ?? 0) + Math.max(0, (now.getTime() - call.held_since.getTime()) / 1000) };
}

/**
 * Hold or resume the caller (hold music plays to them). Idempotent: asking for the state the call is already
 * in changes nothing and tells the carrier nothing. The carrier is told first, so the record never claims a
 * hold the caller did not get; a concurrent duplicate is settled under the call's row lock (one event).
 */
export async function holdCaller(ctx: AppContext, actor: UserActor, callId: string, hold: boolean) {
  const call = await loadOwnCall(ctx, actor, callId);
  requireTalking(call);
  if ((call.held_since !== null) === hold) return { hold, call: presentCall(call) };
  await telephonyOf(ctx).updateParticipant({ sid: call.conference_sid, name: conferenceName(call.id) }, call.call_sid!, { hold, ...(hold ? { holdUrl: voiceUrl(ctx, 'hold') } : {}) });
  const result = await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockCall(trx, call.id);
    if (!locked) throw notFound('call');
    if ((locked.held_since !== null) === hold) return { row: locked, changed: false };
    const now = new Date();
    const row = await updateCall(trx, call.id, hold ? { held_since: now } : holdEnded(locked, now));
    await addCallEvent(trx, call.id, hold ? 'held' : 'resumed', hold ? {} : { seconds: Math.round((now.getTime() - locked.held_since!.getTime()) / 100) / 10 }, actor.id);
    return { row, changed: true };
  });
  if (result.changed) {
    publishCall(ctx, 'call.updated', result.row);
    publishQueueChanged(ctx);
  }
  return { hold, call: presentCall(result.row) };
}

/** Mute or unmute the agent's own microphone in the conference. Idempotent like hold. */
export async function muteAgent(ctx: AppContext, actor: UserActor, callId: string, muted: boolean) {
  const call = await loadOwnCall(ctx, actor, callId);
  requireTalking(call);
  if (call.agent_muted === muted) return { muted, call: presentCall(call) };
  const offer = await ctx.db.selectFrom('call_offers').select('leg_sid').where('call_id', '=', callId).where('agent_id', '=', actor.id).where('status', '=', 'accepted').executeTakeFirst();
  if (!offer?.leg_sid) throw new AppError('CONFLICT', { messageKey: 'calls.error.not_talking' });
  await telephonyOf(ctx).updateParticipant({ sid: call.conference_sid, name: conferenceName(call.id) }, offer.leg_sid, { muted });
  const result = await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockCall(trx, call.id);
    if (!locked) throw notFound('call');
    if (locked.agent_muted === muted) return { row: locked, changed: false };
    const row = await updateCall(trx, call.id, { agent_muted: muted });
    await addCallEvent(trx, call.id, muted ? 'agent_muted' : 'agent_unmuted', {}, actor.id);
    return { row, changed: true };
  });
  if (result.changed) {
    publishCall(ctx, 'call.updated', result.row);
    publishQueueChanged(ctx);
  }
  return { muted, call: presentCall(result.row) };
}

export type TransferInput = { mode: 'cold' | 'warm'; to: { kind: 'agent'; agentId: string } | { kind: 'desk'; desk: string } };

/**
 * Transfers the caller to another agent or desk. Cold: the caller is held, this agent leaves, and the call
 * waits (keeping its place) for the target. Warm: the caller is held and the target rings into the same
 * conference; once they talk, `completeTransfer` hands the call over.
 */
export async function transferCall(ctx: AppContext, actor: UserActor, callId: string, input: TransferInput) {
  const telephony = telephonyOf(ctx);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, callId);
    if (!call) throw notFound('call');
    if (call.agent_id !== actor.id) throw new AppError('FORBIDDEN');
    requireTalking(call);
    const desk = input.to.kind === 'desk' ? input.to.desk : (call.desk ?? 'general');
    const targetAgentId = input.to.kind === 'agent' ? input.to.agentId : null;
    if (targetAgentId === actor.id) throw new AppError('CONFLICT', { messageKey: 'calls.error.transfer_to_self' });
    if (input.to.kind === 'desk' && !(await trx.selectFrom('desks').select('code').where('code', '=', desk).executeTakeFirst())) throw notFound('desk');
    await addCallEvent(trx, call.id, 'transfer_started', { mode: input.mode, to: input.to }, actor.id);
    if (input.mode === 'cold') {
      const myOffer = await trx.selectFrom('call_offers').select(['id', 'leg_sid']).where('call_id', '=', call.id).where('agent_id', '=', actor.id).where('status', '=', 'accepted').executeTakeFirst();
      if (myOffer) await trx.updateTable('call_offers').set({ status: 'ended', ended_at: new Date(), reason: 'transferred' }).where('id', '=', myOffer.id).execute();
      const row = await updateCall(trx, call.id, { status: 'queued', agent_id: null, desk, target_agent_id: targetAgentId, transferred_at: new Date(), caller_location: 'conference', priority: Math.max(call.priority, 2), ...holdEnded(call), agent_muted: false });
      const change = await startWrapUp(ctx, trx, actor.id, call.id);
      await recordAudit(trx, actor, { action: 'call.transferred', entity: 'call', entityId: call.id, data: { mode: 'cold', to: input.to } });
      return { row, change, legSid: myOffer?.leg_sid ?? null, offer: null as null | { id: string; agentId: string } };
    }
    // Warm: reserve the target now (they must be free), ring them; the caller stays on hold meanwhile.
    const target = await sql<{ user_id: string }>`
      select a.user_id from agent_states a
       where a.state = 'available'
         and ${targetAgentId ? sql`a.user_id = ${targetAgentId}` : sql`exists (select 1 from user_skills s where s.user_id = a.user_id and s.desk_code = ${desk})`}
       order by a.idle_since limit 1 for update of a skip locked`.execute(trx);
    const targetId = target.rows[0]?.user_id;
    if (!targetId) throw new AppError('CONFLICT', { messageKey: 'calls.error.no_agent_free' });
    const offer = await trx.insertInto('call_offers').values({ call_id: call.id, agent_id: targetId, status: 'ringing' }).returning('id').executeTakeFirstOrThrow();
    const change = await changeAgentState(trx, targetId, 'ringing', { callId: call.id });
    // The caller waits on hold while the agents consult: counted as hold time, and resumable from the console.
    const row = await updateCall(trx, call.id, { target_agent_id: targetId, ...(call.held_since ? {} : { held_since: new Date() }) });
    if (!call.held_since) await addCallEvent(trx, call.id, 'held', { reason: 'consult' }, actor.id);
    await recordAudit(trx, actor, { action: 'call.transfer_started', entity: 'call', entityId: call.id, data: { mode: 'warm', to: input.to, targetId } });
    return { row, change, legSid: null, offer: { id: offer.id, agentId: targetId } };
  });
  publishAgentState(ctx, result.change);
  await telephony.updateParticipant({ sid: result.row.conference_sid, name: conferenceName(callId) }, result.row.call_sid!, { hold: true, holdUrl: voiceUrl(ctx, 'hold') }).catch((e: unknown) => ctx.logger.warn({ err: e }, 'hold before transfer failed'));
  if (result.legSid) await telephony.removeParticipant({ sid: result.row.conference_sid, name: conferenceName(callId) }, result.legSid).catch((e: unknown) => ctx.logger.warn({ err: e }, 'agent leg not removed'));
  if (result.offer) {
    const { startOffer } = await import('../routing/routing.service.ts');
    await startOffer(ctx, { callId, offerId: result.offer.id, agentId: result.offer.agentId, direction: result.row.direction });
  } else {
    publishQueueChanged(ctx);
    triggerRouting(ctx);
  }
  publishCall(ctx, 'call.updated', result.row, actor.id);
  return { call: presentCall(result.row) };
}

/** Warm transfer, second step: the consulted agent takes the call, this agent leaves, the caller is resumed. */
export async function completeTransfer(ctx: AppContext, actor: UserActor, callId: string) {
  const telephony = telephonyOf(ctx);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, callId);
    if (!call) throw notFound('call');
    if (call.agent_id !== actor.id) throw new AppError('FORBIDDEN');
    if (!call.target_agent_id) throw new AppError('CONFLICT', { messageKey: 'calls.error.no_consult' });
    const consult = await trx.selectFrom('call_offers').select('id').where('call_id', '=', callId).where('agent_id', '=', call.target_agent_id).where('status', '=', 'accepted').executeTakeFirst();
    if (!consult) throw new AppError('CONFLICT', { messageKey: 'calls.error.no_consult' });
    const mine = await trx.selectFrom('call_offers').select(['id', 'leg_sid']).where('call_id', '=', callId).where('agent_id', '=', actor.id).where('status', '=', 'accepted').executeTakeFirst();
    if (mine) await trx.updateTable('call_offers').set({ status: 'ended', ended_at: new Date(), reason: 'transferred' }).where('id', '=', mine.id).execute();
    // The consulted agent takes over: the caller is resumed, and the first agent's hold and mute are theirs.
    // The new agent is on the call (agent_left_at, routing migration 0017, is about whoever holds agent_id).
    const row = await updateCall(trx, callId, { agent_id: call.target_agent_id, agent_left_at: null, target_agent_id: null, transferred_at: new Date(), ...holdEnded(call), agent_muted: false });
    await addCallEvent(trx, callId, 'transferred', { from: actor.id, to: call.target_agent_id, mode: 'warm' }, actor.id);
    const change = await startWrapUp(ctx, trx, actor.id, callId);
    await recordAudit(trx, actor, { action: 'call.transferred', entity: 'call', entityId: callId, data: { mode: 'warm', to: call.target_agent_id } });
    return { row, change, legSid: mine?.leg_sid ?? null };
  });
  publishAgentState(ctx, result.change);
  const conference = { sid: result.row.conference_sid, name: conferenceName(callId) };
  await telephony.updateParticipant(conference, result.row.call_sid!, { hold: false }).catch((e: unknown) => ctx.logger.warn({ err: e }, 'unhold after transfer failed'));
  if (result.legSid) await telephony.removeParticipant(conference, result.legSid).catch((e: unknown) => ctx.logger.warn({ err: e }, 'agent leg not removed'));
  publishCall(ctx, 'call.updated', result.row);
  return { call: presentCall(result.row) };
}

/** 三方通话: rings a department's contact phone into the call's conference. */
export async function addDepartmentToCall(ctx: AppContext, actor: UserActor, callId: string, departmentId: string) {
  const call = await loadOwnCall(ctx, actor, callId);
  requireTalking(call);
  const department = await ctx.db.selectFrom('departments').select(['id', 'name', 'contact_phone']).where('id', '=', departmentId).where('active', '=', true).executeTakeFirst();
  if (!department) throw notFound('department');
  if (!department.contact_phone) throw new AppError('CONFLICT', { messageKey: 'calls.error.no_department_phone' });
  const { legSid } = await telephonyOf(ctx).dialIntoConference({
    conference: conferenceName(call.id),
    to: department.contact_phone,
    label: 'department',
    ringTimeoutSeconds: 30,
    statusCallback: voiceUrl(ctx, 'leg', { call: call.id }),
  });
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('call_legs').values({ leg_sid: legSid, call_id: call.id, kind: 'department', target_masked: department.name, department_id: department.id }).execute();
    await addCallEvent(trx, call.id, 'department_added', { departmentId: department.id, legSid }, actor.id);
    await recordAudit(trx, actor, { action: 'call.department_added', entity: 'call', entityId: call.id, data: { departmentId: department.id } });
  });
  return { legSid, department: { id: department.id, name: department.name } };
}

/**
 * One-key transfer to 110/119/120/122: the caller is moved out of the conference to a recorded <Dial>,
 * the call is marked transferred out, and the agent goes to wrap-up (the conference ends with the caller).
 */
export async function transferToEmergency(ctx: AppContext, actor: UserActor, callId: string, number: '110' | '119' | '120' | '122') {
  const call = await loadOwnCall(ctx, actor, callId);
  requireTalking(call);
  await telephonyOf(ctx).redirectCall(call.call_sid!, voiceUrl(ctx, 'transfer-out', { call: call.id, number, lang: call.language }));
  const row = await ctx.db.transaction().execute(async (trx) => {
    const updated = await updateCall(trx, call.id, { transferred_at: new Date(), transfer_target: number, outcome: 'transferred_out', caller_location: 'none' });
    await addCallEvent(trx, call.id, 'transferred', { to: number, purpose: 'emergency-transfer' }, actor.id);
    await recordAudit(trx, actor, { action: 'call.emergency_transferred', entity: 'call', entityId: call.id, data: { number } });
    return updated;
  });
  publishCall(ctx, 'call.updated', row);
  return { call: presentCall(row) };
}

/** Ends the call (the caller's leg); the status callback records the end and starts the wrap-up. */
export async function hangupCall(ctx: AppContext, actor: UserActor, callId: string) {
  const call = await loadOwnCall(ctx, actor, callId);
  requireTalking(call);
  // Hook for modules/surveys (一次一评): the caller is moved to a one-key rating instead; hang up only if it cannot start.
  if (!(await offerPostCallRating(ctx, { callId: call.id, callSid: call.call_sid!, agentId: call.agent_id ?? actor.id }))) await telephonyOf(ctx).hangupCall(call.call_sid!);
  await ctx.db.transaction().execute((trx) => addCallEvent(trx, call.id, 'hangup_requested', {}, actor.id));
  return { hungUp: true };
}

/**
 * The wrap-up code (话后小结) of a call the agent handled, from the admins' list; `ready` ends the wrap-up now.
 * Choosing the same code again changes nothing; another code replaces it (both choices stay in the events).
 */
export async function wrapUpCall(ctx: AppContext, actor: UserActor, callId: string, input: { code: string; ready?: boolean }) {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, callId);
    if (!call) throw notFound('call');
    const handled = await trx.selectFrom('call_offers').select('id').where('call_id', '=', callId).where('agent_id', '=', actor.id).where('status', 'in', ['accepted', 'ended']).executeTakeFirst();
    if (!handled) throw new AppError('FORBIDDEN');
    await requireChoosableCode(trx, input.code);
    if (call.wrap_up_code === input.code && (await hasChosenWrapUpCode(trx, callId, actor.id))) return call;
    const updated = await updateCall(trx, callId, { wrap_up_code: input.code });
    await addCallEvent(trx, callId, 'wrapped_up', { code: input.code, previous: call.wrap_up_code }, actor.id);
    return updated;
  });
  if (input.ready) await finishWrapUp(ctx, actor.id, { early: true });
  return { call: presentCall(row) };
}

/**
 * The wrap-up time ran out (the `routing.finish-wrap-up` job): an agent who chose no code for the call gets
 * 未选择 recorded on it, then goes available — in one transaction, so a code chosen at the last moment wins.
 */
export async function expireWrapUp(ctx: AppContext, userId: string): Promise<boolean> {
  const change = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('agent_states').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
    if (!row || row.state !== 'wrap_up') return undefined;
    if (row.wrap_until && row.wrap_until.getTime() > Date.now() + 50) return undefined;
    if (row.call_id) await recordUnselectedWrapUp(trx, row.call_id, userId, 'wrap_up_timed_out');
    // Available and offered the next waiting call in one statement (routing's freeAgent), rung after the commit.
    return freeAgent(ctx, trx, userId);
  });
  if (!change) return false;
  publishAgentState(ctx, change);
  triggerRouting(ctx);
  return true;
}

// ------------------------------------------------------------------------------------------------------
// Missed calls (漏接回拨)

export function presentMissedCall(m: { id: string; call_id: string; caller_masked: string; reason: string; status: string; claimed_by: string | null; attempts: number; last_attempt_at: Date | null; callback_call_id: string | null; completed_at: Date | null; result: string | null; created_at: Date }) {
  return {
    id: m.id,
    callId: m.call_id,
    callerMasked: m.caller_masked,
    reason: m.reason,
    status: m.status,
    claimedBy: m.claimed_by,
    attempts: m.attempts,
    lastAttemptAt: m.last_attempt_at?.toISOString() ?? null,
    callbackCallId: m.callback_call_id,
    completedAt: m.completed_at?.toISOString() ?? null,
    result: m.result,
    createdAt: m.created_at.toISOString(),
  };
}

export async function listMissedCalls(ctx: AppContext, query: { status?: 'open' | 'claimed' | 'calling' | 'completed' | 'failed'; limit: number }) {
  let q = ctx.db.selectFrom('missed_calls').selectAll().orderBy('created_at', 'asc').limit(query.limit);
  q = query.status ? q.where('status', '=', query.status) : q.where('status', 'in', ['open', 'claimed', 'calling']);
  return (await q.execute()).map(presentMissedCall);
}

/**
 * Starts a callback for a missed call (in the caller's transaction): a new call of direction `callback`
 * queued for the named agent (console claim) or for anyone on the general desk (automatic), ahead of new
 * callers. When an agent answers, the citizen's phone is rung into the same conference.
 */
async function queueCallback(trx: Executor, missed: { id: string; call_id: string; caller_hash: string; caller_encrypted: string; caller_masked: string; attempts: number }, agentId: string | null) {
  const now = new Date();
  const call = await trx
    .insertInto('calls')
    .values({
      direction: 'callback',
      caller_hash: missed.caller_hash,
      caller_encrypted: missed.caller_encrypted,
      caller_masked: missed.caller_masked,
      status: 'queued',
      caller_location: 'none',
      desk: 'general',
      // A claimed callback goes to its agent first; an automatic one waits behind live callers.
      priority: agentId ? 9 : 0,
      queued_at: now,
      callback_of: missed.call_id,
      missed_call_id: missed.id,
      target_agent_id: agentId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await addCallEvent(trx, call.id, 'callback_queued', { missedCallId: missed.id, agentId });
  await trx.updateTable('missed_calls').set({ status: agentId ? 'claimed' : 'calling', claimed_by: agentId, claimed_at: agentId ? now : null, attempts: missed.attempts + 1, last_attempt_at: now, callback_call_id: call.id }).where('id', '=', missed.id).execute();
  return call;
}

/** An agent claims a missed call and is connected to the citizen as soon as they are free. */
export async function claimMissedCall(ctx: AppContext, actor: UserActor, missedId: string) {
  if (!isWithinCallingHours(ctx)) throw new AppError('CONFLICT', { messageKey: 'calls.error.outside_calling_hours' });
  const call = await ctx.db.transaction().execute(async (trx) => {
    const missed = await trx.selectFrom('missed_calls').selectAll().where('id', '=', missedId).forUpdate().executeTakeFirst();
    if (!missed) throw notFound('missed_call');
    if (missed.status !== 'open') throw new AppError('CONFLICT', { messageKey: 'calls.error.missed_taken' });
    const created = await queueCallback(trx, missed, actor.id);
    await recordAudit(trx, actor, { action: 'missed_call.claimed', entity: 'missed_call', entityId: missedId });
    return created;
  });
  publishQueueChanged(ctx);
  triggerRouting(ctx);
  return { callbackCallId: call.id };
}

export async function completeMissedCall(ctx: AppContext, actor: UserActor, missedId: string, result: string) {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const missed = await trx.selectFrom('missed_calls').selectAll().where('id', '=', missedId).forUpdate().executeTakeFirst();
    if (!missed) throw notFound('missed_call');
    if (missed.status === 'completed') return missed;
    const updated = await trx.updateTable('missed_calls').set({ status: 'completed', completed_at: new Date(), result }).where('id', '=', missedId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'missed_call.completed', entity: 'missed_call', entityId: missedId, data: { result } });
    return updated;
  });
  return presentMissedCall(row);
}

/** The automatic callback job: open missed calls are queued for a callback, within calling hours only. */
export async function queueDueCallbacks(ctx: AppContext): Promise<number> {
  if (!isWithinCallingHours(ctx)) return 0;
  const queued = await ctx.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('missed_calls')
      .selectAll()
      .where('status', '=', 'open')
      .where('attempts', '<', 3)
      .where((eb) => eb.or([eb('last_attempt_at', 'is', null), eb('last_attempt_at', '<', new Date(Date.now() - 10 * 60_000))]))
      .orderBy('created_at')
      .limit(20)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const missed of due) await queueCallback(trx, missed, null);
    return due.length;
  });
  if (queued) {
    publishQueueChanged(ctx);
    triggerRouting(ctx);
  }
  return queued;
}

// ------------------------------------------------------------------------------------------------------
// Blocked numbers (恶意来电: warn, then block)

export function presentBlocked(b: { phone_hash: string; phone_masked: string; reason: string; blocked_by: string | null; blocked_at: Date; active: boolean }) {
  return { id: b.phone_hash, phoneMasked: b.phone_masked, reason: b.reason, blockedBy: b.blocked_by, blockedAt: b.blocked_at.toISOString(), active: b.active };
}

export async function listBlockedNumbers(ctx: AppContext) {
  return (await ctx.db.selectFrom('blocked_numbers').selectAll().where('active', '=', true).orderBy('blocked_at', 'desc').execute()).map(presentBlocked);
}

/** Blocks a number (given, or the caller of a call), with a reason and who did it. */
export async function blockNumber(ctx: AppContext, actor: UserActor, input: { phone?: string; callId?: string; reason: string }) {
  let phone: { hash: string; encrypted: string; masked: string };
  if (input.phone) phone = ctx.pii.protectPhone(input.phone);
  else {
    const call = input.callId ? await findCall(ctx.db, input.callId) : undefined;
    if (!call) throw notFound('call');
    phone = { hash: call.caller_hash, encrypted: call.caller_encrypted, masked: call.caller_masked };
  }
  const row = await ctx.db.transaction().execute(async (trx) => {
    const saved = await trx
      .insertInto('blocked_numbers')
      .values({ phone_hash: phone.hash, phone_encrypted: phone.encrypted, phone_masked: phone.masked, reason: input.reason, blocked_by: actor.id })
      .onConflict((oc) => oc.column('phone_hash').doUpdateSet({ active: true, reason: input.reason, blocked_by: actor.id, blocked_at: new Date(), unblocked_at: null, unblocked_by: null }))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'number.blocked', entity: 'blocked_number', entityId: phone.hash, data: { masked: phone.masked, reason: input.reason, callId: input.callId ?? null } });
    return saved;
  });
  return presentBlocked(row);
}

export async function unblockNumber(ctx: AppContext, actor: UserActor, id: string) {
  await ctx.db.transaction().execute(async (trx) => {
    const done = await trx.updateTable('blocked_numbers').set({ active: false, unblocked_by: actor.id, unblocked_at: new Date() }).where('phone_hash', '=', id).where('active', '=', true).executeTakeFirst();
    if (!done.numUpdatedRows) throw notFound('blocked_number');
    await recordAudit(trx, actor, { action: 'number.unblocked', entity: 'blocked_number', entityId: id });
  });
}

/** An agent warns a malicious caller (recorded); the count tells a supervisor when to block. */
export async function warnCaller(ctx: AppContext, actor: UserActor, callId: string, reason: string) {
  const call = await findCall(ctx.db, callId);
  if (!call) throw notFound('call');
  const warnings = await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('caller_warnings').values({ phone_hash: call.caller_hash, call_id: call.id, reason, warned_by: actor.id }).execute();
    await addCallEvent(trx, call.id, 'caller_warned', { reason }, actor.id);
    await recordAudit(trx, actor, { action: 'caller.warned', entity: 'call', entityId: call.id, data: { reason } });
    const row = await trx.selectFrom('caller_warnings').select(sql<number>`count(*)::int`.as('n')).where('phone_hash', '=', call.caller_hash).executeTakeFirstOrThrow();
    return row.n;
  });
  return { warnings, blockSuggested: warnings >= 2 };
}

// ------------------------------------------------------------------------------------------------------
// Transcription

const NO_SPEECH = '未配置语音识别服务，无法转写 (no speech service configured: transcription unavailable)';

/**
 * Transcribes a voicemail or call recording (zh-CN) and puts the text on the recording, the voicemail draft
 * and the call. Without a speech service the row says so honestly ("unavailable"); transient provider errors
 * are retried by the job queue, others recorded as failed.
 */
export async function transcribeRecording(ctx: AppContext, input: { recordingSid: string; kind: 'voicemail' | 'call' }, attempt: number, maxAttempts = 5): Promise<void> {
  const table = input.kind === 'voicemail' ? 'voicemails' : 'call_recordings';
  const row = await ctx.db.selectFrom(table).select(['call_id', 'recording_url', 'transcript_status']).where('recording_sid', '=', input.recordingSid).executeTakeFirst();
  if (!row || row.transcript_status === 'done') return;
  const setStatus = async (status: 'done' | 'unavailable' | 'failed', transcript: string | null, error: string | null) => {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable(table).set({ transcript_status: status, transcript, transcript_error: error }).where('recording_sid', '=', input.recordingSid).execute();
      if (transcript) {
        await trx.updateTable('calls').set({ transcript: sql`case when transcript is null then ${transcript} else transcript || E'\n' || ${transcript} end`, updated_at: new Date() }).where('id', '=', row.call_id).execute();
      }
      await addCallEvent(trx, row.call_id, `transcript_${status}`, { recordingSid: input.recordingSid, kind: input.kind, error });
    });
  };
  if (!ctx.ports.speech) return setStatus('unavailable', null, NO_SPEECH);
  if (!row.recording_url || !ctx.ports.telephony) return setStatus('unavailable', null, 'recording not reachable from this process');
  try {
    const audio = await ctx.ports.telephony.fetchRecording(row.recording_url);
    const transcript = await ctx.ports.speech.transcribe({ content: audio, mimeType: 'audio/wav' }, 'zh-CN');
    await setStatus('done', transcript.text, null);
    const call = await findCall(ctx.db, row.call_id);
    if (call) publishCall(ctx, 'call.updated', call);
  } catch (error) {
    if (isRetriableSpeechError(error) && attempt < maxAttempts) throw error;
    const message = error instanceof SpeechToTextError ? error.userMessage('zh-CN') : error instanceof Error ? error.message : String(error);
    await setStatus('failed', null, message);
  }
}

/** Voicemail drafts (留言 → 工单草稿) not yet linked to a ticket, newest first. */
export async function listVoicemailDrafts(ctx: AppContext, limit: number) {
  const rows = await ctx.db.selectFrom('voicemails').selectAll().where('ticket_id', 'is', null).orderBy('created_at', 'desc').limit(limit).execute();
  const calls = rows.length ? await ctx.db.selectFrom('calls').select(['id', 'caller_masked']).where('id', 'in', rows.map((r) => r.call_id)).execute() : [];
  const masked = new Map(calls.map((c) => [c.id, c.caller_masked]));
  return rows.map((r) => ({ ...presentVoicemail(r), callerMasked: masked.get(r.call_id) ?? null }));
}

