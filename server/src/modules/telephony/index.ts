/** What other modules and the registry use from telephony. */
import type { Router } from 'express';
import type { AppContext } from '../../context.ts';
import { addJob } from '../../platform/jobs.ts';
import { callsJobs, callsSchedule } from '../calls/calls.jobs.ts';
import { callsRoutes } from '../calls/calls.routes.ts';
import { routingRoutes } from '../routing/routing.routes.ts';
import { startRoutingListener } from '../routing/routing.service.ts';
import { loadCallFlows } from './telephony.flows.ts';
import { telephonyRoutes } from './telephony.routes.ts';
import { simPhoneRoutes } from './sim-phone.routes.ts';
import { telephonyWebhooks } from './telephony.webhooks.ts';

export { voiceUrl, conferenceName, agentIdentity } from './telephony.urls.ts';

/**
 * The calls platform module (telephony + calls + routing): webhooks, console API, jobs. At start-up the call
 * flows are loaded (a bad flow stops the start) and the queue sweep is seeded.
 */
export const callsModule = {
  name: 'calls',
  routes: (ctx: AppContext) => [...telephonyRoutes(ctx), ...routingRoutes(ctx), ...callsRoutes(ctx), ...simPhoneRoutes(ctx)],
  webhooks: (ctx: AppContext, router: Router) => telephonyWebhooks(ctx, router),
  jobs: callsJobs,
  schedule: callsSchedule,
  async start(ctx: AppContext, runtime: { databaseUrl: string }): Promise<() => Promise<void>> {
    await loadCallFlows(ctx);
    await addJob(ctx.db, 'routing.sweep', {}, { jobKey: 'routing.sweep' });
    // Dials the offers reserved inside other use cases' transactions as they commit (routing_dial NOTIFY).
    return startRoutingListener(ctx, runtime.databaseUrl);
  },
};
