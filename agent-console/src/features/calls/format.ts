/** Small display helpers for calls: durations and the link to ticket registration. */
import type { Call } from './types.ts';

/** `0:07`, `12:34`, `1:02:03`: a timer as agents read it. Negative or missing input shows `0:00`. */
export function formatDuration(totalSeconds: number | null | undefined): string {
  const seconds = Math.max(0, Math.floor(totalSeconds ?? 0));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Whole seconds from an ISO instant to `now` (never negative: clocks of server and browser differ a little). */
export function secondsSince(iso: string | null | undefined, now: number): number {
  if (!iso) return 0;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((now - at) / 1000));
}

/**
 * The tickets registration page for a call. The console only ever holds the masked number; the
 * registration page resolves the caller from `callId` on the server.
 */
export function ticketRegistrationPath(call: Pick<Call, 'id' | 'callerMasked'>): string {
  const query = new URLSearchParams({ callId: call.id, phone: call.callerMasked });
  return `/tickets/new?${query.toString()}`;
}
