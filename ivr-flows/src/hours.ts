/**
 * Whether a desk is open at a moment, in the desk's time zone. Pure: the moment comes from the call facts.
 */
import type { HoursNode, Weekday } from './schema.ts';

const WEEKDAY_BY_SHORT_NAME: Readonly<Record<string, Weekday>> = {
  Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun',
};

/** The weekday and minutes since local midnight of `instant` in `timeZone`. Throws on an unknown time zone. */
export function localClock(instant: Date, timeZone: string): { weekday: Weekday; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = WEEKDAY_BY_SHORT_NAME[part('weekday')];
  const minutes = Number(part('hour')) * 60 + Number(part('minute'));
  if (weekday === undefined || !Number.isFinite(minutes)) throw new Error(`cannot read the local time in ${timeZone}`);
  return { weekday, minutes };
}

/** Minutes since midnight for both ends of "08:00-20:00". */
export function parseTimeRange(range: string): { from: number; to: number } {
  const [from = '', to = ''] = range.split('-');
  const minutes = (clock: string): number => {
    const [hours = 'x', mins = 'x'] = clock.split(':');
    return Number(hours) * 60 + Number(mins);
  };
  return { from: minutes(from), to: minutes(to) };
}

/** True when the node's hours include `instant`; on a holiday the holiday ranges apply instead of the weekday's. */
export function isOpen(node: Pick<HoursNode, 'timezone' | 'weekly' | 'holidays'>, instant: Date, holiday: boolean): boolean {
  const { weekday, minutes } = localClock(instant, node.timezone);
  const ranges = holiday ? node.holidays : (node.weekly[weekday] ?? node.weekly.daily ?? []);
  return ranges.some((range) => {
    const { from, to } = parseTimeRange(range);
    return minutes >= from && minutes < to;
  });
}

/** True when `timeZone` is a zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
