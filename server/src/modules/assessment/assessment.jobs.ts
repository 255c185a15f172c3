/**
 * Monthly publishing: on the 10th (time for supervisors to finish scoring the month just ended) the previous
 * month is published, and so is the quarter or year that month closed. Admins can publish earlier by hand;
 * a period already published is skipped.
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { systemActor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { defineJob } from '../../platform/jobs.ts';
import { periodContaining, previousPeriod } from './assessment.periods.ts';
import { publishPeriod } from './assessment.service.ts';

/** The periods that ended with the month before `today` (local date YYYY-MM-DD). */
export function periodsDueOn(today: string): string[] {
  const month = previousPeriod(periodContaining('month', today));
  const due = [month.key];
  const m = Number(month.key.slice(5, 7));
  if (m % 3 === 0) due.push(`${month.key.slice(0, 4)}-Q${m / 3}`);
  if (m === 12) due.push(month.key.slice(0, 4));
  return due;
}

export function assessmentJobs(ctx: AppContext) {
  return [
    defineJob({
      name: 'assessment.publish-due-periods',
      payload: z.object({}).passthrough(),
      run: async (_payload, { logger }) => {
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.config.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
        for (const period of periodsDueOn(today)) {
          try {
            const r = await publishPeriod(ctx, systemActor('assessment'), period);
            logger.info(r, 'assessment period published');
          } catch (error) {
            if (error instanceof AppError && error.code === 'CONFLICT') continue; // published by hand already
            throw error;
          }
        }
      },
    }),
  ];
}

export const assessmentSchedule = [{ job: 'assessment.publish-due-periods', cron: '0 2 10 * *' }];
