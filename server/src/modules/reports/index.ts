/** Reports: the measures (one definition each), figures per cut, drill-down and the monthly report. */
import type { PlatformModule } from '../registry.ts';
import { reportRoutes } from './reports.routes.ts';

export { measures, findMeasure, defaultMeasureOptions, type MeasureDefinition, type MeasureOptions } from './measures.ts';
export { computeMeasure, computeMeasures, listMeasureItems, resolvePeriod, monthPeriod } from './reports.service.ts';
export { buildMonthlyReport } from './monthly.ts';
export { reportAbilities, reportScope } from './reports.policy.ts';

export const reportsModule: PlatformModule = { name: 'reports', routes: reportRoutes };
