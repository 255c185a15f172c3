/**
 * What other modules and the registry use from follow-up (回访).
 *
 *  - The tickets module enqueues `surveys.plan` ({ ticketId }) when a reply passes review into pending_survey.
 *  - The calls module calls `offerPostCallRating(ctx, { callId, callSid, agentId })` where the agent's side of
 *    a call ends, instead of hanging up on the caller; false means "hang up as before".
 */
import type { Router } from 'express';
import type { AppContext } from '../../context.ts';
import { loadSurveyFlows } from './surveys.calls.ts';
import { surveyJobs } from './surveys.jobs.ts';
import { surveyRoutes } from './surveys.routes.ts';
import { surveyWebhooks } from './surveys.webhooks.ts';

export { offerPostCallRating } from './surveys.calls.ts';
export { surveyAbilities } from './surveys.policy.ts';
export { surveyFigures } from './surveys.queries.ts';
export { defaultSurveyPolicy, type SurveyPolicy, type SurveyOutcome } from './surveys.schema.ts';

export const surveysModule = {
  name: 'surveys',
  routes: (ctx: AppContext) => surveyRoutes(ctx),
  webhooks: (ctx: AppContext, router: Router) => surveyWebhooks(ctx, router),
  jobs: surveyJobs,
  async start(ctx: AppContext): Promise<void> {
    await loadSurveyFlows(ctx);
  },
};
