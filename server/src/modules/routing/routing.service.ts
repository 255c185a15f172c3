/**
 * ACD: agent states and the assignment of waiting calls to agents.
 *
 * Assignment is exact across server processes: one transaction selects the longest-idle available agent with
 * the call's desk skill `FOR UPDATE SKIP LOCKED`, locks the call the same way, and reserves both (agent →
 * ringing, call → offering, one ringing offer). Unique indexes on live calls and ringing offers per agent make
 * a double assignment impossible even for code that forgets the locks. The carrier is called after commit;
 * if it fails, the reservation is undone and the call waits for the next attempt, keeping its place.
 *
 * Routing runs on events (call queued, agent available, offer ended, wrap-up ended) and on a sweep job that
 * catches timeouts and overflow when no event comes.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../platform/db/database.ts';
import { addJob } from '../../platform/jobs.ts';
import { AppError } from '../../platform/errors.ts';
import type { AgentStateName } from '../../schema.ts';
import { addCallEvent, lockCall, updateCall } from '../calls/calls.repository.ts';
import { publishAgentState, publishCall, publishCallOffered, publishQueueChanged } from '../calls/calls.events.ts';
import { agentIdentity, conferenceName, voiceUrl } from '../telephony/telephony.urls.ts';
import { isWithinCallingHours } from './calling-hours.ts';

export type StateChange = { userId: string; from: AgentStateName | null; to: AgentStateName; reason: string | null; callId: string | null; at: Date };

/**
 * Moves an agent to a state and keeps the change (occupancy figures read agent_state_changes). `idle` resets
 * the longest-idle clock: an agent who just finished a call goes to the back of the line.
 */
export async function changeAgentState(
  trx: Executor,
  userId: string,
  to: AgentStateName,
  options: { reason?: string | null; callId?: string | null; resetIdle?: boolean; wrapUntil?: Date | null } = {},
): Promise<StateChange> {
  const now = new Date();
  const before = await trx.selectFrom('agent_states').select(['state']).where('user_id', '=', userId).forUpdate().executeTakeFirst();
  const values = {
    state: to,
    reason: options.reason ?? null,
    since: now,
    call_id: options.callId ?? null,
    wrap_until: options.wrapUntil ?? null,
    ...(options.resetIdle ? { idle_since: now } : {}),
  };
  if (before) await trx.updateTable('agent_states').set(values).where('user_id', '=', userId).execute();
  else await trx.insertInto('agent_states').values({ user_id: userId, idle_since: now, ...values }).execute();
  await trx
    .insertInto('agent_state_changes')
    .values({ user_id: userId, from_state: before?.state ?? null, to_state: to, reason: options.reason ?? null, call_id: options.callId ?? null })
    .execute();
  return { userId, from: before?.state ?? null, to, reason: options.reason ?? null, callId: options.callId ?? null, at: now };
}

export type Assignment = { callId: string; offerId: string; agentId: string; direction: 'inbound' | 'callback' };

/** The agent who may take a call: a named agent, or the longest-idle available agent with the desk skill. */
async function reserveAgent(trx: Executor, callId: string, desk: string, targetAgentId: string | null): Promise<string | undefined> {
  const row = await sql<{ user_id: string }>`
    select a.user_id
      from agent_states a
     where a.state = 'available'
       and ${targetAgentId ? sql`a.user_id = ${targetAgentId}` : sql`exists (select 1 from user_skills s where s.user_id = a.user_id and s.desk_code = ${desk})`}
       and not exists (select 1 from call_offers o where o.call_id = ${callId} and o.agent_id = a.user_id and o.status in ('declined', 'no_answer'))
       -- An agent whose last call is still ending (their leg hung up before the caller's status came) waits.
       and not exists (select 1 from calls c where c.agent_id = a.user_id and c.status in ('offering', 'talking'))
       -- So does one whose leg is still up after the caller's side ended (the caller's final status can come
       -- before the offer is marked answered, which leaves the agent available with a live leg): an agent
       -- never rings for a second call while any offer of theirs is open.
       and not exists (select 1 from call_offers o2 where o2.agent_id = a.user_id and o2.status in ('ringing', 'accepted'))
     order by a.idle_since asc
     limit 1
       for update of a skip locked
  `.execute(trx);
  return row.rows[0]?.user_id;
}

/** How many (call, agent) pairs one routing transaction may reserve: a burst shares BEGIN, COMMIT and reads. */
const BATCH = 10;

/** Reserves the next (call, agent) pair in one transaction, or returns undefined when none can be made. */
export async function assignNextCall(ctx: AppContext): Promise<Assignment | undefined> {
  return (await assignWaitingCalls(ctx, 1))[0];
}

/**
 * Reserves up to `max` (call, agent) pairs in one transaction, in routing order (priority, then time queued);
 * an empty list when none can be made. Within the transaction a reserved agent is ringing and a reserved
 * call is offering, so neither is picked twice; across processes the row locks keep it exact.
 */
export async function assignWaitingCalls(ctx: AppContext, max = BATCH): Promise<Assignment[]> {
  const callbacksAllowed = isWithinCallingHours(ctx);
  // The desks some available agent could take right now. Without this, a pass with every agent busy asks
  // `reserveAgent` once per waiting call (up to 50 queries) only to find nobody, and a pass runs after every
  // queued or ended call. Exact: a call whose desk is not here cannot get an agent by skill in this pass
  // (named-agent calls are still asked), and an agent who becomes available afterwards triggers a new pass.
  // Read before the transaction: a pass that finds nobody costs one round trip, not three (BEGIN, COMMIT).
  // How many agents are available also bounds the batch: once that many are reserved, the calls behind
  // would each ask `reserveAgent` in vain.
  const staffed = await sql<{ desks: (string | null)[] | null; agents: number }>`
    select array_agg(distinct s.desk_code) as desks, count(distinct a.user_id)::int as agents
      from agent_states a left join user_skills s on s.user_id = a.user_id
     where a.state = 'available'
  `.execute(ctx.db);
  const available = staffed.rows[0]?.agents ?? 0;
  if (available === 0) return [];
  const desks = new Set(staffed.rows[0]?.desks ?? []);
  const limit = Math.min(max, available);
  const made = await ctx.db.transaction().execute(async (trx) => {
    const candidates = await trx
      .selectFrom('calls')
      .select(['id', 'desk', 'target_agent_id', 'direction', 'callback_requested'])
      .where('status', '=', 'queued')
      .orderBy('priority', 'desc')
      .orderBy('queued_at', 'asc')
      .limit(50)
      .execute();
    const reserved: { assignment: Assignment; change: StateChange }[] = [];
    for (const candidate of candidates) {
      if (reserved.length >= limit) break;
      const callback = candidate.direction === 'callback' || candidate.callback_requested;
      if (callback && !callbacksAllowed) continue;
      const desk = candidate.desk ?? 'general';
      if (!candidate.target_agent_id && !desks.has(desk)) continue;
      const agentId = await reserveAgent(trx, candidate.id, desk, candidate.target_agent_id);
      if (!agentId) continue;
      const call = await trx.selectFrom('calls').select(['id']).where('id', '=', candidate.id).where('status', '=', 'queued').forUpdate().skipLocked().executeTakeFirst();
      if (!call) continue;
      const { offerId, change } = await reserveOffer(ctx, trx, candidate.id, agentId);
      reserved.push({ assignment: { callId: candidate.id, offerId, agentId, direction: candidate.direction }, change });
    }
    return reserved;
  });
  for (const r of made) publishAgentState(ctx, r.change);
  return made.map((r) => r.assignment);
}

/**
 * Writes one reservation in one statement: the call offering to the agent, the ringing offer, the agent
 * ringing (and the state log), the call event, and the safety-net job that withdraws an offer whose "no
 * answer" callback is lost. `offered_at` is the statement's clock, not the transaction's start: in a batch,
 * each offer carries the moment it was reserved.
 */
async function reserveOffer(ctx: AppContext, trx: Executor, callId: string, agentId: string): Promise<{ offerId: string; change: StateChange }> {
  const now = new Date();
  const withdrawAt = new Date(now.getTime() + (ctx.config.calls.ringTimeoutSeconds + 10) * 1000);
  const { rows } = await sql<{ offer_id: string; from_state: AgentStateName | null; jobs: number }>`
    with call as (
      update calls
         set status = 'offering', agent_id = ${agentId}, first_offered_at = coalesce(first_offered_at, ${now}),
             conference_name = ${conferenceName(callId)}, updated_at = ${now}
       where id = ${callId}
      returning id
    ), offer as (
      insert into call_offers (call_id, agent_id, status, offered_at)
      select id, ${agentId}, 'ringing', clock_timestamp() from call
      returning id
    ), before as (
      select state from agent_states where user_id = ${agentId}
    ), agent as (
      update agent_states set state = 'ringing', reason = null, since = ${now}, call_id = ${callId}, wrap_until = null
       where user_id = ${agentId}
      returning user_id
    ), logged as (
      insert into agent_state_changes (user_id, from_state, to_state, reason, call_id)
      select user_id, (select state from before), 'ringing', null, ${callId} from agent
    ), event as (
      insert into call_events (call_id, kind, data)
      select ${callId}, 'offered', jsonb_build_object('agentId', ${agentId}::text, 'offerId', offer.id) from offer
    ), job as (
      select graphile_worker.add_job('routing.withdraw-offer', json_build_object('offerId', offer.id),
                                     run_at => ${withdrawAt}::timestamptz, job_key => 'offer:' || offer.id, job_key_mode => 'replace')
        from offer
    )
    select offer.id as offer_id, (select state from before) as from_state, (select count(*)::int from job) as jobs from offer
  `.execute(trx);
  const row = rows[0];
  // The call was locked queued just before: no row here is a bug, and the transaction is rolled back.
  if (!row || row.jobs !== 1) throw new Error(`reservation of call ${callId} for agent ${agentId} wrote nothing`);
  return { offerId: row.offer_id, change: { userId: agentId, from: row.from_state, to: 'ringing', reason: null, callId, at: now } };
}

const routing = new WeakMap<AppContext, { running: boolean; again: boolean }>();

/**
 * Offers waiting calls to free agents until no pair can be made. Calls while a run is in progress coalesce
 * into one more run, so a burst of events does not start a burst of loops.
 */
export async function routeWaitingCalls(ctx: AppContext): Promise<number> {
  const state = routing.get(ctx) ?? { running: false, again: false };
  routing.set(ctx, state);
  if (state.running) {
    state.again = true;
    return 0;
  }
  state.running = true;
  let made = 0;
  try {
    do {
      state.again = false;
      for (;;) {
        const assignments = await assignWaitingCalls(ctx);
        if (assignments.length === 0) break;
        made += assignments.length;
        for (const assignment of assignments) void startOffer(ctx, assignment);
      }
    } while (state.again);
  } catch (error) {
    ctx.logger.error({ err: error }, 'routing failed; the sweep will try again');
  } finally {
    state.running = false;
  }
  if (made) publishQueueChanged(ctx);
  return made;
}

/** Triggers routing without waiting for it (after a commit, from a webhook). */
export function triggerRouting(ctx: AppContext): void {
  void routeWaitingCalls(ctx);
}

/**
 * The platform's timings are real seconds; a simulator running faster than real time (SIM_TIME_SCALE) counts
 * its own seconds, so a ring timeout handed to it is scaled to ring for the same real time.
 */
export function carrierSeconds(ctx: AppContext, seconds: number): number {
  const scale = ctx.config.telephony.mode === 'simulator' ? (ctx.config.telephony.timeScale ?? 1) : 1;
  return Math.max(1, Math.round(seconds / scale));
}

/** Rings the reserved agent's softphone into the call's conference. */
export async function startOffer(ctx: AppContext, a: Assignment): Promise<void> {
  const telephony = ctx.ports.telephony;
  try {
    if (!telephony) throw new AppError('UNAVAILABLE', { params: { provider: 'telephony' } });
    const { legSid, conferenceSid } = await telephony.dialIntoConference({
      conference: conferenceName(a.callId),
      to: `client:${agentIdentity(a.agentId)}`,
      label: 'agent',
      ringTimeoutSeconds: carrierSeconds(ctx, ctx.config.calls.ringTimeoutSeconds),
      statusCallback: voiceUrl(ctx, 'agent-leg', { offer: a.offerId }),
      conferenceStatusCallback: voiceUrl(ctx, 'conference', { call: a.callId }),
    });
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('call_offers').set({ leg_sid: legSid }).where('id', '=', a.offerId).execute();
      if (conferenceSid) await trx.updateTable('calls').set({ conference_sid: conferenceSid }).where('id', '=', a.callId).where('conference_sid', 'is', null).execute();
    });
    await publishCallOffered(ctx, a.agentId, a.callId, a.offerId);
  } catch (error) {
    ctx.logger.warn({ err: error, callId: a.callId, offerId: a.offerId }, 'offer to agent failed at the carrier');
    await endOffer(ctx, a.offerId, 'failed', { reason: 'provider' }).catch((e: unknown) => ctx.logger.error({ err: e }, 'could not undo a failed offer'));
  }
}

/**
 * Ends a ringing offer that was not answered. `no_answer` puts the agent on break (ring-no-answer);
 * `declined` and `failed` put them back in line. The call goes back to the queue with its original
 * queued_at, so it keeps its place, and routing runs again.
 */
export async function endOffer(
  ctx: AppContext,
  offerId: string,
  status: 'no_answer' | 'declined' | 'failed' | 'canceled',
  options: { reason?: string; hangupLeg?: boolean } = {},
): Promise<boolean> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const offer = await trx.selectFrom('call_offers').selectAll().where('id', '=', offerId).executeTakeFirst();
    if (!offer) return undefined;
    const call = await lockCall(trx, offer.call_id);
    const current = await trx.selectFrom('call_offers').selectAll().where('id', '=', offerId).forUpdate().executeTakeFirstOrThrow();
    if (current.status !== 'ringing') return undefined;
    await trx.updateTable('call_offers').set({ status, ended_at: new Date(), reason: options.reason ?? null }).where('id', '=', offerId).execute();
    const agentState = await trx.selectFrom('agent_states').select(['state', 'call_id']).where('user_id', '=', offer.agent_id).executeTakeFirst();
    let change: StateChange | undefined;
    if (agentState?.state === 'ringing' && agentState.call_id === offer.call_id) {
      change =
        status === 'no_answer'
          ? await changeAgentState(trx, offer.agent_id, 'break', { reason: 'ring_no_answer' })
          : await changeAgentState(trx, offer.agent_id, 'available', { resetIdle: status === 'declined' });
    }
    let requeued = false;
    if (call && call.status === 'offering' && call.agent_id === offer.agent_id) {
      await updateCall(trx, call.id, {
        status: 'queued',
        agent_id: null,
        ...(status === 'failed' ? { offer_failures: call.offer_failures + 1 } : {}),
      });
      requeued = true;
    } else if (call && call.status === 'talking' && call.target_agent_id === offer.agent_id) {
      // A consult (warm transfer) the target did not take: the first agent keeps the call.
      await updateCall(trx, call.id, { target_agent_id: null });
    }
    if (call) await addCallEvent(trx, call.id, `offer_${status}`, { agentId: offer.agent_id, offerId, reason: options.reason ?? null });
    return { offer, change, requeued };
  });
  if (!result) return false;
  if (result.change) publishAgentState(ctx, result.change);
  ctx.publish.toUser(result.offer.agent_id, 'call.offer_ended', { offerId, callId: result.offer.call_id, status });
  if (options.hangupLeg !== false && result.offer.leg_sid && status !== 'failed') {
    await ctx.ports.telephony?.hangupCall(result.offer.leg_sid).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not hang up an agent leg'));
  }
  if (result.requeued) {
    publishQueueChanged(ctx);
    triggerRouting(ctx);
  }
  return true;
}

/** Ends an agent's wrap-up when its time is up (or at once when the agent says so). */
export async function finishWrapUp(ctx: AppContext, userId: string, options: { early?: boolean } = {}): Promise<boolean> {
  const change = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('agent_states').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
    if (!row || row.state !== 'wrap_up') return undefined;
    if (!options.early && row.wrap_until && row.wrap_until.getTime() > Date.now() + 50) return undefined;
    return changeAgentState(trx, userId, 'available', { reason: null });
  });
  if (!change) return false;
  publishAgentState(ctx, change);
  triggerRouting(ctx);
  return true;
}

/**
 * Starts the wrap-up after a call (in the caller's transaction): the agent is not offered calls until the
 * wrap-up time passes or they end it.
 */
export async function startWrapUp(ctx: AppContext, trx: Executor, userId: string, callId: string): Promise<StateChange> {
  const seconds = ctx.config.calls.wrapUpSeconds;
  if (seconds <= 0) return changeAgentState(trx, userId, 'available', { resetIdle: true });
  const until = new Date(Date.now() + seconds * 1000);
  const change = await changeAgentState(trx, userId, 'wrap_up', { callId, resetIdle: true, wrapUntil: until });
  await addJob(trx, 'routing.finish-wrap-up', { userId }, { runAt: until, jobKey: `wrap:${userId}` });
  return change;
}

/**
 * The periodic sweep: withdraw offers whose no-answer callback never came, overflow long waits to the general
 * desk, and route. Safe to run in every process at once (all changes are guarded by row locks).
 */
export async function sweepQueue(ctx: AppContext): Promise<{ withdrawn: number; overflowed: number; routed: number }> {
  const stale = await ctx.db
    .selectFrom('call_offers')
    .select('id')
    .where('status', '=', 'ringing')
    .where('offered_at', '<', new Date(Date.now() - (ctx.config.calls.ringTimeoutSeconds + 10) * 1000))
    .execute();
  for (const o of stale) await endOffer(ctx, o.id, 'no_answer', { reason: 'timeout' });
  const overflowed = await overflowLongWaits(ctx);
  const routed = await routeWaitingCalls(ctx);
  return { withdrawn: stale.length, overflowed, routed };
}

/** Calls waiting longer than the overflow time on a special desk (or for a named agent) move to `general`. */
export async function overflowLongWaits(ctx: AppContext, callId?: string): Promise<number> {
  const limit = new Date(Date.now() - ctx.config.calls.overflowSeconds * 1000);
  const moved = await ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('calls')
      .select(['id', 'desk', 'target_agent_id'])
      .where('status', '=', 'queued')
      .where('queued_at', '<', limit)
      .where((eb) => eb.or([eb('desk', '!=', 'general'), eb('target_agent_id', 'is not', null)]))
      .forUpdate()
      .skipLocked();
    if (callId) q = q.where('id', '=', callId);
    const rows = await q.execute();
    for (const row of rows) {
      await updateCall(trx, row.id, { desk: 'general', target_agent_id: null });
      await addCallEvent(trx, row.id, 'overflowed', { from: row.desk, to: 'general', targetAgentId: row.target_agent_id });
    }
    return rows.length;
  });
  if (moved) {
    publishQueueChanged(ctx);
    triggerRouting(ctx);
  }
  return moved;
}

/** The agent state row, or `offline` for an agent who never signed in to the phone. */
export async function getAgentState(ctx: AppContext, userId: string) {
  const row = await ctx.db.selectFrom('agent_states').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return {
    userId,
    state: (row?.state ?? 'offline') as AgentStateName,
    reason: row?.reason ?? null,
    since: (row?.since ?? new Date()).toISOString(),
    callId: row?.call_id ?? null,
    wrapUntil: row?.wrap_until?.toISOString() ?? null,
  };
}

/**
 * What an agent may set themselves: available, break (with a reason) or offline. Ringing, on_call and
 * wrap_up are the platform's; from wrap_up an agent may go available or on break early.
 */
export async function setOwnAgentState(
  ctx: AppContext,
  userId: string,
  input: { state: 'available' | 'break' | 'offline'; reason?: string; simulatorAnswer?: 'manual' | 'auto' },
) {
  const change = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('agent_states').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
    if (row && (row.state === 'ringing' || row.state === 'on_call')) {
      throw new AppError('CONFLICT', { messageKey: 'calls.error.agent_busy', params: { state: row.state } });
    }
    if (input.state === 'available') {
      const skills = await trx.selectFrom('user_skills').select('desk_code').where('user_id', '=', userId).execute();
      if (skills.length === 0) throw new AppError('CONFLICT', { messageKey: 'calls.error.no_skills' });
    }
    if (row?.state === input.state && row.reason === (input.reason ?? null)) return undefined;
    return changeAgentState(trx, userId, input.state, { reason: input.state === 'break' ? (input.reason ?? 'break') : null, resetIdle: input.state === 'available' && row?.state !== 'wrap_up' });
  });
  if (input.state === 'available' && ctx.ports.softphones) {
    // Simulator mode: the agent's softphone is the simulator's handset; by default it rings until answered.
    await ctx.ports.softphones.register(agentIdentity(userId), { answer: input.simulatorAnswer ?? 'manual' }).catch((e: unknown) => ctx.logger.warn({ err: e }, 'simulator handset not registered'));
  }
  if (change) {
    publishAgentState(ctx, change);
    publishQueueChanged(ctx);
    if (input.state === 'available') triggerRouting(ctx);
  }
  return getAgentState(ctx, userId);
}

export { publishCall };
