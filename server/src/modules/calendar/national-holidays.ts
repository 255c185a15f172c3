/**
 * The State Council's holiday arrangement (放假 and 调休 make-up workdays) as published in `chinese-days`.
 *
 * We read the package's JSON data rather than call its `isWorkday`/`getDayDetail`: those parse dates with the
 * server's local time zone, so on a server not set to UTC+8 they answer for the wrong day (on a New York
 * server `getDayDetail('2025-10-11')` reports 2025-10-10). Keyed by ISO date, the data has no such trap.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/** A holiday's name in both working languages, e.g. { zh: '国庆节', en: 'National Day' }. */
export type HolidayName = { zh: string; en: string };

/** What the national arrangement says about one date, if anything. */
export type NationalDay = { kind: 'holiday' | 'workday'; name: HolidayName };

type RawData = { holidays: Record<string, string>; workdays: Record<string, string>; inLieuDays: Record<string, string> };
const raw = chineseDaysData as RawData;

/** Entries look like "National Day,国庆节,3" (English, Chinese, length in days). */
function parseName(entry: string): HolidayName {
  const [en = entry, zh = en] = entry.split(',');
  return { zh, en };
}

const byDate = new Map<string, NationalDay>();
for (const [date, entry] of Object.entries(raw.holidays)) byDate.set(date, { kind: 'holiday', name: parseName(entry) });
// A make-up workday is never also a holiday; if the data ever said both, the workday is the later, specific rule.
for (const [date, entry] of Object.entries(raw.workdays)) byDate.set(date, { kind: 'workday', name: parseName(entry) });

const coveredYears: ReadonlySet<number> = new Set([...byDate.keys()].map((date) => Number(date.slice(0, 4))));

/** The national arrangement for an ISO date, or undefined for an ordinary weekday/weekend (or an uncovered year). */
export function lookUpNationalDay(date: string): NationalDay | undefined {
  return byDate.get(date);
}

/** True when the package holds the State Council's arrangement for this year (2004–2026 in chinese-days 1.5.7). */
export function coversYear(year: number): boolean {
  return coveredYears.has(year);
}

/** First and last year the package covers. */
export function nationalCoverage(): { firstYear: number; lastYear: number } {
  const years = [...coveredYears];
  return { firstYear: Math.min(...years), lastYear: Math.max(...years) };
}
