/**
 * When a survey may call, pure: the calling window (08:00–20:00 by default, on working days or every day),
 * "the next working day after the review passed", the spacing between attempts, and which tickets the sample
 * picks. No clock reads and no database: pass `now` and the hotline's working calendar.
 */
import { createHash } from 'node:crypto';
import type { WorkingCalendar } from '../calendar/index.ts';
import type { SurveyPolicy } from './surveys.schema.ts';

export type CallingWindow = Pick<SurveyPolicy, 'callingHours' | 'callingDays'>;

const DAY = 86_400_000;

/** 'YYYY-MM-DD' plus n days (calendar arithmetic on the date, independent of time zones). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** Wall-clock 'HH:MM' of an instant in a time zone. */
export function localClock(timezone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  return `${parts.find((p) => p.type === 'hour')?.value ?? '00'}:${parts.find((p) => p.type === 'minute')?.value ?? '00'}`;
}

function minutesOf(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

function clockOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function isCallingDay(calendar: WorkingCalendar, date: string, window: CallingWindow): boolean {
  return window.callingDays === 'every' || calendar.isWorkday(date);
}

/** The window [start, end) of one local date. */
function windowOn(calendar: WorkingCalendar, date: string, window: CallingWindow): { start: Date; end: Date } {
  const start = calendar.atLocalTime(date, window.callingHours.from);
  const end = window.callingHours.to === '24:00' ? calendar.atLocalTime(addDays(date, 1), '00:00') : calendar.atLocalTime(date, window.callingHours.to);
  return { start, end };
}

/** True when a citizen may be called at `at`. */
export function isCallingTime(calendar: WorkingCalendar, at: Date, window: CallingWindow): boolean {
  const date = calendar.localDate(at);
  if (!isCallingDay(calendar, date, window)) return false;
  const { start, end } = windowOn(calendar, date, window);
  return at >= start && at < end;
}

/**
 * `at` itself when it is calling time; otherwise the opening of the next calling window (a job due at 21:00
 * waits until 08:00 of the next calling day). Never earlier than `at`.
 */
export function nextCallingInstant(calendar: WorkingCalendar, at: Date, window: CallingWindow): Date {
  const today = calendar.localDate(at);
  for (let i = 0; i <= 400; i++) {
    const date = addDays(today, i);
    if (!isCallingDay(calendar, date, window)) continue;
    const { start, end } = windowOn(calendar, date, window);
    if (at < start) return start;
    if (at < end) return at;
  }
  throw new RangeError('no calling time within 400 days: check the calendar overrides and calling hours');
}

/**
 * The first attempt: `delayWorkingDays` working days after the review passed, at the same time of day moved
 * into the calling hours of that day (at the latest an hour before they close, so the attempt is not squeezed
 * out); 0 days means as soon as calling hours allow.
 */
export function firstAttemptAt(calendar: WorkingCalendar, passedAt: Date, policy: CallingWindow & Pick<SurveyPolicy, 'delayWorkingDays'>): Date {
  if (policy.delayWorkingDays === 0) return nextCallingInstant(calendar, passedAt, policy);
  let date = calendar.localDate(passedAt);
  for (let found = 0, guard = 0; found < policy.delayWorkingDays; guard++) {
    if (guard > 400) throw new RangeError('no working day within 400 days');
    date = addDays(date, 1);
    if (calendar.isWorkday(date)) found++;
  }
  const from = minutesOf(policy.callingHours.from);
  const latest = Math.max(from, minutesOf(policy.callingHours.to) - 60);
  const wanted = Math.min(Math.max(minutesOf(localClock(calendar.timezone, passedAt)), from), latest);
  return nextCallingInstant(calendar, calendar.atLocalTime(date, clockOf(wanted)), policy);
}

/** The next call attempt after one that failed at `endedAt`: spaced out, inside calling hours. */
export function nextAttemptAt(calendar: WorkingCalendar, endedAt: Date, policy: CallingWindow & Pick<SurveyPolicy, 'attemptSpacingMinutes'>): Date {
  return nextCallingInstant(calendar, new Date(endedAt.getTime() + policy.attemptSpacingMinutes * 60_000), policy);
}

/**
 * Whether the sample picks a ticket: deterministic per ticket (a replayed plan job decides the same), with
 * the type's share. A share of 1 always picks, 0 never.
 */
export function isSampled(ticketId: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  const n = createHash('sha256').update(`survey-sample:${ticketId}`).digest().readUInt32BE(0);
  return n / 0x1_0000_0000 < share;
}
