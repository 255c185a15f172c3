/**
 * Socket events of calls and routing, sent after commit. Names are the past-tense domain events; payloads are
 * the presenters' JSON. Rooms: the agent's own user room, and the `agent`/`supervisor`/`admin` role rooms.
 */
import type { AppContext } from '../../context.ts';
import { presentCall, presentCallerTicket, presentEarlierCall, type PresentedCallRow } from './calls.presenter.ts';
import { findCall, listCallerTickets, listEarlierCalls, type CallRow } from './calls.repository.ts';
import { buildWallboard } from './wallboard.ts';

const SUPERVISING_ROLES = ['supervisor', 'admin'];

/** `call.offered` to the agent whose softphone rings: the call, and the screen pop (earlier calls, tickets). */
export async function publishCallOffered(ctx: AppContext, agentId: string, callId: string, offerId: string): Promise<void> {
  const call = await findCall(ctx.db, callId);
  if (!call) return;
  const [earlier, tickets] = await Promise.all([listEarlierCalls(ctx.db, call.caller_hash, call.id), listCallerTickets(ctx.db, call.caller_hash)]);
  ctx.publish.toUser(agentId, 'call.offered', {
    offerId,
    ringTimeoutSeconds: ctx.config.calls.ringTimeoutSeconds,
    call: presentCall(call),
    screenPop: { repeatCaller: call.repeat_caller, earlierCalls: earlier.map(presentEarlierCall), tickets: tickets.map(presentCallerTicket) },
  });
}

/** `call.answered`, `call.ended`, `call.updated` (hold, transfer …) to the agent and supervisors. */
export function publishCall(ctx: AppContext, event: 'call.answered' | 'call.ended' | 'call.updated', call: PresentedCallRow, agentId = call.agent_id ?? call.answered_by): void {
  const payload = { call: presentCall(call) };
  if (agentId) ctx.publish.toUser(agentId, event, payload);
  for (const role of SUPERVISING_ROLES) ctx.publish.toRole(role, event, payload);
}

/** `agent.state_changed` to the agent (all their tabs) and supervisors. */
export function publishAgentState(ctx: AppContext, change: { userId: string; from: string | null; to: string; reason: string | null; callId: string | null; at: Date }): void {
  const payload = { userId: change.userId, from: change.from, state: change.to, reason: change.reason, callId: change.callId, at: change.at.toISOString() };
  ctx.publish.toUser(change.userId, 'agent.state_changed', payload);
  for (const role of SUPERVISING_ROLES) ctx.publish.toRole(role, 'agent.state_changed', payload);
}

const pending = new WeakMap<AppContext, NodeJS.Timeout>();

/**
 * `queue.changed` (to agents and supervisors) and `wallboard.updated` (to supervisors), coalesced to at most
 * one pair per 500 ms per process: a burst of calls must not turn into a burst of wallboard queries.
 */
export function publishQueueChanged(ctx: AppContext): void {
  if (pending.has(ctx)) return;
  const timer = setTimeout(() => {
    pending.delete(ctx);
    // The board is three queries (today's measures among them): not built when no console could receive it.
    if (!['agent', ...SUPERVISING_ROLES].some((role) => ctx.publish.canReachRole(role))) return;
    void buildWallboard(ctx).then(
      (board) => {
        const queue = { waiting: board.waiting, longestWaitSeconds: board.longestWaitSeconds, waitingByDesk: board.waitingByDesk, at: board.at };
        for (const role of ['agent', ...SUPERVISING_ROLES]) ctx.publish.toRole(role, 'queue.changed', queue);
        for (const role of SUPERVISING_ROLES) ctx.publish.toRole(role, 'wallboard.updated', board);
      },
      (error: unknown) => ctx.logger.warn({ err: error }, 'wallboard update failed'),
    );
  }, 500);
  timer.unref();
  pending.set(ctx, timer);
}
