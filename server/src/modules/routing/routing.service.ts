/**
 * ACD: agent states and the assignment of waiting calls to agents.
 *
 * Assignment is exact across server processes: one statement (`routing_reserve_calls`, migration 0015) selects
 * the longest-idle available agent with the call's desk skill `FOR UPDATE SKIP LOCKED`, locks the call the same
 * way, and reserves both (agent → ringing, call → offering, one ringing offer). Unique indexes on live calls and
 * ringing offers per agent make a double assignment impossible even for code that forgets the locks. The
 * carrier is called after commit; if it fails, the reservation is undone and the call waits for the next
 * attempt, keeping its place.
 *
 * When routing runs, and why it is fast:
 * - In the transaction that frees an agent (sign-in, end of a call with no wrap-up time, end of wrap-up) or
 *   queues a call (the IVR's enqueue), the next pair is reserved at once, by the same statement that makes the
 *   agent available (`freeAgent`) or stamps the call's place in line (`offerNextCallInTransaction`): no round
 *   trip, which a busy event loop makes long, separates the two (migration 0017). The offer is rung after the
 *   commit: PostgreSQL delivers the statement's NOTIFY then, and one process's listener claims and dials it.
 * - An agent whose leg of a call ends is off that call at once (`releaseAgentFromCall`), even while the call is
 *   live for the caller (their final status still on its way, or the post-call rating): they are freed and
 *   offered the next call then, not after the caller's status and a routing pass.
 * - After commit, events (call queued, agent available, offer ended, wrap-up ended) trigger a pass that
 *   catches everything else; passes in one process coalesce.
 * - Passes and claims use the listener's own connection, so they do not queue behind webhooks for the pool.
 * - A sweep job catches timeouts, overflow and anything a lost notification left behind.
 */
import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { AppContext } from '../../context.ts';
import { systemActor, type UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { startListener } from '../../platform/db/listen.ts';
import { addJob } from '../../platform/jobs.ts';
import { AppError } from '../../platform/errors.ts';
import type { AgentStateName } from '../../schema.ts';
import { addCallEvent, lockCall, updateCall, type CallRow } from '../calls/calls.repository.ts';
import { publishAgentState, publishCall, publishCallOffered, publishQueueChanged } from '../calls/calls.events.ts';
import { agentIdentity, conferenceName, voiceUrl } from '../telephony/telephony.urls.ts';
import { isWithinCallingHours } from './calling-hours.ts';
import { leaveWrapUp, recordUnselectedOnSignOff } from '../calls/wrap-up-codes.ts';

export type StateChange = { userId: string; from: AgentStateName | null; to: AgentStateName; reason: string | null; callId: string | null; at: Date };

/**
 * Moves an agent to a state and keeps the change (occupancy figures read agent_state_changes). `idle` resets
 * the longest-idle clock: an agent who just finished a call goes to the back of the line. The change is
 * stamped when it is made (after the agent's row is locked), like `agent_states.since`, not when the
 * surrounding transaction began: a webhook's transaction may wait for its call's row first, and the log
 * would otherwise show the agent free before they were.
 */
export async function changeAgentState(
  trx: Executor,
  userId: string,
  to: AgentStateName,
  options: { reason?: string | null; callId?: string | null; resetIdle?: boolean; wrapUntil?: Date | null } = {},
): Promise<StateChange> {
  const before = await trx.selectFrom('agent_states').select(['state']).where('user_id', '=', userId).forUpdate().executeTakeFirst();
  const now = new Date();
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
    .values({ user_id: userId, from_state: before?.state ?? null, to_state: to, reason: options.reason ?? null, call_id: options.callId ?? null, at: now })
    .execute();
  return { userId, from: before?.state ?? null, to, reason: options.reason ?? null, callId: options.callId ?? null, at: now };
}

export type Assignment = { callId: string; offerId: string; agentId: string; direction: 'inbound' | 'callback' };

/**
 * How many (call, agent) pairs one routing statement may reserve. The pass runs inside PostgreSQL, so a bigger
 * batch costs a fraction of a millisecond per pair, not three round trips.
 */
const BATCH = 50;

type ReservedRow = { call_id: string; offer_id: string; agent_id: string; direction: 'inbound' | 'callback'; from_state: AgentStateName | null; at: Date };

/** The seconds after which the safety-net job withdraws an offer whose "no answer" callback never came. */
function withdrawSeconds(ctx: AppContext): number {
  return ctx.config.calls.ringTimeoutSeconds + 10;
}

/**
 * Reserves up to `max` (call, agent) pairs in routing order (priority, then time queued; longest-idle agent
 * with the desk skill) in one statement, `routing_reserve_calls` (migration 0015): the agent and the call are
 * locked `FOR UPDATE SKIP LOCKED` and the offer, both states, the state log, the event and the withdraw job are
 * written before the statement ends, so passes in several processes never share an agent or a call. An empty
 * list when no pair can be made. Every pair's `offered_at` is the moment it was reserved.
 */
export async function assignWaitingCalls(ctx: AppContext, max = BATCH): Promise<Assignment[]> {
  const rows = await queryRouting<ReservedRow>(ctx, sql`
    select * from routing_reserve_calls(${max}::int, ${isWithinCallingHours(ctx)}::boolean, ${withdrawSeconds(ctx)}::int)
  `);
  for (const r of rows) publishAgentState(ctx, reservedChange(r));
  return rows.map(toAssignment);
}

function toAssignment(r: { call_id: string; offer_id: string; agent_id: string; direction: 'inbound' | 'callback' }): Assignment {
  return { callId: r.call_id, offerId: r.offer_id, agentId: r.agent_id, direction: r.direction };
}

function reservedChange(r: ReservedRow): StateChange {
  return { userId: r.agent_id, from: r.from_state, to: 'ringing', reason: null, callId: r.call_id, at: r.at };
}

/**
 * Offers the next waiting call inside the caller's transaction, right after it made an agent available or
 * queued a call (`enteredCallId`: a call entering the queue for the first time, whose place is stamped by the
 * same statement): the reservation is made the moment the agent is free, not after the commit, the
 * after-commit hooks and a routing pass. Same order and locks as a pass (the longest-idle free agent gets the
 * first call in line, which is usually the agent just freed). Nobody rings before the commit: the offer is `dial_pending`, and PostgreSQL
 * delivers its NOTIFY on commit (never after a rollback) to every process's routing listener, one of which
 * claims and dials it. A pair that cannot be reserved is left to the after-commit pass.
 */
export async function offerNextCallInTransaction(ctx: AppContext, trx: Executor, options: { enteredCallId?: string } = {}): Promise<number> {
  if (options.enteredCallId) {
    // A call entering the queue for the first time: its queued_at is stamped by the statement that offers it
    // (routing_queue_call, migration 0017), not round trips before.
    const { rows } = await sql<{ n: number }>`
      select routing_queue_call(${options.enteredCallId}::uuid, ${isWithinCallingHours(ctx)}::boolean, ${withdrawSeconds(ctx)}::int) as n
    `.execute(trx);
    return rows[0]?.n ?? 0;
  }
  const { rows } = await sql<ReservedRow>`
    select * from routing_reserve_calls(1, ${isWithinCallingHours(ctx)}::boolean, ${withdrawSeconds(ctx)}::int, true)
  `.execute(trx);
  return rows.length;
}

/**
 * Makes an agent available and reserves their next call (or the longest-idle free agent's) in the caller's
 * transaction, in one statement (`routing_free_agent`, migration 0017): the change is stamped and the offer
 * reserved with no round trip between them, so an agent is never free-but-unoffered while a call waits, even
 * when the event loop is slow to send the next statement. The offer is rung after the commit, as for
 * `offerNextCallInTransaction`. Returns the state change (its time is the database's clock).
 */
export async function freeAgent(ctx: AppContext, trx: Executor, userId: string, options: { resetIdle?: boolean } = {}): Promise<StateChange> {
  const { rows } = await sql<{ o_from_state: AgentStateName | null; o_at: Date }>`
    select * from routing_free_agent(${userId}::uuid, ${options.resetIdle ?? false}::boolean, ${isWithinCallingHours(ctx)}::boolean, ${withdrawSeconds(ctx)}::int)
  `.execute(trx);
  const row = rows[0]!;
  return { userId, from: row.o_from_state, to: 'available', reason: null, callId: null, at: row.o_at };
}

/**
 * The agent's leg of a live call has ended (they hung up, or the carrier tore the conference down before the
 * caller's final status came): they are off that call, so routing may offer them the next one now. The call
 * keeps `agent_id` (wrap-up, the console and the reports still attribute it to them); `agent_left_at` takes it
 * out of "one live call per agent" (migration 0017). Run before freeing the agent in the same transaction.
 */
export async function releaseAgentFromCall(trx: Executor, callId: string, agentId: string): Promise<void> {
  await trx
    .updateTable('calls')
    .set({ agent_left_at: new Date() })
    .where('id', '=', callId)
    .where('agent_id', '=', agentId)
    .where('status', 'in', ['offering', 'talking'])
    .where('agent_left_at', 'is', null)
    .execute();
}

/**
 * Each process's routing connection: the listener's own (see `startRoutingListener`), while it is up, with the
 * tail of its statements (one at a time: node-postgres no longer queues concurrent queries on a client).
 */
const routingConnections = new WeakMap<AppContext, { client: pg.Client; tail: Promise<unknown> }>();

/**
 * Runs a routing statement (a pass, a claim) on the process's routing connection when it is up, else on the
 * pool. A routing statement is one short autocommit statement, and it is what the next ring waits for: in a
 * burst of webhooks every pooled connection is taken and hundreds of queries queue for one, and a pass queued
 * behind them would wait with them. Passes and claims are coalesced, so one connection is all they need.
 */
async function queryRouting<R>(ctx: AppContext, query: RawBuilder<R>): Promise<R[]> {
  const connection = routingConnections.get(ctx);
  if (!connection) return (await query.execute(ctx.db)).rows;
  const compiled = query.compile(ctx.db);
  const result = connection.tail.then(() => connection.client.query(compiled.sql, [...compiled.parameters]));
  connection.tail = result.catch(() => undefined);
  return (await result).rows as R[];
}

type ClaimedRow = { call_id: string; offer_id: string; agent_id: string; direction: 'inbound' | 'callback'; offered_at: Date };

/**
 * Dials the offers reserved inside other transactions (`offerNextCallInTransaction`) that have committed and
 * that no process has claimed yet; each is claimed by exactly one process. A process without a carrier
 * connection leaves them to one that has one (or to the withdraw job).
 */
export async function dialPendingOffers(ctx: AppContext): Promise<number> {
  if (!ctx.ports.telephony) return 0;
  const rows = await queryRouting<ClaimedRow>(ctx, sql`
    select c.call_id, c.offer_id, c.agent_id, c.direction, o.offered_at
      from routing_claim_dials(${BATCH}::int) c join call_offers o on o.id = c.offer_id
  `);
  for (const r of rows) {
    // The agent left `available` for `ringing` when the offer was reserved; consoles hear it now, after commit.
    publishAgentState(ctx, { userId: r.agent_id, from: 'available', to: 'ringing', reason: null, callId: r.call_id, at: r.offered_at });
    void startOffer(ctx, toAssignment(r));
  }
  if (rows.length) publishQueueChanged(ctx);
  return rows.length;
}

const dialing = new WeakMap<AppContext, { running: boolean; again: boolean }>();

/** `dialPendingOffers` once per burst of notifications: one claim statement serves every offer committed meanwhile. */
function scheduleDialing(ctx: AppContext): void {
  const state = dialing.get(ctx) ?? { running: false, again: false };
  dialing.set(ctx, state);
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  void (async () => {
    try {
      do {
        state.again = false;
        while ((await dialPendingOffers(ctx)) >= BATCH);
      } while (state.again);
    } catch (error) {
      ctx.logger.error({ err: error }, 'dialling reserved offers failed; the sweep will try again');
    } finally {
      state.running = false;
    }
  })();
}

/** The channel `routing_reserve_calls` notifies (migration 0015). */
const DIAL_CHANNEL = 'routing_dial';

/**
 * Listens on `routing_dial` on a dedicated connection (LISTEN cannot share a pooled one) and dials the offers
 * reserved inside other transactions as soon as they commit. The same connection carries this process's
 * routing passes and claims (`queryRouting`). Reconnects with a growing pause; after a reconnect it claims
 * whatever was reserved meanwhile (the sweep does too). Returns the stop function.
 */
export async function startRoutingListener(ctx: AppContext, databaseUrl: string): Promise<() => Promise<void>> {
  return startListener({
    databaseUrl,
    channel: DIAL_CHANNEL,
    applicationName: LISTENER_NAME,
    logger: ctx.logger,
    label: 'routing listener',
    onNotification: () => scheduleDialing(ctx),
    onConnected: (client, isReconnect) => {
      routingConnections.set(ctx, { client, tail: Promise.resolve() });
      if (isReconnect) scheduleDialing(ctx);
    },
    onDisconnected: (client) => {
      if (routingConnections.get(ctx)?.client === client) routingConnections.delete(ctx);
    },
  });
}

export const LISTENER_NAME = 'hotline-12345-routing-listener';

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
        made += assignments.length;
        for (const assignment of assignments) void startOffer(ctx, assignment);
        // A short batch means the pass ran out of calls or free agents; a change after it triggers again.
        if (assignments.length < BATCH) break;
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
      // The call's row before the offer's, the order every other use case locks them in (endOffer, accepting,
      // signing out): the other order could deadlock with an offer ended while its dial was being stored.
      if (conferenceSid) await trx.updateTable('calls').set({ conference_sid: conferenceSid }).where('id', '=', a.callId).where('conference_sid', 'is', null).execute();
      await trx.updateTable('call_offers').set({ leg_sid: legSid }).where('id', '=', a.offerId).execute();
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
    const requeued = await closeRingingOffer(trx, call, { id: offerId, agentId: offer.agent_id }, status, options.reason ?? null);
    const agentState = await trx.selectFrom('agent_states').select(['state', 'call_id']).where('user_id', '=', offer.agent_id).executeTakeFirst();
    let change: StateChange | undefined;
    if (agentState?.state === 'ringing' && agentState.call_id === offer.call_id) {
      change =
        status === 'no_answer'
          ? await changeAgentState(trx, offer.agent_id, 'break', { reason: 'ring_no_answer' })
          : await changeAgentState(trx, offer.agent_id, 'available', { resetIdle: status === 'declined' });
    }
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

/**
 * Closes a ringing offer with `status` in the caller's transaction (its call locked first): the call goes back
 * in line with its original queued_at, or, for a consult (warm transfer) the target did not take, stays with
 * the first agent; the call logs `offer_<status>`. True when the call went back to the queue. The offer's
 * agent is the caller's to move (endOffer: break or available; signing out: offline).
 */
async function closeRingingOffer(
  trx: Executor,
  call: CallRow | undefined,
  offer: { id: string; agentId: string },
  status: 'no_answer' | 'declined' | 'failed' | 'canceled',
  reason: string | null,
): Promise<boolean> {
  await trx.updateTable('call_offers').set({ status, ended_at: new Date(), reason, dial_pending: false }).where('id', '=', offer.id).execute();
  let requeued = false;
  if (call && call.status === 'offering' && call.agent_id === offer.agentId) {
    await updateCall(trx, call.id, {
      status: 'queued',
      agent_id: null,
      ...(status === 'failed' ? { offer_failures: call.offer_failures + 1 } : {}),
    });
    requeued = true;
  } else if (call && call.status === 'talking' && call.target_agent_id === offer.agentId) {
    await updateCall(trx, call.id, { target_agent_id: null });
  }
  if (call) await addCallEvent(trx, call.id, `offer_${status}`, { agentId: offer.agentId, offerId: offer.id, reason });
  return requeued;
}

/** Ends an agent's wrap-up when its time is up (or at once when the agent says so). */
export async function finishWrapUp(ctx: AppContext, userId: string, options: { early?: boolean } = {}): Promise<boolean> {
  const change = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('agent_states').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
    if (!row || row.state !== 'wrap_up') return undefined;
    if (!options.early && row.wrap_until && row.wrap_until.getTime() > Date.now() + 50) return undefined;
    return freeAgent(ctx, trx, userId);
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
  if (seconds <= 0) return freeAgent(ctx, trx, userId, { resetIdle: true });
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
  // Offers reserved inside a transaction whose notification this process's listener missed (a reconnect).
  await dialPendingOffers(ctx);
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
  actor: UserActor,
  input: { state: 'available' | 'break' | 'offline'; reason?: string; simulatorAnswer?: 'manual' | 'auto' },
) {
  const userId = actor.id;
  // Simulator mode: the agent's softphone is the simulator's handset (by default it rings until answered). It
  // is set up while the state is checked, and before the agent is free: a call reserved then rings at once.
  const registering =
    input.state === 'available' && ctx.ports.softphones
      ? ctx.ports.softphones.register(agentIdentity(userId), { answer: input.simulatorAnswer ?? 'manual' }).catch((e: unknown) => ctx.logger.warn({ err: e }, 'simulator handset not registered'))
      : undefined;
  const change = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('agent_states').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
    if (row && (row.state === 'ringing' || row.state === 'on_call')) {
      throw new AppError('CONFLICT', { messageKey: 'calls.error.agent_busy', params: { state: row.state } });
    }
    // Leaving wrap-up by hand needs the call's wrap-up code; signing off is allowed and records 未选择 (calls/wrap-up-codes.ts).
    if (row?.state === 'wrap_up') await leaveWrapUp(trx, actor, row.call_id, input.state);
    if (input.state === 'available') {
      const skills = await trx.selectFrom('user_skills').select('desk_code').where('user_id', '=', userId).execute();
      if (skills.length === 0) throw new AppError('CONFLICT', { messageKey: 'calls.error.no_skills' });
    }
    if (row?.state === input.state && row.reason === (input.reason ?? null)) return undefined;
    if (input.state !== 'available') return changeAgentState(trx, userId, input.state, { reason: input.state === 'break' ? (input.reason ?? 'break') : null });
    // The handset is ready before the agent counts as free; then the change and the offer are one statement.
    await registering;
    return freeAgent(ctx, trx, userId, { resetIdle: row?.state !== 'wrap_up' });
  });
  await registering;
  if (change) {
    publishAgentState(ctx, change);
    publishQueueChanged(ctx);
    if (input.state === 'available') triggerRouting(ctx);
  }
  return getAgentState(ctx, userId);
}

/**
 * A sign-in ended (the agent signed out, an admin disabled the account or changed its password, a replayed
 * refresh token revoked it): nobody is at the desk, so the agent leaves the queue in that transaction. This is
 * auth's session-end hook, registered in modules/registry.ts (auth is part of the spine and does not import
 * routing). From
 * - available or break: offline;
 * - wrap-up: offline, 未选择 on the call when no code was chosen (the state switcher's sign-off rule);
 * - ringing: the offer is given up as a decline, the call goes back to the queue keeping its place and is
 *   offered to the next free agent in this transaction (rung after the commit); then offline;
 * - on a call: offline at once, and the call is not touched: the caller stays with the agent until one of them
 *   hangs up. No wrap-up follows the call (only agents still `on_call` get one when it ends), so the agent stays
 *   signed off; 未选择 is recorded now, unless they chose a code, since they cannot choose one signed out.
 * Logged in agent_state_changes with the session's end as the reason. Undefined when already offline.
 */
export async function signOffAgent(
  ctx: AppContext,
  trx: Executor,
  ended: { userId: string; reason: string; actor: Parameters<typeof recordUnselectedOnSignOff>[1] },
): Promise<{ audit: Record<string, unknown>; afterCommit: () => Promise<void> } | undefined> {
  const { userId, reason } = ended;
  // The agent's call is locked first, as endOffer and acceptOffer do, so a sign-out racing an answer or a ring
  // timeout waits for it instead of deadlocking; the agent is read again under its lock.
  const seen = await trx.selectFrom('agent_states').select(['state', 'call_id']).where('user_id', '=', userId).executeTakeFirst();
  if (!seen || seen.state === 'offline') return undefined;
  let call = seen.call_id ? await lockCall(trx, seen.call_id) : undefined;
  const row = await trx.selectFrom('agent_states').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirstOrThrow();
  if (row.state === 'offline') return undefined;
  if (row.call_id && row.call_id !== call?.id) {
    // Reserved for another call meanwhile: waiting for that call with the agent locked could deadlock, so it is
    // taken only when free; otherwise whoever holds it finds the agent offline (a ring timeout requeues the call).
    call = await trx.selectFrom('calls').selectAll().where('id', '=', row.call_id).forUpdate().skipLocked().executeTakeFirst();
  }
  let declined: { offerId: string; callId: string; legSid: string | null } | undefined;
  if (row.state === 'ringing' && call) {
    const offer = await trx.selectFrom('call_offers').select(['id', 'leg_sid']).where('call_id', '=', call.id).where('agent_id', '=', userId).where('status', '=', 'ringing').forUpdate().executeTakeFirst();
    if (offer) {
      // Given up as a decline, as endOffer would: back in line with its queued_at, or a consult the first agent keeps.
      await closeRingingOffer(trx, call, { id: offer.id, agentId: userId }, 'declined', reason);
      declined = { offerId: offer.id, callId: call.id, legSid: offer.leg_sid };
    }
  }
  if (row.state === 'wrap_up' || (row.state === 'on_call' && call?.agent_id === userId)) {
    await recordUnselectedOnSignOff(trx, ended.actor, row.call_id, { agentId: userId, reason });
  }
  const change = await changeAgentState(trx, userId, 'offline', { reason, callId: row.state === 'on_call' ? row.call_id : null });
  if (declined) await offerNextCallInTransaction(ctx, trx);
  return {
    audit: { agentState: { from: row.state, to: 'offline', callId: row.call_id } },
    afterCommit: async () => {
      publishAgentState(ctx, change);
      publishQueueChanged(ctx);
      if (!declined) return;
      ctx.publish.toUser(userId, 'call.offer_ended', { offerId: declined.offerId, callId: declined.callId, status: 'declined' });
      triggerRouting(ctx);
      if (declined.legSid) await ctx.ports.telephony?.hangupCall(declined.legSid);
    },
  };
}

/**
 * Every console of the agent has been closed for the grace period (calls.consoleGraceSeconds): nobody is at
 * the desk, so the agent leaves the phone queue as at a sign-out (signOffAgent: a ringing call goes to the next
 * agent keeping its place, a call in progress goes on), with `console_closed` as the reason and an audit row,
 * in one transaction. The sign-in stays valid: the console, opened again, shows the agent offline.
 */
export async function signOffAgentWhoLeft(ctx: AppContext, agent: Pick<UserActor, 'id'>): Promise<void> {
  const routing = systemActor('routing');
  const ended = await ctx.db.transaction().execute(async (trx) => {
    const signedOff = await signOffAgent(ctx, trx, { userId: agent.id, reason: 'console_closed', actor: routing });
    if (signedOff) {
      await recordAudit(trx, routing, { action: 'agent.consoles_closed', entity: 'user', entityId: agent.id, data: signedOff.audit });
    }
    return signedOff;
  });
  await ended?.afterCommit();
}

export { publishCall };
