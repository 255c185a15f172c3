/** Background jobs of sign-in: a daily purge of expired refresh tokens. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs.ts';
import { purgeExpiredTokens } from './auth.service.ts';

export function authJobs(ctx: AppContext) {
  return [
    defineJob({
      name: 'auth.purge-expired-tokens',
      payload: z.object({}).passthrough(),
      run: async (_payload, { logger }) => {
        const removed = await purgeExpiredTokens(ctx);
        logger.info({ removed }, 'expired refresh tokens purged');
      },
    }),
  ];
}

export const authSchedule = [{ job: 'auth.purge-expired-tokens', cron: '0 3 * * *' }];
