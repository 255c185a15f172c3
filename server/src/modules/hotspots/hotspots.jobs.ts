/**
 * The detection job: every five minutes (cron), so a burst in the 1-hour window is seen within minutes. The
 * payload is ignored (graphile-worker's cron adds its own `_cron` field); the run is idempotent, so a retry or
 * a backfilled cron tick does no harm.
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { runHotspotDetection } from './hotspots.service.ts';

export const detectHotspotsJobName = 'hotspots.detect';

export function hotspotJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob({
      name: detectHotspotsJobName,
      payload: z.object({}),
      run: async () => {
        await runHotspotDetection(ctx);
      },
    }),
  ];
}

export const hotspotSchedule = [{ job: detectHotspotsJobName, cron: '*/5 * * * *' }];
