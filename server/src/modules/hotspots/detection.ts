/**
 * The hotspot rule (热点预警), as a pure function: counts of tickets per group and window in, bursts out. No
 * database, no clock — the job feeds it counts computed in SQL, and the tests feed it hand-built windows.
 *
 * A group is one ticket category (the leaf of the catalogue) in one district. For each window length w (1 h,
 * 6 h, 24 h by default) the job counts the group's tickets in the last w hours, and in the same w hours of
 * each of the previous `baselineDays` days (same clock time: 09:00–10:00 today is compared with 09:00–10:00
 * on each earlier day, so the daily rhythm of the hotline does not look like a burst).
 *
 * In plain words, a window is a burst when all three hold:
 *   1. enough tickets: at least `minCount` arrived (a quiet group going from 0 to 2 is never a burst);
 *   2. well above usual: the count is at least `minRatio` times the expected level;
 *   3. unusual given the usual ups and downs: the score (count − expected) / spread is at least `minScore`.
 * where
 *   - expected = the mean of the baseline windows, but never below `expectedFloor` (a category never seen in
 *     that district expects a little, not nothing, so the score stays finite);
 *   - spread = the baseline's sample standard deviation, but never below √expected — the noise a Poisson
 *     count with that mean has anyway, so a perfectly flat history does not make every extra ticket a burst.
 * A group with at least one burst window is a hotspot; the window with the highest score is its headline.
 */
import * as z from 'zod';

/** The thresholds the admin may change (stored in `hotspot_settings`; these are the defaults). */
export const HotspotRulesSchema = z.object({
  // Up to 24 h: longer windows would overlap the baseline days they are compared with.
  windowsHours: z
    .array(z.number().int().min(1).max(24))
    .min(1)
    .max(6)
    .refine((w) => new Set(w).size === w.length, { message: '时间窗不能重复 (windows must differ)' })
    .meta({ description: '滑动时间窗（小时） Sliding windows, in hours' }),
  baselineDays: z.number().int().min(7).max(56).meta({ description: '对比的历史天数 Days of history to compare with' }),
  minCount: z.number().int().min(2).max(1000).meta({ description: '最少件数 Fewest tickets that can make a burst' }),
  minRatio: z.number().min(1).max(50).meta({ description: '至少为常态的倍数 Times the expected level, at least' }),
  minScore: z.number().min(1).max(20).meta({ description: '异常分数下限 Least (count − expected) / spread' }),
  expectedFloor: z.number().min(0.05).max(10).meta({ description: '常态下限 Floor of the expected level' }),
});
export type HotspotRules = z.infer<typeof HotspotRulesSchema>;

export const defaultHotspotRules: HotspotRules = {
  windowsHours: [1, 6, 24],
  baselineDays: 28,
  minCount: 5,
  minRatio: 2,
  minScore: 3,
  expectedFloor: 0.5,
};

/** One window of one group: the count now, and the same window on each previous day (most recent first). */
export type WindowCounts = { windowHours: number; count: number; baseline: number[] };

export type GroupKey = { categoryId: string; district: string };

export type GroupCounts = { key: GroupKey; windows: WindowCounts[] };

/** Why a window is or is not a burst; the first rule it fails, in the order of the rule above. */
export type Verdict = 'burst' | 'too_few' | 'ratio_too_low' | 'score_too_low';

export type WindowAssessment = {
  windowHours: number;
  count: number;
  /** Mean of the baseline windows, before the floor. */
  mean: number;
  expected: number;
  spread: number;
  score: number;
  ratio: number;
  verdict: Verdict;
};

export type Hotspot = { key: GroupKey; strongest: WindowAssessment; windows: WindowAssessment[] };

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Applies the rule to one window. */
export function assessWindow(window: WindowCounts, rules: HotspotRules): WindowAssessment {
  const n = window.baseline.length;
  const mean = n === 0 ? 0 : window.baseline.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : window.baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const expected = Math.max(mean, rules.expectedFloor);
  const spread = Math.max(Math.sqrt(variance), Math.sqrt(expected));
  const score = (window.count - expected) / spread;
  const ratio = window.count / expected;
  const verdict: Verdict =
    window.count < rules.minCount ? 'too_few' : ratio < rules.minRatio ? 'ratio_too_low' : score < rules.minScore ? 'score_too_low' : 'burst';
  return { windowHours: window.windowHours, count: window.count, mean: round(mean), expected: round(expected), spread: round(spread), score: round(score), ratio: round(ratio), verdict };
}

/** Every group with at least one burst window, strongest (highest score) first. */
export function detectHotspots(groups: GroupCounts[], rules: HotspotRules): Hotspot[] {
  const found: Hotspot[] = [];
  for (const group of groups) {
    const windows = group.windows.map((w) => assessWindow(w, rules));
    const bursts = windows.filter((w) => w.verdict === 'burst');
    if (bursts.length === 0) continue;
    const strongest = bursts.reduce((a, b) => (b.score > a.score ? b : a));
    found.push({ key: group.key, strongest, windows });
  }
  return found.sort((a, b) => b.strongest.score - a.strongest.score);
}
