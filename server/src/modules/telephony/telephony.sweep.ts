/**
 * The vanished-call sweep. A call ends when the carrier's final status callback arrives; when the carrier
 * loses that callback (Twilio gives up after its retries, a network split), the call would stay queued,
 * offering or talking for ever — on the wallboard, in the queue, and holding its agent. So, periodically,
 * calls open longer than `calls.staleCallSeconds` are checked with the carrier (the telephony port's
 * `fetchCallStatus`, i.e. Twilio's `calls(sid).fetch()`), and those the carrier says have ended are ended
 * through the very path a status callback takes (`handleCallerStatus`, `handleCalleeStatus`,
 * `handleAgentLeg`), claimed on the same (CallSid, event) key: a callback arriving late replays, never
 * doubles. The end time is then set to the carrier's, so wait and talk seconds stay exact.
 *
 * Safe in several processes at once: a batch is claimed by stamping `carrier_checked_at` under
 * `FOR UPDATE SKIP LOCKED`, so two sweeps ask about different calls.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { addCallEvent, lockCall, updateCall } from '../calls/calls.repository.ts';
import { handleAgentLeg, handleCalleeStatus, handleCallerStatus } from './telephony.service.ts';

const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
/** Carrier requests in flight at once during a sweep. */
const ASK_AT_ONCE = 8;

/** Runs `fn` over `items`, at most `size` at a time, keeping the order of the results. */
async function inChunks<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}
/** Calls asked about per sweep: bounded, so a backlog is worked off over several sweeps. */
const BATCH = 50;

export type VanishedSweepResult = { checked: number; ended: number; agentLegsEnded: number; failures: number };

/** What the carrier says about one leg, or null when it could not be asked (tried again next sweep). */
async function askCarrier(ctx: AppContext, sid: string): Promise<{ status: string; endedAt: Date | null } | null> {
  try {
    // A leg the carrier does not know at all is not live: treat it as completed.
    return (await ctx.ports.telephony!.fetchCallStatus(sid)) ?? { status: 'completed', endedAt: null };
  } catch (error) {
    ctx.logger.warn({ err: error, callSid: sid }, 'carrier status of an open call could not be fetched');
    return null;
  }
}

/**
 * Checks the open calls not heard of for longest and ends those the carrier says have ended; then the same for
 * answered agent legs whose end never arrived (their agent would stay on a call for ever).
 */
export async function sweepVanishedCalls(ctx: AppContext, options: { limit?: number } = {}): Promise<VanishedSweepResult> {
  const result: VanishedSweepResult = { checked: 0, ended: 0, agentLegsEnded: 0, failures: 0 };
  if (!ctx.ports.telephony) return result;
  const limit = options.limit ?? BATCH;
  const staleBefore = new Date(Date.now() - ctx.config.calls.staleCallSeconds * 1000);

  const batch = await ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; call_sid: string; direction: 'inbound' | 'callback' }>`
      select id, call_sid, direction from calls
       where status in ('ivr', 'queued', 'offering', 'talking', 'voicemail')
         and call_sid is not null
         -- A caller who asked for a callback has hung up on purpose: the entry waits without a live leg.
         and not (callback_requested and status in ('queued', 'offering'))
         and coalesce(carrier_checked_at, offered_at) < ${staleBefore}
       order by coalesce(carrier_checked_at, offered_at)
       limit ${limit}
         for update skip locked
    `.execute(trx);
    if (rows.length) await trx.updateTable('calls').set({ carrier_checked_at: new Date() }).where('id', 'in', rows.map((r) => r.id)).execute();
    return rows;
  });

  // The carrier is asked a few calls at a time (a REST round trip each); the ends are then applied in order.
  const answers = await inChunks(batch, ASK_AT_ONCE, (call) => askCarrier(ctx, call.call_sid));
  for (const [i, call] of batch.entries()) {
    const carrier = answers[i] ?? null;
    result.checked += 1;
    if (!carrier) {
      result.failures += 1;
      continue;
    }
    if (!FINAL.has(carrier.status)) continue;
    try {
      if (call.direction === 'callback') await handleCalleeStatus(ctx, { callId: call.id, legSid: call.call_sid, status: carrier.status });
      else await handleCallerStatus(ctx, { callSid: call.call_sid, status: carrier.status });
      if (await settleVanishedCall(ctx, call.id, carrier)) result.ended += 1;
    } catch (error) {
      // One call's failure must not stop the batch; it is asked about again next sweep.
      ctx.logger.warn({ err: error, callId: call.id }, 'vanished call could not be closed');
      result.failures += 1;
    }
  }

  const legs = await ctx.db
    .selectFrom('call_offers')
    .select(['id', 'leg_sid'])
    .where('status', '=', 'accepted')
    .where('leg_sid', 'is not', null)
    .where('answered_at', '<', staleBefore)
    .orderBy('answered_at')
    .limit(limit)
    .execute();
  const legAnswers = await inChunks(legs, ASK_AT_ONCE, (leg) => askCarrier(ctx, leg.leg_sid!));
  for (const [i, leg] of legs.entries()) {
    const carrier = legAnswers[i] ?? null;
    if (!carrier) {
      result.failures += 1;
      continue;
    }
    if (!FINAL.has(carrier.status)) continue;
    try {
      await handleAgentLeg(ctx, { offerId: leg.id, legSid: leg.leg_sid!, status: carrier.status });
      result.agentLegsEnded += 1;
    } catch (error) {
      ctx.logger.warn({ err: error, offerId: leg.id }, 'vanished agent leg could not be closed');
      result.failures += 1;
    }
  }
  if (result.ended || result.agentLegsEnded) ctx.logger.info(result, 'vanished calls closed from the carrier status');
  return result;
}

/**
 * After the status path ended a call for the sweep: notes why on the call, and moves the end back to when the
 * carrier says it happened (the path stamps "now", which would count the lost time as talk or wait).
 * Returns whether the call is ended.
 */
async function settleVanishedCall(ctx: AppContext, callId: string, carrier: { status: string; endedAt: Date | null }): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, callId);
    if (!call || call.status !== 'ended' || !call.ended_at) return false;
    const already = await trx.selectFrom('call_events').select('id').where('call_id', '=', callId).where('kind', '=', 'closed_by_carrier_check').executeTakeFirst();
    if (already) return true;
    // Trusted only when plausible: before the recorded end, after the call began, on a real clock.
    const began = call.answered_at ?? call.queued_at ?? call.offered_at;
    const endedAt = carrier.endedAt && carrierClockIsReal(ctx) && carrier.endedAt < call.ended_at && carrier.endedAt >= began ? carrier.endedAt : null;
    if (endedAt) {
      const seconds = (from: Date | null) => (from ? Math.max(0, (endedAt.getTime() - from.getTime()) / 1000) : null);
      await updateCall(trx, callId, {
        ended_at: endedAt,
        ...(call.talk_seconds !== null && call.answered_at ? { talk_seconds: seconds(call.answered_at) } : {}),
        ...(call.abandoned_at ? { abandoned_at: endedAt, wait_seconds: seconds(call.queued_at) } : {}),
      });
    }
    await addCallEvent(trx, callId, 'closed_by_carrier_check', { carrierStatus: carrier.status, carrierEndedAt: carrier.endedAt?.toISOString() ?? null, recordedEndedAt: call.ended_at.toISOString() });
    return true;
  });
}

/** A simulator running faster than real time (SIM_TIME_SCALE) reports simulated times, not ours. */
function carrierClockIsReal(ctx: AppContext): boolean {
  const telephony = ctx.config.telephony;
  return telephony.mode === 'twilio' || (telephony.timeScale ?? 1) === 1;
}

const lastRun = new WeakMap<AppContext, number>();

/**
 * Runs the sweep when it is due in this process (from the routing sweep job, which runs every few seconds):
 * at most every half `staleCallSeconds`, and never more than once a minute beyond that.
 */
export async function sweepVanishedCallsWhenDue(ctx: AppContext): Promise<VanishedSweepResult | undefined> {
  const every = Math.min(60, Math.max(ctx.config.calls.sweepSeconds, ctx.config.calls.staleCallSeconds / 2)) * 1000;
  const last = lastRun.get(ctx) ?? 0;
  if (Date.now() - last < every) return undefined;
  lastRun.set(ctx, Date.now());
  return sweepVanishedCalls(ctx);
}
