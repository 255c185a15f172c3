/** Jobs of calls and routing: transcription, offer and wrap-up timers, the sweep and automatic callbacks. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { addJob, defineJob } from '../../platform/jobs.ts';
import { endOffer, sweepQueue } from '../routing/routing.service.ts';
import { expireWrapUp, queueDueCallbacks, transcribeRecording } from './calls.service.ts';
import { sweepVanishedCallsWhenDue } from '../telephony/telephony.sweep.ts';

const TRANSCRIBE_ATTEMPTS = 5;

export function callsJobs(ctx: AppContext) {
  return [
    defineJob({
      name: 'calls.transcribe-recording',
      payload: z.object({ recordingSid: z.string().min(1), kind: z.enum(['voicemail', 'call']) }),
      run: (p, { attempt }) => transcribeRecording(ctx, p, attempt, TRANSCRIBE_ATTEMPTS),
    }),
    defineJob({
      name: 'routing.withdraw-offer',
      payload: z.object({ offerId: z.uuid() }),
      run: async (p) => void (await endOffer(ctx, p.offerId, 'no_answer', { reason: 'timeout' })),
    }),
    defineJob({
      name: 'routing.finish-wrap-up',
      payload: z.object({ userId: z.uuid() }),
      // The wrap-up time is up: 未选择 is recorded for a call left without a code, then the agent is available.
      run: async (p) => void (await expireWrapUp(ctx, p.userId)),
    }),
    defineJob({
      // Runs every few seconds: it re-adds itself (one pending copy, by key); the cron below restarts it.
      name: 'routing.sweep',
      payload: z.object({}).passthrough(),
      run: async (_p, { logger }) => {
        try {
          const result = await sweepQueue(ctx);
          const callbacks = await queueDueCallbacks(ctx);
          // Calls whose final status callback the carrier lost are closed from the carrier's own status.
          await sweepVanishedCallsWhenDue(ctx).catch((e: unknown) => logger.warn({ err: e }, 'vanished-call sweep failed'));
          if (result.withdrawn || result.overflowed || callbacks) logger.info({ ...result, callbacks }, 'queue sweep');
        } finally {
          await addJob(ctx.db, 'routing.sweep', {}, { jobKey: 'routing.sweep', runAt: new Date(Date.now() + ctx.config.calls.sweepSeconds * 1000) });
        }
      },
    }),
  ];
}

export const callsSchedule = [{ job: 'routing.sweep', cron: '* * * * *' }];
