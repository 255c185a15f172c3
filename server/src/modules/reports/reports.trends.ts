/**
 * Trends: a measure per day, week or month over a range, and the items behind one point of the trend.
 *
 * Each point is `computeMeasure` over the bucket's own [from, to), so a point is computed by the very same
 * definition (and the same scope and filters) as every other figure: no SQL of its own. Open items are judged
 * as of the whole range's end (or now, when earlier), not the bucket's end: an assignment dispatched on the 3rd
 * with a deadline on the 5th must count as signed on time when it was signed on the 4th, and judging a daily
 * point at midnight of its own day would leave it out. With one judgement moment for every bucket, the buckets
 * add up to the figure of the whole range. The point's drill-down (`/api/reports/trends/:key/items`) uses the
 * same moment, so a point and the list behind it agree.
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { userRoute, type RouteSpec } from '../../platform/http/route.ts';
import { createZonedClock, formatDayNumber, parseIsoDate, weekdayOf } from '../calendar/zoned-time.ts';
import { cuts, findMeasure, type Cut, type MeasureDefinition, type MeasureOptions, type MeasurePeriod } from './measures.ts';
import { reportScope, type ReportScope } from './reports.policy.ts';
import { computeMeasure, listMeasureItems, type Figure, type Filters } from './reports.service.ts';

export const granularities = ['day', 'week', 'month'] as const;
export type Granularity = (typeof granularities)[number];

/** At most this many points per trend: a daily trend over a quarter, or monthly over several years. */
export const maxBuckets = 100;
/** At most this many measures per trend request (each point is one query per measure). */
export const maxTrendMeasures = 8;

/** One bucket: local dates (`to` exclusive) and the instants they stand for. */
export type Bucket = { start: string; end: string; from: Date; to: Date };

/**
 * The buckets covering the local dates [from, to): calendar days, ISO weeks (Monday first) or calendar months,
 * the first and last clipped to the range. Pure, so the edges can be tested without a database.
 */
export function splitIntoBuckets(timezone: string, from: string, to: string, granularity: Granularity): Bucket[] {
  const clock = createZonedClock(timezone);
  const first = parseIsoDate(from);
  const last = parseIsoDate(to);
  if (first === undefined || last === undefined || last <= first) return [];
  const nextStart = (day: number): number => {
    if (granularity === 'day') return day + 1;
    if (granularity === 'week') return day + (7 - ((weekdayOf(day) + 6) % 7));
    const date = new Date(day * 86_400_000);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 86_400_000;
  };
  const buckets: Bucket[] = [];
  for (let day = first; day < last; ) {
    const end = Math.min(nextStart(day), last);
    buckets.push({ start: formatDayNumber(day), end: formatDayNumber(end), from: new Date(clock.instantAt(day, 0)), to: new Date(clock.instantAt(end, 0)) });
    day = end;
    if (buckets.length > maxBuckets) break; // the caller refuses the request; no need to count further
  }
  return buckets;
}

export type TrendPoint = Figure & { start: string; end: string };
export type Trend = { key: string; unit: MeasureDefinition['unit']; points: TrendPoint[] };

/**
 * `keys` per bucket over [from, to) (local dates), in the reader's scope, with the filters and options of
 * every other figure. Buckets that start after `now` have no items yet and are answered without a query.
 */
export async function computeTrends(
  ctx: AppContext,
  scope: ReportScope,
  input: { from: string; to: string; granularity: Granularity; keys: readonly string[]; filters?: Filters; options?: Partial<MeasureOptions> },
  now = new Date(),
): Promise<{ asOf: Date; buckets: Bucket[]; trends: Trend[] }> {
  const buckets = splitIntoBuckets(ctx.config.timezone, input.from, input.to, input.granularity);
  const end = buckets.at(-1)?.to ?? now;
  const asOf = end < now ? end : now;
  const jobs = input.keys.flatMap((key) => buckets.map((b) => ({ m: findMeasure(key)!, b })));
  const figures = await mapWithConcurrency(jobs, trendConcurrency, ({ m, b }): Promise<Figure> =>
    b.from >= asOf ? Promise.resolve({ numerator: 0, denominator: 0, value: null }) : computeMeasure(ctx, scope, m, { from: b.from, to: b.to, asOf }, { filters: input.filters ?? {}, options: input.options ?? {} }),
  );
  const trends = input.keys.map((key, k) => {
    const m = findMeasure(key)!;
    const points = buckets.map((b, i): TrendPoint => {
      const f = figures[k * buckets.length + i]!;
      return { start: b.start, end: b.end, numerator: f.numerator, denominator: f.denominator, value: f.value };
    });
    return { key: m.key, unit: m.unit, points };
  });
  return { asOf, buckets, trends };
}

/**
 * Points computed at once per trend request: enough to overlap the round trips of small per-bucket queries,
 * few enough to leave the pool's other connections to everyone else.
 */
const trendConcurrency = 3;

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ── HTTP ──────────────────────────────────────────────────────────────────────────────────────────────────────

const tags = ['报表 Reports'];
const isoDate = z.string().refine((s) => parseIsoDate(s) !== undefined, { message: 'YYYY-MM-DD' });

const RangeQuery = z.object({
  from: isoDate,
  to: isoDate,
  shortAbandonSeconds: z.coerce.number().min(0).max(120).optional(),
  serviceLevelSeconds: z.coerce.number().min(1).max(600).optional(),
  openPastDeadline: z.enum(['late', 'exclude']).optional(),
  ...(Object.fromEntries(cuts.map((c) => [c, z.string().max(100).optional()])) as Record<Cut, z.ZodOptional<z.ZodString>>),
});
type RangeQueryT = z.infer<typeof RangeQuery>;

function scopeOf(actor: UserActor): ReportScope {
  const scope = reportScope(actor);
  if (!scope) throw new AppError('FORBIDDEN');
  return scope;
}

function optionsOf(q: RangeQueryT): Partial<MeasureOptions> {
  const o: Partial<MeasureOptions> = {};
  if (q.shortAbandonSeconds !== undefined) o.shortAbandonSeconds = q.shortAbandonSeconds;
  if (q.serviceLevelSeconds !== undefined) o.serviceLevelSeconds = q.serviceLevelSeconds;
  if (q.openPastDeadline !== undefined) o.openPastDeadline = q.openPastDeadline;
  return o;
}

function filtersOf(q: RangeQueryT): Filters {
  const f: Filters = {};
  for (const c of cuts) if (q[c] !== undefined) f[c] = q[c];
  return f;
}

/** Refuses an empty or reversed range and one with too many points, naming the field. */
function bucketsOrRefuse(ctx: AppContext, q: { from: string; to: string }, granularity: Granularity): Bucket[] {
  if (q.to <= q.from) throw new AppError('VALIDATION', { messageKey: 'reports.error.range_order', field: 'to' });
  const buckets = splitIntoBuckets(ctx.config.timezone, q.from, q.to, granularity);
  if (buckets.length > maxBuckets) throw new AppError('VALIDATION', { messageKey: 'reports.error.too_many_points', params: { max: maxBuckets }, field: 'granularity' });
  return buckets;
}

/** The trend routes; registered beside the other report routes. */
export function trendRoutes(ctx: AppContext): RouteSpec[] {
  return [
    userRoute({
      method: 'get',
      path: '/api/reports/trends',
      summary: '指标趋势（按日、周、月） A measure per day, week or month over a range of dates',
      tags,
      query: RangeQuery.extend({
        granularity: z.enum(granularities).default('day'),
        measures: z
          .string()
          .max(400)
          .default('serviceLevel,answerRate,finishedOnTime,satisfaction')
          .transform((s) => [...new Set(s.split(',').map((k) => k.trim()).filter(Boolean))])
          .refine((keys) => keys.length > 0 && keys.length <= maxTrendMeasures, { message: `1–${maxTrendMeasures}` })
          .refine((keys) => keys.every((k) => findMeasure(k) !== undefined), { message: 'unknown measure' }),
      }),
      handler: async ({ actor, query }) => {
        const scope = scopeOf(actor);
        bucketsOrRefuse(ctx, query, query.granularity);
        const result = await computeTrends(ctx, scope, { from: query.from, to: query.to, granularity: query.granularity, keys: query.measures, filters: filtersOf(query), options: optionsOf(query) });
        return {
          from: query.from,
          to: query.to,
          granularity: query.granularity,
          asOf: result.asOf.toISOString(),
          trends: result.trends,
        };
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/reports/trends/:key/items',
      summary: '趋势某一点背后的明细 The items behind one point of a trend (judged as of the end of the whole range)',
      tags,
      params: z.object({ key: z.string() }),
      query: RangeQuery.extend({
        rangeTo: isoDate.meta({ description: '整个趋势区间的结束日期（不含） End of the whole trend range (exclusive)' }),
        numerator: z.enum(['true', 'false']).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      handler: async ({ actor, params, query }) => {
        const scope = scopeOf(actor);
        const m = findMeasure(params.key);
        if (!m) throw new AppError('NOT_FOUND', { params: { entity: params.key } });
        if (query.to <= query.from) throw new AppError('VALIDATION', { messageKey: 'reports.error.range_order', field: 'to' });
        if (query.rangeTo < query.to) throw new AppError('VALIDATION', { messageKey: 'reports.error.range_order', field: 'rangeTo' });
        const clock = createZonedClock(ctx.config.timezone);
        const local = (date: string) => new Date(clock.instantAt(parseIsoDate(date)!, 0));
        const rangeEnd = local(query.rangeTo);
        const now = new Date();
        const period: MeasurePeriod = { from: local(query.from), to: local(query.to), asOf: rangeEnd < now ? rangeEnd : now };
        const result = await listMeasureItems(ctx, scope, m, period, {
          filters: filtersOf(query),
          options: optionsOf(query),
          numeratorOnly: query.numerator === 'true',
          limit: query.limit,
          offset: query.offset,
        });
        return { measure: m.key, item: m.item, asOf: period.asOf.toISOString(), ...result };
      },
    }),
  ];
}

/** The scope of one department's report: any department for hotline readers, only their own for department staff. */
export function narrowToDepartment(scope: ReportScope, departmentId: string): ReportScope {
  if (scope.kind === 'department' && scope.departmentId !== departmentId) throw new AppError('FORBIDDEN');
  return { kind: 'department', departmentId };
}
