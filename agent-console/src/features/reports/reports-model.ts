/**
 * The reports page without React: the shapes of the reports API, the period arithmetic (local dates, `to`
 * exclusive, exactly as the API reads them), figure formatting and the ECharts options. Pure, so it is unit
 * tested in Node.
 */

export const CUTS = ['department', 'desk', 'agent', 'channel', 'type', 'category'] as const;
export type Cut = (typeof CUTS)[number];

export type Localised = { 'zh-CN': string; en: string };
export type Unit = 'ratio' | 'seconds';
export type ItemKind = 'call' | 'ticket' | 'assignment' | 'survey';

/** One entry of `GET /api/reports/definitions`. */
export type Definition = {
  key: string;
  label: Localised;
  unit: Unit;
  item: ItemKind;
  cuts: Cut[];
  description: Localised;
  numerator: Localised;
  denominator: Localised;
};

export type Figure = { numerator: number; denominator: number; value: number | null };
export type CutFigure = Figure & { key: string | null; label: string | null };
export type MeasureFigure = Figure & { cuts?: CutFigure[] };

/** `GET /api/reports/measures`. */
export type MeasuresResponse = { from: string; to: string; asOf: string; cut: Cut | null; measures: Record<string, MeasureFigure> };

export type Granularity = 'day' | 'week' | 'month';
export type TrendPoint = Figure & { start: string; end: string };
/** `GET /api/reports/trends`. */
export type TrendsResponse = { from: string; to: string; granularity: Granularity; asOf: string; trends: { key: string; unit: Unit; points: TrendPoint[] }[] };

export type MeasureItem = { id: string; ref: string | null; inNumerator: boolean; value: number; at: string; departmentId: string | null; agentId: string | null };
/** `GET /api/reports/measures/:key/items` and `/api/reports/trends/:key/items`. */
export type ItemsResponse = { measure: string; item: ItemKind; total: number; items: MeasureItem[] };

/** One row of `GET /api/reports/monthly?format=json`. */
export type MonthlyRow = {
  department: string;
  departmentId: string | null;
  received: number;
  signedOnTime: number;
  signedOnTimeRate: number | null;
  finishedOnTime: number;
  finishedOnTimeRate: number | null;
  returned: number;
  returnRate: number | null;
  reopened: number;
  reopenRate: number | null;
  surveyed: number;
  surveyRate: number | null;
  satisfaction: number | null;
};

/** The breakdowns of `GET /api/reports/wrap-up-codes`. */
export type WrapUpCut = 'desk' | 'agent';
export type WrapUpCodeFigure = { code: string; label: Localised; active: boolean; system: boolean; calls: number; share: number | null; averageTalkSeconds: number | null };
export type WrapUpGroup = { key: string | null; label: string | null; total: number; calls: Record<string, number> };
/** `GET /api/reports/wrap-up-codes`: answered calls by wrap-up code (未小结 = `none`), optionally per desk or agent. */
export type WrapUpReport = {
  from: string;
  to: string;
  asOf: string;
  total: number;
  averageTalkSeconds: number | null;
  codes: WrapUpCodeFigure[];
  cut: WrapUpCut | null;
  groups: WrapUpGroup[];
};

/** The figures shown first, in this order (the rest follow in the server's order). */
export const HEADLINE = ['serviceLevel', 'answerRate', 'finishedOnTime', 'satisfaction', 'signedOnTime', 'directResolution'] as const;
/** The trend shown before the user picks: the four the hotline is judged by. */
export const DEFAULT_TREND = ['serviceLevel', 'answerRate', 'finishedOnTime', 'satisfaction'];
/** The server refuses more than this many measures per trend. */
export const MAX_TREND_MEASURES = 8;
/** The server refuses more than this many points per trend. */
export const MAX_TREND_POINTS = 100;

// ── Periods ────────────────────────────────────────────────────────────────────────────────────────────────────

export type PeriodMode = 'month' | 'quarter' | 'custom';
/** Local dates `YYYY-MM-DD`; `to` is exclusive, as the API reads it. */
export type Period = { mode: PeriodMode; from: string; to: string };

const DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: string): number | undefined {
  const m = ISO_DATE.exec(date);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === date ? ms / DAY : undefined;
}

function dateOf(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** `date` moved by `days` (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  return dateOf((dayNumber(date) ?? 0) + days);
}

/** Days in [from, to). */
export function daysBetween(from: string, to: string): number {
  return (dayNumber(to) ?? 0) - (dayNumber(from) ?? 0);
}

/** The month `YYYY-MM`. */
export function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { mode: 'month', from: dateOf(Date.UTC(y, m - 1, 1) / DAY), to: dateOf(Date.UTC(y, m, 1) / DAY) };
}

/** Quarter `q` (1–4) of `year`. */
export function quarterPeriod(year: number, q: number): Period {
  return { mode: 'quarter', from: dateOf(Date.UTC(year, (q - 1) * 3, 1) / DAY), to: dateOf(Date.UTC(year, q * 3, 1) / DAY) };
}

/** The days `first` … `last`, both included (what a range picker shows). */
export function customPeriod(first: string, last: string): Period {
  return { mode: 'custom', from: first, to: addDays(last, 1) };
}

/** The last day inside the period (for display: a period is shown with both ends included). */
export function lastDay(period: Period): string {
  return addDays(period.to, -1);
}

/** The month of a local date, `YYYY-MM`. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/**
 * The period a URL asks for (`?mode=month&month=2026-10`, `?mode=quarter&quarter=2026-Q4`,
 * `?mode=custom&from=2026-10-01&to=2026-10-15` with `to` included), or the month of `today`.
 */
export function periodFromSearch(params: URLSearchParams, today: string): Period {
  const mode = params.get('mode');
  const month = params.get('month');
  if ((mode === 'month' || mode === null) && month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return monthPeriod(month);
  const quarter = /^(\d{4})-Q([1-4])$/.exec(params.get('quarter') ?? '');
  if (mode === 'quarter' && quarter) return quarterPeriod(Number(quarter[1]), Number(quarter[2]));
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  if (mode === 'custom' && dayNumber(from) !== undefined && dayNumber(to) !== undefined && to >= from) return customPeriod(from, to);
  return monthPeriod(monthOf(today));
}

/** The URL parameters that reopen `period` (the inverse of `periodFromSearch`). */
export function periodToSearch(period: Period): Record<string, string> {
  if (period.mode === 'month') return { mode: 'month', month: monthOf(period.from) };
  if (period.mode === 'quarter') return { mode: 'quarter', quarter: `${period.from.slice(0, 4)}-Q${Math.floor(Number(period.from.slice(5, 7)) / 3) + 1}` };
  return { mode: 'custom', from: period.from, to: lastDay(period) };
}

/** Days for short periods, weeks up to about half a year, months beyond; never more points than the server allows. */
export function defaultGranularity(period: Period): Granularity {
  const days = daysBetween(period.from, period.to);
  if (days <= 62) return 'day';
  if (days <= 7 * 30) return 'week';
  return 'month';
}

/** The granularities that stay within the server's limit of points for this period. */
export function allowedGranularities(period: Period): Granularity[] {
  const days = daysBetween(period.from, period.to);
  const out: Granularity[] = [];
  if (days <= MAX_TREND_POINTS) out.push('day');
  if (Math.ceil(days / 7) + 1 <= MAX_TREND_POINTS) out.push('week');
  out.push('month');
  return out;
}

// ── Figures ────────────────────────────────────────────────────────────────────────────────────────────────────

/** 0.9351 → `93.5%`, 12.34 s → `12.3` (the unit is added by the caller's words); null → null. */
export function formatValue(value: number | null, unit: Unit): string | null {
  if (value === null) return null;
  if (unit === 'ratio') return `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
  return (Math.round(value * 10) / 10).toFixed(1);
}

/** Definitions in display order: the headline first, then the others as the server lists them. */
export function orderDefinitions(definitions: readonly Definition[]): Definition[] {
  const rank = (key: string) => {
    const i = (HEADLINE as readonly string[]).indexOf(key);
    return i === -1 ? HEADLINE.length : i;
  };
  return definitions.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d.key) - rank(b.d.key) || a.i - b.i).map(({ d }) => d);
}

/** The `n` keys of a cut with the most items (denominator), keyless rows last; ties by label. */
export function topByVolume(cuts: readonly CutFigure[], n: number): CutFigure[] {
  return [...cuts]
    .filter((c) => c.denominator > 0)
    .sort((a, b) => Number(a.key === null) - Number(b.key === null) || b.denominator - a.denominator || (a.label ?? '').localeCompare(b.label ?? ''))
    .slice(0, n);
}

/** The keys of a cut for a bar chart: highest value first (no value last), at most `n`. */
export function rankByValue(cuts: readonly CutFigure[], n = 20): CutFigure[] {
  return [...cuts]
    .filter((c) => c.denominator > 0)
    .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || b.denominator - a.denominator)
    .slice(0, n);
}

// ── Chart options ─────────────────────────────────────────────────────────────────────────────────────────────

const PALETTE = ['#1677ff', '#52c41a', '#fa8c16', '#eb2f96', '#13c2c2', '#722ed1', '#faad14', '#2f54eb'];

/** Value shown on a chart: ratios as percentages (0–100), seconds as they are. */
function chartValue(value: number | null, unit: Unit): number | null {
  if (value === null) return null;
  return unit === 'ratio' ? Math.round(value * 1000) / 10 : Math.round(value * 10) / 10;
}

/**
 * A line per measure over the trend's points. Ratios share the left axis (0–100 %), averages in seconds the
 * right one, so a wait time and a rate can be shown together without one flattening the other.
 */
export function trendOption(
  trends: TrendsResponse['trends'],
  labels: { name: (key: string) => string; seconds: string; axisLabel: (start: string) => string },
): Record<string, unknown> {
  const categories = trends[0]?.points.map((p) => labels.axisLabel(p.start)) ?? [];
  const hasSeconds = trends.some((t) => t.unit === 'seconds');
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 48, right: hasSeconds ? 56 : 24, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: categories, boundaryGap: false },
    yAxis: [
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      ...(hasSeconds ? [{ type: 'value', min: 0, name: labels.seconds, splitLine: { show: false } }] : []),
    ],
    series: trends.map((t) => ({
      name: labels.name(t.key),
      type: 'line',
      yAxisIndex: t.unit === 'seconds' ? 1 : 0,
      connectNulls: false,
      symbolSize: 6,
      data: t.points.map((p) => chartValue(p.value, t.unit)),
    })),
  };
}

/** Horizontal bars of one measure per key of a cut, best at the top. */
export function breakdownOption(rows: readonly CutFigure[], unit: Unit, labels: { key: (row: CutFigure) => string; name: string }): Record<string, unknown> {
  const shown = [...rows].reverse(); // ECharts draws the first category at the bottom
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: unit === 'ratio' ? { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } } : { type: 'value', min: 0 },
    yAxis: { type: 'category', data: shown.map(labels.key), axisLabel: { width: 140, overflow: 'truncate' } },
    series: [
      {
        name: labels.name,
        type: 'bar',
        data: shown.map((r) => chartValue(r.value, unit)),
        label: { show: true, position: 'right', formatter: unit === 'ratio' ? '{c}%' : '{c}' },
        barMaxWidth: 22,
      },
    ],
  };
}

/** Bars of volume (denominator) per key, largest at the top: for the top categories and departments. */
export function volumeOption(rows: readonly CutFigure[], labels: { key: (row: CutFigure) => string; name: string }): Record<string, unknown> {
  const shown = [...rows].reverse();
  return {
    color: ['#1677ff'],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map(labels.key), axisLabel: { width: 140, overflow: 'truncate' } },
    series: [{ name: labels.name, type: 'bar', data: shown.map((r) => r.denominator), label: { show: true, position: 'right' }, barMaxWidth: 22 }],
  };
}

/** The codes worth a bar: those with calls, most first (ties in the admins' order, which the server keeps). */
export function wrapUpChartCodes(report: WrapUpReport): WrapUpCodeFigure[] {
  return report.codes
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.calls > 0)
    .sort((a, b) => b.c.calls - a.c.calls || a.i - b.i)
    .map(({ c }) => c);
}

/**
 * Horizontal bars of calls per wrap-up code, most at the top; with a cut, each bar is stacked by desk or agent
 * (at most `maxGroups`, the rest summed as `others`), so a desk that codes differently shows at a glance.
 */
export function wrapUpOption(
  report: WrapUpReport,
  labels: { code: (c: WrapUpCodeFigure) => string; group: (g: WrapUpGroup) => string; calls: string; others: string },
  maxGroups = 7,
): Record<string, unknown> {
  const shown = [...wrapUpChartCodes(report)].reverse(); // ECharts draws the first category at the bottom
  const base = {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 40, top: report.cut ? 32 : 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map(labels.code), axisLabel: { width: 140, overflow: 'truncate' } },
  };
  if (!report.cut || report.groups.length === 0) {
    return { ...base, series: [{ name: labels.calls, type: 'bar', data: shown.map((c) => c.calls), label: { show: true, position: 'right' }, barMaxWidth: 22 }] };
  }
  const top = report.groups.slice(0, maxGroups);
  const rest = report.groups.slice(maxGroups);
  const series = top.map((g) => ({ name: labels.group(g), type: 'bar', stack: 'calls', barMaxWidth: 22, data: shown.map((c) => g.calls[c.code] ?? 0) }));
  if (rest.length > 0) {
    series.push({ name: labels.others, type: 'bar', stack: 'calls', barMaxWidth: 22, data: shown.map((c) => rest.reduce((n, g) => n + (g.calls[c.code] ?? 0), 0)) });
  }
  return { ...base, legend: { top: 0, type: 'scroll' }, series };
}

/** `12.3 KB`-style sizes for the download progress. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
