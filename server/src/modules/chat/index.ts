/**
 * What other modules may use from the chatbot, and the module for the registry.
 *
 * For the phone (the IVR `voicebot` node, modules/telephony):
 *
 *   const { say, outcome } = await answerSpokenQuestion(ctx, { callId, text: speechResult, language: 'zh-CN' }, trx);
 *   // pass the webhook's transaction, so a retried webhook never stores the turn twice (telephony.voicebot.ts)
 *   // outcome 'answered'  → say it, then offer another question (a bounded loop)
 *   //         'ambiguous' → say it (numbered choices, or "please say it again") and gather speech again
 *   //         'handoff'   → say it, then the node's `wantsAgent` branch (queue)
 *   noteSpokenHandoff(ctx, { callId, text, reason }, trx)  // 0 pressed, unsure recognition, silence: stored, no matching
 *
 * For the web's live agent (chat.live.ts): routes under /api/chat/live, socket events LIVE_EVENTS, and the
 * job `chat.expire-live-wait` that turns an unanswered wait into the bot's request flow.
 */
import type { AppContext } from '../../context.ts';
import type { Router } from 'express';
import { chatRoutes } from './chat.routes.ts';
import { chatWebhooks } from './chat.webhooks.ts';
import { chatJobs } from './chat.live.ts';

export { answerSpokenQuestion, handleInboundSms, noteSpokenHandoff, RATE_LIMITS } from './chat.service.ts';
export { chatAbilities } from './chat.policy.ts';
export { expireLiveWait, LIVE_EVENTS, LIVE_WAIT_SECONDS } from './chat.live.ts';

export const chatModule = {
  name: 'chat',
  routes: (ctx: AppContext) => chatRoutes(ctx),
  webhooks: (ctx: AppContext, router: Router) => chatWebhooks(ctx, router),
  jobs: chatJobs,
};
