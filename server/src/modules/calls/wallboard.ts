/**
 * The supervisor's wallboard and the call measures, computed in SQL from the call records so they are exact:
 * 15秒接通率 = answered within 15 s of queueing / offered to the queue; 接通率 = answered / offered;
 * 平均等待 = mean wait of answered calls; 放弃率 = abandoned / offered. "Today" is the hotline's day.
 */
import { sql } from 'kysely';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';

export const WallboardSchema = z
  .object({
    at: z.string(),
    waiting: z.number(),
    longestWaitSeconds: z.number(),
    waitingByDesk: z.record(z.string(), z.number()),
    agentsByState: z.record(z.string(), z.number()),
    agents: z.array(z.object({ userId: z.string(), displayName: z.string(), state: z.string(), reason: z.string().nullable(), sinceSeconds: z.number() })),
    today: z.object({
      offered: z.number(),
      answered: z.number(),
      abandoned: z.number(),
      answeredWithin15s: z.number(),
      serviceLevel15s: z.number().nullable(),
      answerRate: z.number().nullable(),
      abandonRate: z.number().nullable(),
      averageWaitSeconds: z.number().nullable(),
      averageTalkSeconds: z.number().nullable(),
    }),
  })
  .meta({ id: 'Wallboard' });
export type Wallboard = z.infer<typeof WallboardSchema>;

/** Start of today in the hotline's time zone. */
function startOfToday(timezone: string, now = new Date()): Date {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  // The offset of the zone at this moment, to turn local midnight into an instant.
  const local = new Date(now.toLocaleString('en-US', { timeZone: timezone }));
  const offsetMs = local.getTime() - new Date(now.toLocaleString('en-US', { timeZone: 'UTC' })).getTime();
  return new Date(new Date(`${parts}T00:00:00Z`).getTime() - offsetMs);
}

/** Measures over inbound calls offered since `from` (counts only calls that reached the queue as offered). */
export async function measureCalls(ctx: AppContext, from: Date, to = new Date()) {
  const row = await sql<{
    offered: number;
    answered: number;
    abandoned: number;
    within15: number;
    avg_wait: string | null;
    avg_talk: string | null;
  }>`
    select count(*) filter (where queued_at is not null)::int as offered,
           count(*) filter (where answered_at is not null)::int as answered,
           -- Abandoned in the queue: a caller who hung up at the voicemail prompt without ever queueing is not
           -- counted against the offered calls (it would push the rate past what the queue lost).
           count(*) filter (where outcome = 'abandoned' and queued_at is not null)::int as abandoned,
           count(*) filter (where answered_at is not null and answered_at - queued_at <= interval '15 seconds')::int as within15,
           avg(wait_seconds) filter (where answered_at is not null) as avg_wait,
           avg(talk_seconds) filter (where talk_seconds is not null) as avg_talk
      from calls
     where direction = 'inbound' and offered_at >= ${from} and offered_at < ${to}
  `.execute(ctx.db);
  const r = row.rows[0]!;
  const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10000) / 10000);
  return {
    offered: r.offered,
    answered: r.answered,
    abandoned: r.abandoned,
    answeredWithin15s: r.within15,
    serviceLevel15s: ratio(r.within15, r.offered),
    answerRate: ratio(r.answered, r.offered),
    abandonRate: ratio(r.abandoned, r.offered),
    averageWaitSeconds: r.avg_wait === null ? null : Math.round(Number(r.avg_wait) * 10) / 10,
    averageTalkSeconds: r.avg_talk === null ? null : Math.round(Number(r.avg_talk) * 10) / 10,
  };
}

export async function buildWallboard(ctx: AppContext): Promise<Wallboard> {
  const now = new Date();
  const waiting = await ctx.db
    .selectFrom('calls')
    .select(['desk', sql<number>`count(*)::int`.as('n'), sql<Date>`min(queued_at)`.as('oldest')])
    .where('status', '=', 'queued')
    .groupBy('desk')
    .execute();
  const agents = await ctx.db
    .selectFrom('agent_states')
    .innerJoin('users', 'users.id', 'agent_states.user_id')
    .select(['agent_states.user_id', 'users.display_name', 'agent_states.state', 'agent_states.reason', 'agent_states.since'])
    .where('agent_states.state', '!=', 'offline')
    .orderBy('users.display_name')
    .execute();
  const oldest = waiting.reduce<Date | null>((min, w) => (w.oldest && (!min || new Date(w.oldest) < min) ? new Date(w.oldest) : min), null);
  const agentsByState: Record<string, number> = { available: 0, ringing: 0, on_call: 0, wrap_up: 0, break: 0 };
  for (const a of agents) agentsByState[a.state] = (agentsByState[a.state] ?? 0) + 1;
  return {
    at: now.toISOString(),
    waiting: waiting.reduce((n, w) => n + w.n, 0),
    longestWaitSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : 0,
    waitingByDesk: Object.fromEntries(waiting.map((w) => [w.desk ?? 'general', w.n])),
    agentsByState,
    agents: agents.map((a) => ({
      userId: a.user_id,
      displayName: a.display_name,
      state: a.state,
      reason: a.reason,
      sinceSeconds: Math.max(0, Math.round((now.getTime() - a.since.getTime()) / 1000)),
    })),
    today: await measureCalls(ctx, startOfToday(ctx.config.timezone, now), new Date(now.getTime() + 1000)),
  };
}
