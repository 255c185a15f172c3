/** Department assessment (考核): schemes, scores and ranking, publishing, and the 效能投诉 dispatch rule. */
import type { PlatformModule } from '../registry.ts';
import { assessmentJobs, assessmentSchedule } from './assessment.jobs.ts';
import { assessmentRoutes } from './assessment.routes.ts';

export { assessmentAbilities, assessmentScope } from './assessment.policy.ts';
export { computeScores, getDepartmentScore, getRanking, publishPeriod, rankScores, schemeFor, type DepartmentScore } from './assessment.service.ts';
export { defaultScheme, scoreRule, type Scheme, type SchemeDefinition } from './assessment.scheme.ts';
export { parsePeriod } from './assessment.periods.ts';
export { checkConductDispatch, flagConductComplaint } from './conduct.ts';

export const assessmentModule: PlatformModule = { name: 'assessment', routes: assessmentRoutes, jobs: assessmentJobs, schedule: assessmentSchedule };
