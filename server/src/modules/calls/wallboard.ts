/**
 * The supervisor's wallboard: the queue and agents now (each agent's state, and on their live call whether the
 * caller is on hold and since when, and whether the agent is muted; hold and mute changes push the board), and
 * today's call measures (15秒接通率, 接通率, 平均等待,
 * 放弃率, 平均通话) exactly as the reports module defines them (modules/reports/measures.ts, one definition
 * each; short abandons are left out). "Today" is the hotline's day.
 */
import { sql } from 'kysely';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { computeMeasures } from '../reports/reports.service.ts';

export const WallboardSchema = z
  .object({
    at: z.string(),
    waiting: z.number(),
    longestWaitSeconds: z.number(),
    waitingByDesk: z.record(z.string(), z.number()),
    agentsByState: z.record(z.string(), z.number()),
    agents: z.array(
      z.object({
        userId: z.string(),
        displayName: z.string(),
        state: z.string(),
        reason: z.string().nullable(),
        sinceSeconds: z.number(),
        /** The agent's live call: its caller on hold (and for how long), the agent's microphone muted. */
        callId: z.string().nullable(),
        onHold: z.boolean(),
        holdSeconds: z.number(),
        muted: z.boolean(),
      }),
    ),

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

/** The call measures the wallboard shows, by their keys in the reports module. */
const wallboardMeasures = ['serviceLevel', 'answerRate', 'abandonRate', 'averageWait', 'averageTalk'] as const;

/**
 * The call measures over calls offered in [from, to), from the reports module's definitions (measures.ts):
 * the wallboard and the reports page cannot disagree. Offered = calls that reached the queue less short
 * abandons (the `answerRate` denominator), answered / abandoned / answered within 15 s = the numerators of
 * `answerRate` / `abandonRate` / `serviceLevel`. Finished hours of today come from the hour rollups, so
 * only the hour under way is counted live (the wallboard refreshes on every queue change).
 */
export async function measureCalls(ctx: AppContext, from: Date, to = new Date()) {
  const now = new Date();
  const period = { from, to, asOf: to < now ? to : now };
  const f = await computeMeasures(ctx, { kind: 'all' }, period, { only: wallboardMeasures });
  const figure = (key: (typeof wallboardMeasures)[number]) => f[key]!;
  return {
    offered: figure('answerRate').denominator,
    answered: figure('answerRate').numerator,
    abandoned: figure('abandonRate').numerator,
    answeredWithin15s: figure('serviceLevel').numerator,
    serviceLevel15s: figure('serviceLevel').value,
    answerRate: figure('answerRate').value,
    abandonRate: figure('abandonRate').value,
    averageWaitSeconds: figure('averageWait').value,
    averageTalkSeconds: figure('averageTalk').value,
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
    // Hold and mute belong to the agent who has the call: a colleague rung for a consult is not "on hold".
    .leftJoin('calls', (join) => join.onRef('calls.id', '=', 'agent_states.call_id').onRef('calls.agent_id', '=', 'agent_states.user_id').on('calls.status', '=', 'talking'))
    .select(['agent_states.user_id', 'users.display_name', 'agent_states.state', 'agent_states.reason', 'agent_states.since', 'calls.id as call_id', 'calls.held_since', 'calls.agent_muted'])
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
      callId: a.call_id,
      onHold: a.held_since !== null,
      holdSeconds: a.held_since ? Math.max(0, Math.round((now.getTime() - a.held_since.getTime()) / 1000)) : 0,
      muted: a.agent_muted === true,
    })),

    today: await measureCalls(ctx, startOfToday(ctx.config.timezone, now), new Date(now.getTime() + 1000)),
  };
}
