/**
 * The hotline's working-day calendar: which local dates are workdays (national holidays and 调休 make-up workdays
 * from chinese-days, local overrides on top), the office hours on a workday, and deadline arithmetic over them.
 *
 * Counting rule for "N working days" (how Chinese hotlines count 工作日时限): the day of dispatch does not count;
 * the deadline is the close of office hours (by default 17:30) on the Nth working day after the dispatch date.
 * Close of office hours rather than midnight, because the hotline reviews replies while departments are at work.
 *
 * Pure: no I/O, no clock reads. Per-day facts are memoised, so deadline maths is a few map lookups per day.
 */
import { coversYear, lookUpNationalDay, nationalCoverage, type HolidayName } from './national-holidays.ts';
import {
  WorkingCalendarSettingsSchema,
  type CalendarOverride,
  type WorkingCalendarSettingsInput,
  type WorkingHoursSpan,
} from './calendar.schema.ts';
import {
  createZonedClock,
  formatDayNumber,
  millisPerHour,
  parseClockTime,
  parseIsoDate,
  weekdayOf,
} from './zoned-time.ts';

/** Why a day is (not) a workday. `weekday`/`weekend` mean no rule applied: Monday–Friday work, weekends rest. */
export type DaySource = 'override' | 'national' | 'weekend' | 'weekday';

/** Everything the calendar knows about one local date. */
export type CalendarDay = {
  /** ISO local date, e.g. '2025-10-11'. */
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  workday: boolean;
  source: DaySource;
  /** The national holiday this date belongs to (a 调休 workday carries the holiday it makes up for). */
  name?: HolidayName;
  /** The admin's note on a local override. */
  note?: string;
  /**
   * False when chinese-days has no State Council arrangement for this year: the day was judged by weekends and
   * local overrides only, so national holidays may be missing. Callers should show this, not hide it.
   */
  nationalDataAvailable: boolean;
};

/** A span of office hours as instants. */
export type WorkingSpan = { start: Date; end: Date };

/** The working-day calendar of one hotline. Instants are `Date`s; local dates are 'YYYY-MM-DD' strings. */
export type WorkingCalendar = {
  readonly timezone: string;
  readonly workingHours: readonly WorkingHoursSpan[];
  readonly overrides: readonly CalendarOverride[];
  /** Facts about a local date ('YYYY-MM-DD'), or about the local date of an instant. */
  describeDay(date: Date | string): CalendarDay;
  /** True when the local date ('YYYY-MM-DD'), or the local date of an instant, is a workday. */
  isWorkday(date: Date | string): boolean;
  /** True when chinese-days holds the national arrangement for this year. */
  coversYear(year: number): boolean;
  /** True when every year from the local date of `a` to that of `b` has national data. */
  hasNationalDataBetween(a: Date, b: Date): boolean;
  /** The local date ('YYYY-MM-DD') of an instant. */
  localDate(instant: Date): string;
  /** The instant at a local date and wall-clock time ('HH:MM'). */
  atLocalTime(date: string, time: string): Date;
  /** Office hours on a local date (empty on a day off). */
  workingSpansOn(date: string): WorkingSpan[];
  /**
   * Deadline of "n working days" from `from`: the close of office hours on the nth workday after the local date
   * of `from` (that date itself never counts). n = 0 means the close of the current working day, or of the next
   * one when `from` is past it or on a day off.
   */
  addWorkingDays(from: Date, n: number): Date;
  /** The instant after `hours` of office time counted from `from` (time outside office hours does not count). */
  addWorkingHours(from: Date, hours: number): Date;
  /** As addWorkingHours, in milliseconds. A result exactly at the end of a span stays there (12:00, not 13:30). */
  addWorkingMillis(from: Date, millis: number): Date;
  /** Office time between two instants in milliseconds; negative when b is before a. */
  workingMillisBetween(a: Date, b: Date): number;
  /** `from` itself when inside office hours, otherwise the start of the next span of office hours. */
  nextWorkingInstant(from: Date): Date;
};

type DayInfo = CalendarDay & { dayNumber: number; spans: ReadonlyArray<readonly [number, number]> };

/** Longest run of days we scan for working time before deciding the configuration can never yield any. */
const maxScanDays = 3660;
const dayCacheLimit = 50_000;

function noWorkingTimeError(): Error {
  return new RangeError(`no working time within ${maxScanDays} days: check the overrides and working hours`);
}

/**
 * Builds a working calendar. Settings are validated (bad hours or duplicate overrides throw a RangeError).
 * @example createWorkingCalendar({ overrides: [{ date: '2025-07-21', kind: 'holiday', note: '台风停工' }] })
 */
export function createWorkingCalendar(options: WorkingCalendarSettingsInput = {}): WorkingCalendar {
  const parsed = WorkingCalendarSettingsSchema.safeParse(options);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new RangeError(`invalid working calendar settings: ${detail}`, { cause: parsed.error });
  }
  const { timezone, workingHours, overrides } = parsed.data;
  const clock = createZonedClock(timezone);
  const spanMinutes = workingHours.map((span) => [parseClockTime(span.start) ?? 0, parseClockTime(span.end) ?? 0] as const);
  const overrideByDate = new Map(overrides.map((override) => [override.date, override]));
  const dayCache = new Map<number, DayInfo>();

  function dayInfo(dayNumber: number): DayInfo {
    const cached = dayCache.get(dayNumber);
    if (cached) return cached;
    const date = formatDayNumber(dayNumber);
    const weekday = weekdayOf(dayNumber);
    const nationalDataAvailable = coversYear(Number(date.slice(0, 4)));
    const override = overrideByDate.get(date);
    const national = lookUpNationalDay(date);
    let day: CalendarDay;
    if (override) {
      day = { date, weekday, workday: override.kind === 'workday', source: 'override', nationalDataAvailable };
      if (override.note !== undefined) day.note = override.note;
      if (national) day.name = national.name;
    } else if (national) {
      day = { date, weekday, workday: national.kind === 'workday', source: 'national', name: national.name, nationalDataAvailable };
    } else {
      const weekend = weekday === 0 || weekday === 6;
      day = { date, weekday, workday: !weekend, source: weekend ? 'weekend' : 'weekday', nationalDataAvailable };
    }
    const spans = day.workday
      ? spanMinutes.map(([start, end]) => [clock.instantAt(dayNumber, start), clock.instantAt(dayNumber, end)] as const)
      : [];
    const info: DayInfo = { ...day, dayNumber, spans };
    if (dayCache.size >= dayCacheLimit) dayCache.clear();
    dayCache.set(dayNumber, info);
    return info;
  }

  function dayNumberOfInput(date: Date | string): number {
    if (typeof date === 'string') {
      const dayNumber = parseIsoDate(date);
      if (dayNumber === undefined) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
      return dayNumber;
    }
    return clock.dayNumberOf(instantOf(date));
  }

  function publicDay(info: DayInfo): CalendarDay {
    const { dayNumber: _dayNumber, spans: _spans, ...day } = info;
    return day;
  }

  /** Close of office hours on the first workday at or after `dayNumber`. */
  function closeOfFirstWorkdayFrom(dayNumber: number): number {
    for (let offset = 0; offset < maxScanDays; offset++) {
      const spans = dayInfo(dayNumber + offset).spans;
      const last = spans[spans.length - 1];
      if (last) return last[1];
    }
    throw noWorkingTimeError();
  }

  function addWorkingMillisAt(fromMs: number, millis: number): number {
    if (!Number.isFinite(millis) || millis < 0) throw new RangeError(`working time to add must be >= 0: ${millis}`);
    if (millis === 0) return fromMs;
    let remaining = millis;
    const firstDay = clock.dayNumberOf(fromMs);
    for (let dayNumber = firstDay; dayNumber < firstDay + maxScanDays * 10; dayNumber++) {
      for (const [spanStart, spanEnd] of dayInfo(dayNumber).spans) {
        if (spanEnd <= fromMs) continue;
        const start = Math.max(spanStart, fromMs);
        const available = spanEnd - start;
        if (remaining <= available) return start + remaining;
        remaining -= available;
      }
    }
    throw noWorkingTimeError();
  }

  function workingMillisWithin(aMs: number, bMs: number): number {
    if (bMs < aMs) return -workingMillisWithin(bMs, aMs);
    let total = 0;
    const lastDay = clock.dayNumberOf(bMs);
    for (let dayNumber = clock.dayNumberOf(aMs); dayNumber <= lastDay; dayNumber++) {
      for (const [spanStart, spanEnd] of dayInfo(dayNumber).spans) {
        const overlap = Math.min(spanEnd, bMs) - Math.max(spanStart, aMs);
        if (overlap > 0) total += overlap;
      }
    }
    return total;
  }

  function nextWorkingAt(fromMs: number): number {
    const firstDay = clock.dayNumberOf(fromMs);
    for (let dayNumber = firstDay; dayNumber < firstDay + maxScanDays; dayNumber++) {
      for (const [spanStart, spanEnd] of dayInfo(dayNumber).spans) {
        if (spanEnd > fromMs) return Math.max(spanStart, fromMs);
      }
    }
    throw noWorkingTimeError();
  }

  return {
    timezone,
    workingHours,
    overrides,
    describeDay: (date) => publicDay(dayInfo(dayNumberOfInput(date))),
    isWorkday: (date) => dayInfo(dayNumberOfInput(date)).workday,
    coversYear,
    hasNationalDataBetween(a, b) {
      const yearOf = (instant: Date) => Number(formatDayNumber(clock.dayNumberOf(instantOf(instant))).slice(0, 4));
      const [yearA, yearB] = [yearOf(a), yearOf(b)];
      for (let year = Math.min(yearA, yearB); year <= Math.max(yearA, yearB); year++) if (!coversYear(year)) return false;
      return true;
    },
    localDate: (instant) => formatDayNumber(clock.dayNumberOf(instantOf(instant))),
    atLocalTime(date, time) {
      const minutes = parseClockTime(time);
      if (minutes === undefined) throw new RangeError(`not a time (HH:MM): ${time}`);
      return new Date(clock.instantAt(dayNumberOfInput(date), minutes));
    },
    workingSpansOn: (date) =>
      dayInfo(dayNumberOfInput(date)).spans.map(([start, end]) => ({ start: new Date(start), end: new Date(end) })),
    addWorkingDays(from, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number >= 0: ${n}`);
      const fromMs = instantOf(from);
      const startDay = clock.dayNumberOf(fromMs);
      if (n === 0) {
        const closeToday = closeOfFirstWorkdayFrom(startDay);
        return new Date(closeToday > fromMs ? closeToday : closeOfFirstWorkdayFrom(startDay + 1));
      }
      let counted = 0;
      for (let dayNumber = startDay + 1; dayNumber <= startDay + n + maxScanDays; dayNumber++) {
        const info = dayInfo(dayNumber);
        if (info.workday && ++counted === n) return new Date(closeOfFirstWorkdayFrom(dayNumber));
      }
      throw noWorkingTimeError();
    },
    addWorkingHours: (from, hours) => new Date(addWorkingMillisAt(instantOf(from), Math.round(hours * millisPerHour))),
    addWorkingMillis: (from, millis) => new Date(addWorkingMillisAt(instantOf(from), millis)),
    workingMillisBetween: (a, b) => workingMillisWithin(instantOf(a), instantOf(b)),
    nextWorkingInstant: (from) => new Date(nextWorkingAt(instantOf(from))),
  };
}

function instantOf(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return ms;
}

/** First and last year of national holiday data shipped in chinese-days. */
export { nationalCoverage };
