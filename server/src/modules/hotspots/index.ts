/**
 * Hotspot alerts (热点预警): bursts of similar requests — one ticket category in one district — over sliding
 * windows against their usual level, pushed to supervisors (`hotspot.detected`) with the tickets behind them.
 * The rule itself is `detection.ts` (pure); `runHotspotDetection` is what the scheduled job runs.
 */
import type { PlatformModule } from '../registry.ts';
import { hotspotJobs, hotspotSchedule } from './hotspots.jobs.ts';
import { hotspotRoutes } from './hotspots.routes.ts';

export { assessWindow, detectHotspots, defaultHotspotRules, HotspotRulesSchema, type HotspotRules, type GroupCounts, type Hotspot } from './detection.ts';
export { runHotspotDetection, acknowledgeHotspotAlert, getHotspotAlert, listHotspotAlerts, type DetectionResult } from './hotspots.service.ts';
export { hotspotAbilities } from './hotspots.policy.ts';
export { detectHotspotsJobName } from './hotspots.jobs.ts';

export const hotspotsModule: PlatformModule = { name: 'hotspots', routes: hotspotRoutes, jobs: hotspotJobs, schedule: hotspotSchedule };
