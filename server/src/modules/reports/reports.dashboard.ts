/**
 * The reports page headline (the "dashboard figures"): every measure for today and for this month to date, in
 * the hotline's time zone, judged now. Whole past days come from the daily rollups (rollups.ts), today's
 * finished hours from the hour rollups, and only the hour under way live, so the headline stays fast over a
 * year of calls and tickets.
 */
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { userRoute, type RouteSpec } from '../../platform/http/route.ts';
import { createZonedClock, formatDayNumber } from '../calendar/zoned-time.ts';
import { reportScope, type ReportScope } from './reports.policy.ts';
import { measures, type MeasurePeriod } from './measures.ts';
import { addFigures, computeMeasures, resolvePeriod } from './reports.service.ts';

export type DashboardInput = { useRollups?: boolean };

/**
 * Today's and this month's figures (totals) for the reader's scope, judged at `now`. "This month" is the month
 * to date ([1st, tomorrow)): the days before today (rollups) plus today, whose live figures are computed once
 * and added to both.
 */
export async function buildDashboard(ctx: AppContext, scope: ReportScope, now = new Date(), input: DashboardInput = {}) {
  const clock = createZonedClock(ctx.config.timezone);
  const today = clock.dayNumberOf(now.getTime());
  const date = new Date(today * 86_400_000);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
  const useRollups = input.useRollups ?? true;
  const todayPeriod = resolvePeriod(ctx.config.timezone, formatDayNumber(today), formatDayNumber(today + 1), now);
  // Judged now, like today: an open item of the 3rd is late once its deadline has passed, as of this moment.
  const before: MeasurePeriod = { from: new Date(clock.instantAt(monthStart, 0)), to: todayPeriod.from, asOf: todayPeriod.asOf };
  const [todayFigures, beforeFigures] = await Promise.all([
    computeMeasures(ctx, scope, todayPeriod, { useRollups }),
    monthStart < today ? computeMeasures(ctx, scope, before, { useRollups }) : undefined,
  ]);
  const monthFigures = Object.fromEntries(
    measures.map((m) => [m.key, beforeFigures ? addFigures(m, beforeFigures[m.key]!, todayFigures[m.key]!) : todayFigures[m.key]!]),
  );
  const iso = (p: MeasurePeriod) => ({ from: p.from.toISOString(), to: p.to.toISOString(), asOf: p.asOf.toISOString() });
  return {
    at: now.toISOString(),
    today: { ...iso(todayPeriod), measures: todayFigures },
    month: { ...iso({ ...before, to: todayPeriod.to }), measures: monthFigures },
  };
}

export function dashboardRoutes(ctx: AppContext): RouteSpec[] {
  return [
    userRoute({
      method: 'get',
      path: '/api/reports/dashboard',
      summary: '报表首页：今日与本月各项指标 Every measure for today and this month',
      tags: ['报表 Reports'],
      handler: async ({ actor }: { actor: UserActor }) => {
        const scope = reportScope(actor);
        if (!scope) throw new AppError('FORBIDDEN');
        return buildDashboard(ctx, scope);
      },
    }),
  ];
}
