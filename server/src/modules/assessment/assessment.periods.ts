/**
 * Assessment periods: a month `2026-11`, a quarter `2026-Q4` or a year `2026`, each [first day, next first day)
 * at local midnight in the hotline's zone — the same period arithmetic the reports use.
 */
import { resolvePeriod } from '../reports/index.ts';

export type PeriodKind = 'month' | 'quarter' | 'year';
export type AssessmentPeriod = {
  key: string;
  kind: PeriodKind;
  /** First day, YYYY-MM-DD. */
  startDate: string;
  /** First day after the period, YYYY-MM-DD (exclusive). */
  endDate: string;
};

export const periodPattern = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/;

const day = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}-01`;

/** Parses a period key, or undefined when it is not one. */
export function parsePeriod(key: string): AssessmentPeriod | undefined {
  const match = periodPattern.exec(key);
  if (!match) return undefined;
  const y = Number(match[1]);
  if (y < 2000 || y > 2100) return undefined;
  if (match[2]) {
    const m = Number(match[2]);
    return { key, kind: 'month', startDate: day(y, m), endDate: m === 12 ? day(y + 1, 1) : day(y, m + 1) };
  }
  if (match[3]) {
    const q = Number(match[3]);
    return { key, kind: 'quarter', startDate: day(y, q * 3 - 2), endDate: q === 4 ? day(y + 1, 1) : day(y, q * 3 + 1) };
  }
  return { key, kind: 'year', startDate: day(y, 1), endDate: day(y + 1, 1) };
}

/** The measure period: instants in the hotline's zone; open items are judged at min(end, now). */
export function measurePeriodOf(timezone: string, p: AssessmentPeriod, now = new Date()) {
  return resolvePeriod(timezone, p.startDate, p.endDate, now);
}

/** The period of `kind` that contains the local date `date` (YYYY-MM-DD). */
export function periodContaining(kind: PeriodKind, date: string): AssessmentPeriod {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const key = kind === 'month' ? `${y}-${String(m).padStart(2, '0')}` : kind === 'quarter' ? `${y}-Q${Math.ceil(m / 3)}` : `${y}`;
  return parsePeriod(key)!;
}

/** The period of the same kind just before `p`. */
export function previousPeriod(p: AssessmentPeriod): AssessmentPeriod {
  const [y, m] = p.startDate.split('-').map(Number) as [number, number];
  const back = p.kind === 'month' ? 1 : p.kind === 'quarter' ? 3 : 12;
  const total = y * 12 + (m - 1) - back;
  return periodContaining(p.kind, day(Math.floor(total / 12), (total % 12) + 1));
}
