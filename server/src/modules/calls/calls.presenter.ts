/** Call rows → JSON for the console, shared by HTTP responses and socket events. Never the clear number. */
import * as z from 'zod';
import type { CallRow } from './calls.repository.ts';

export const CallSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'callback']),
    status: z.enum(['ivr', 'queued', 'offering', 'talking', 'voicemail', 'ended']),
    outcome: z.string().nullable(),
    callerMasked: z.string(),
    repeatCaller: z.boolean(),
    desk: z.string().nullable(),
    priority: z.number(),
    language: z.string(),
    callbackRequested: z.boolean(),
    agentId: z.string().nullable(),
    answeredBy: z.string().nullable(),
    offeredAt: z.string(),
    queuedAt: z.string().nullable(),
    answeredAt: z.string().nullable(),
    abandonedAt: z.string().nullable(),
    transferredAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    waitSeconds: z.number().nullable(),
    talkSeconds: z.number().nullable(),
    wrapUpCode: z.string().nullable(),
    /** The caller is on hold now (since heldSince); holdSeconds counts finished holds and the one under way. */
    onHold: z.boolean(),
    heldSince: z.string().nullable(),
    holdSeconds: z.number(),
    agentMuted: z.boolean(),
    transferTarget: z.string().nullable(),
    transcript: z.string().nullable(),
  })
  .meta({ id: 'Call' });
export type CallJson = z.infer<typeof CallSchema>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const num = (v: string | null) => (v === null ? null : Number(v));

/** Seconds on hold: the finished holds plus the one under way (to now, or to the end of the call). */
export function holdSecondsOf(row: Pick<CallRow, 'hold_seconds' | 'held_since' | 'ended_at'>, now = new Date()): number {
  const open = row.held_since ? Math.max(0, ((row.ended_at ?? now).getTime() - row.held_since.getTime()) / 1000) : 0;
  return Math.round((Number(row.hold_seconds ?? 0) + open) * 1000) / 1000;
}

/** The columns `presentCall` reads (a statement that only feeds events need not fetch, nor parse, the rest). */
export type PresentedCallRow = Pick<
  CallRow,
  | 'id' | 'direction' | 'status' | 'outcome' | 'caller_masked' | 'repeat_caller' | 'desk' | 'priority' | 'language' | 'callback_requested'
  | 'agent_id' | 'answered_by' | 'offered_at' | 'queued_at' | 'answered_at' | 'abandoned_at' | 'transferred_at' | 'ended_at'
  | 'wait_seconds' | 'talk_seconds' | 'wrap_up_code' | 'held_since' | 'hold_seconds' | 'agent_muted' | 'transfer_target' | 'transcript'
>;

export function presentCall(row: PresentedCallRow): CallJson {
  return {
    id: row.id,
    direction: row.direction,
    status: row.status,
    outcome: row.outcome,
    callerMasked: row.caller_masked,
    repeatCaller: row.repeat_caller,
    desk: row.desk,
    priority: row.priority,
    language: row.language,
    callbackRequested: row.callback_requested,
    agentId: row.agent_id,
    answeredBy: row.answered_by,
    offeredAt: row.offered_at.toISOString(),
    queuedAt: iso(row.queued_at),
    answeredAt: iso(row.answered_at),
    abandonedAt: iso(row.abandoned_at),
    transferredAt: iso(row.transferred_at),
    endedAt: iso(row.ended_at),
    waitSeconds: num(row.wait_seconds),
    talkSeconds: num(row.talk_seconds),
    wrapUpCode: row.wrap_up_code,
    onHold: row.held_since !== null,
    heldSince: iso(row.held_since),
    holdSeconds: holdSecondsOf(row),
    agentMuted: row.agent_muted,
    transferTarget: row.transfer_target,
    transcript: row.transcript,
  };
}

export const EarlierCallSchema = z.object({
  id: z.string(),
  offeredAt: z.string(),
  outcome: z.string().nullable(),
  desk: z.string().nullable(),
  talkSeconds: z.number().nullable(),
  wrapUpCode: z.string().nullable(),
});

/** A work order of the caller's, as the screen pop lists it. */
export function presentCallerTicket(row: { id: string; number: string; title: string; state: string; created_at: Date }) {
  return { id: row.id, number: row.number, title: row.title, state: row.state, createdAt: row.created_at.toISOString() };
}

export const CallerTicketSchema = z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: z.string(), createdAt: z.string() });

export function presentEarlierCall(row: { id: string; offered_at: Date; outcome: string | null; desk: string | null; talk_seconds: string | null; wrap_up_code: string | null }) {
  return { id: row.id, offeredAt: row.offered_at.toISOString(), outcome: row.outcome, desk: row.desk, talkSeconds: num(row.talk_seconds), wrapUpCode: row.wrap_up_code };
}
