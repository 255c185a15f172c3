/** Reports: the measures (one definition each), figures per cut, drill-down, the monthly report and the rollups behind them. */
import type { PlatformModule } from '../registry.ts';
import { dashboardRoutes } from './reports.dashboard.ts';
import { reportRoutes } from './reports.routes.ts';
import { refreshRollupsJob, reportsSchedule } from './rollups.ts';

export { measures, findMeasure, defaultMeasureOptions, type MeasureDefinition, type MeasureOptions } from './measures.ts';
export { computeMeasure, computeMeasures, listMeasureItems, resolvePeriod, monthPeriod } from './reports.service.ts';
export { buildMonthlyReport } from './monthly.ts';
export { buildWrapUpReport, wrapUpCsv, type WrapUpReport } from './reports.wrap-up.ts';
export { buildDashboard } from './reports.dashboard.ts';
export { refreshRollups } from './rollups.ts';
export { reportAbilities, reportScope } from './reports.policy.ts';

export const reportsModule: PlatformModule = {
  name: 'reports',
  routes: (ctx) => [...reportRoutes(ctx), ...dashboardRoutes(ctx)],
  jobs: (ctx) => [refreshRollupsJob(ctx)],
  schedule: reportsSchedule,
};
