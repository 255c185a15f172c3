/**
 * Calling hours for callbacks (漏接回拨) and other outbound calls: 08:00–20:00 hotline time by default
 * (CALLBACK_HOURS, TIMEZONE). Clock time only: callbacks run on holidays too, as the hotline does.
 */
import type { AppContext } from '../../context.ts';

/** Minutes since local midnight in a time zone. */
export function localMinutes(timezone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when `at` is inside the configured calling hours. */
export function isWithinCallingHours(ctx: Pick<AppContext, 'config'>, at = new Date()): boolean {
  const { from, to } = ctx.config.calls.callbackHours;
  const now = localMinutes(ctx.config.timezone, at);
  return now >= toMinutes(from) && now < toMinutes(to);
}
