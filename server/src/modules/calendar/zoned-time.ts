/**
 * Wall-clock arithmetic in the hotline's time zone, independent of the server's own TZ.
 *
 * A local calendar day is identified by its *day number*: days since 1970-01-01 of the local date (so the same
 * number on every server). Asia/Shanghai has no DST, but nothing here assumes a fixed offset: offsets come from
 * Intl and local→instant conversion re-checks the offset at the result, so zones with DST work too (outside the
 * transition hour itself, which never falls inside working hours).
 */

export const millisPerMinute = 60_000;
export const millisPerHour = 3_600_000;
export const millisPerDay = 86_400_000;

/** 'YYYY-MM-DD' with a real month and day. */
const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of an ISO date, or undefined when it is not a real date. */
export function parseIsoDate(date: string): number | undefined {
  const match = isoDatePattern.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / millisPerDay;
}

/** ISO date ('YYYY-MM-DD') of a day number. */
export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * millisPerDay).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, like Date#getDay. 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Minutes since midnight of 'HH:MM' (00:00 … 24:00), or undefined when malformed. */
export function parseClockTime(time: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

/** Throws a RangeError unless `timezone` is an IANA zone this runtime knows. */
export function assertTimeZone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (cause) {
    throw new RangeError(`unknown time zone: ${timezone}`, { cause });
  }
}

/** Offsets are memoised per quarter hour of UTC (every real zone changes offset on a quarter-hour boundary). */
const offsetBucketMillis = 15 * millisPerMinute;
const offsetCacheLimit = 50_000;

/**
 * Converts between instants and local wall-clock time in one zone. Create one per zone and keep it: it owns the
 * Intl formatter and the offset memo.
 */
export type ZonedClock = {
  readonly timezone: string;
  /** Offset from UTC in minutes at an instant (+480 for Asia/Shanghai). */
  offsetMinutesAt(instantMs: number): number;
  /** Local day number of an instant. */
  dayNumberOf(instantMs: number): number;
  /** Instant at a local day number and minutes after local midnight. */
  instantAt(dayNumber: number, minutesOfDay: number): number;
};

export function createZonedClock(timezone: string): ZonedClock {
  assertTimeZone(timezone);
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetCache = new Map<number, number>();

  function computeOffsetMinutes(instantMs: number): number {
    const fields: Record<string, number> = {};
    for (const part of formatter.formatToParts(new Date(instantMs))) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const localAsUtc = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    const wholeSeconds = Math.floor(instantMs / 1000) * 1000;
    return Math.round((localAsUtc - wholeSeconds) / millisPerMinute);
  }

  function offsetMinutesAt(instantMs: number): number {
    const bucket = Math.floor(instantMs / offsetBucketMillis);
    let offset = offsetCache.get(bucket);
    if (offset === undefined) {
      offset = computeOffsetMinutes(bucket * offsetBucketMillis);
      // A long-running server touches few buckets; the cap only guards against pathological callers.
      if (offsetCache.size >= offsetCacheLimit) offsetCache.clear();
      offsetCache.set(bucket, offset);
    }
    return offset;
  }

  return {
    timezone,
    offsetMinutesAt,
    dayNumberOf(instantMs) {
      return Math.floor((instantMs + offsetMinutesAt(instantMs) * millisPerMinute) / millisPerDay);
    },
    instantAt(dayNumber, minutesOfDay) {
      const localAsUtc = dayNumber * millisPerDay + minutesOfDay * millisPerMinute;
      // Guess with the offset near that wall time, then correct with the offset at the guess (DST-safe).
      const guess = localAsUtc - offsetMinutesAt(localAsUtc) * millisPerMinute;
      return localAsUtc - offsetMinutesAt(guess) * millisPerMinute;
    },
  };
}
