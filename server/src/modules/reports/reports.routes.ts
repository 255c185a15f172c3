/** Reports API: figures per cut, the items behind a figure, the definitions, the monthly report. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { userRoute, type RouteSpec } from '../../platform/http/route.ts';
import { cuts, findMeasure, measures, type Cut } from './measures.ts';
import { buildMonthlyReport, monthlyCsv, monthlyXlsx } from './monthly.ts';
import { reportScope } from './reports.policy.ts';
import { computeMeasures, listMeasureItems, resolvePeriod, type Filters } from './reports.service.ts';
import { narrowToDepartment, trendRoutes } from './reports.trends.ts';
import { buildWrapUpReport, listWrapUpCalls, wrapUpCsv, wrapUpCuts } from './reports.wrap-up.ts';

const tags = ['报表 Reports'];
const when = z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'YYYY-MM-DD or an ISO instant');

const PeriodQuery = z.object({
  from: when,
  to: when,
  shortAbandonSeconds: z.coerce.number().min(0).max(120).optional(),
  serviceLevelSeconds: z.coerce.number().min(1).max(600).optional(),
  openPastDeadline: z.enum(['late', 'exclude']).optional(),
  ...Object.fromEntries(cuts.map((c) => [c, z.string().max(100).optional()])) as Record<Cut, z.ZodOptional<z.ZodString>>,
});
type PeriodQueryT = z.infer<typeof PeriodQuery>;

function scopeOf(actor: UserActor) {
  const scope = reportScope(actor);
  if (!scope) throw new AppError('FORBIDDEN');
  return scope;
}

function optionsOf(q: PeriodQueryT) {
  return {
    ...(q.shortAbandonSeconds !== undefined ? { shortAbandonSeconds: q.shortAbandonSeconds } : {}),
    ...(q.serviceLevelSeconds !== undefined ? { serviceLevelSeconds: q.serviceLevelSeconds } : {}),
    ...(q.openPastDeadline !== undefined ? { openPastDeadline: q.openPastDeadline } : {}),
  };
}

function filtersOf(q: PeriodQueryT): Filters {
  const f: Filters = {};
  for (const c of cuts) if (q[c] !== undefined) f[c] = q[c];
  return f;
}

export function reportRoutes(ctx: AppContext): RouteSpec[] {
  return [
    userRoute({
      method: 'get',
      path: '/api/reports/definitions',
      summary: '指标口径说明 Plain-words definitions of every measure',
      tags,
      handler: async ({ actor }) => {
        scopeOf(actor);
        return {
          measures: measures.map((m) => ({ key: m.key, label: m.label, unit: m.unit, item: m.item, cuts: m.cuts, description: m.description, numerator: m.numerator, denominator: m.denominator })),
        };
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/reports/measures',
      summary: '各项指标（可按部门、席位、坐席、渠道、类型、分类拆分） Every measure over a period, optionally per cut',
      tags,
      query: PeriodQuery.extend({ cut: z.enum(cuts).optional() }),
      handler: async ({ actor, query }) => {
        const scope = scopeOf(actor);
        const period = resolvePeriod(ctx.config.timezone, query.from, query.to);
        const figures = await computeMeasures(ctx, scope, period, { cut: query.cut, filters: filtersOf(query), options: optionsOf(query) });
        return { from: period.from.toISOString(), to: period.to.toISOString(), asOf: period.asOf.toISOString(), cut: query.cut ?? null, measures: figures };
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/reports/measures/:key/items',
      summary: '指标明细（数字背后的来电或工单） The calls, tickets or assignments behind a figure',
      tags,
      params: z.object({ key: z.string() }),
      query: PeriodQuery.extend({
        numerator: z.enum(['true', 'false']).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      handler: async ({ actor, params, query }) => {
        const scope = scopeOf(actor);
        const m = findMeasure(params.key);
        if (!m) throw new AppError('NOT_FOUND');
        const period = resolvePeriod(ctx.config.timezone, query.from, query.to);
        const result = await listMeasureItems(ctx, scope, m, period, {
          filters: filtersOf(query),
          options: optionsOf(query),
          numeratorOnly: query.numerator === 'true',
          limit: query.limit,
          offset: query.offset,
        });
        return { measure: m.key, item: m.item, ...result };
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/reports/monthly',
      summary: '办件月报表（xlsx / CSV / JSON） The monthly report per department and for the hotline',
      tags,
      query: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), format: z.enum(['json', 'xlsx', 'csv']).default('json'), department: z.uuid().optional() }),
      handler: async ({ actor, query, res }) => {
        // One department's report is the whole report read in that department's scope (its row, no hotline total).
        const scope = query.department ? narrowToDepartment(scopeOf(actor), query.department) : scopeOf(actor);
        const rows = await buildMonthlyReport(ctx, scope, query.month);
        // The selection is echoed so a client can tell which month and department an answer is for.
        if (query.format === 'json') return { month: query.month, department: query.department ?? null, rows };
        const name = `monthly-report-${query.month}.${query.format}`;
        res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
        if (query.format === 'csv') res.type('text/csv; charset=utf-8').send(monthlyCsv(rows));
        else res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await monthlyXlsx(rows, query.month));
        return undefined;
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/reports/wrap-up-codes',
      summary: '话后小结统计（可按坐席组、坐席拆分；JSON / CSV） Answered calls by wrap-up code, optionally per desk or agent',
      tags,
      query: z.object({
        from: when,
        to: when,
        cut: z.enum(wrapUpCuts).optional(),
        desk: z.string().max(100).optional(),
        agent: z.string().max(100).optional(),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      handler: async ({ actor, query, res }) => {
        const scope = scopeOf(actor);
        const period = resolvePeriod(ctx.config.timezone, query.from, query.to);
        const filters: Filters = { ...(query.desk !== undefined ? { desk: query.desk } : {}), ...(query.agent !== undefined ? { agent: query.agent } : {}) };
        const report = await buildWrapUpReport(ctx, scope, period, { cut: query.cut, filters });
        if (query.format === 'json') return report;
        // File names carry the dates as asked (an instant is cut to its date).
        res.setHeader('Content-Disposition', `attachment; filename="wrap-up-codes-${query.from.slice(0, 10)}_${query.to.slice(0, 10)}.csv"`);
        res.type('text/csv; charset=utf-8').send(wrapUpCsv(report));
        return undefined;
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/reports/wrap-up-codes/items',
      summary: '话后小结明细（某编码下的来电） The answered calls behind one wrap-up code’s count',
      tags,
      query: z.object({
        from: when,
        to: when,
        code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, '话后小结编码 (a wrap-up code)'),
        desk: z.string().max(100).optional(),
        agent: z.string().max(100).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      handler: async ({ actor, query }) => {
        const scope = scopeOf(actor);
        const period = resolvePeriod(ctx.config.timezone, query.from, query.to);
        const filters: Filters = { ...(query.desk !== undefined ? { desk: query.desk } : {}), ...(query.agent !== undefined ? { agent: query.agent } : {}) };
        return listWrapUpCalls(ctx, scope, period, { code: query.code, filters, limit: query.limit, offset: query.offset });
      },
    }),
    ...trendRoutes(ctx),
  ];
}
