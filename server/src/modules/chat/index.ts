/**
 * What other modules may use from the chatbot, and the module for the registry.
 *
 * For the phone (the IVR `voicebot` node, modules/telephony):
 *
 *   const { say, outcome } = await answerSpokenQuestion(ctx, { callId, text: speechResult, language: 'zh-CN' });
 *   // outcome 'answered'  → say it, then the node's `resolved` branch
 *   //         'ambiguous' → say it (numbered choices, or "please say it again") and gather speech again
 *   //         'handoff'   → say it, then the node's `wantsAgent` branch (queue)
 */
import type { AppContext } from '../../context.ts';
import type { Router } from 'express';
import { chatRoutes } from './chat.routes.ts';
import { chatWebhooks } from './chat.webhooks.ts';

export { answerSpokenQuestion, handleInboundSms, RATE_LIMITS } from './chat.service.ts';
export { chatAbilities } from './chat.policy.ts';

export const chatModule = {
  name: 'chat',
  routes: (ctx: AppContext) => chatRoutes(ctx),
  webhooks: (ctx: AppContext, router: Router) => chatWebhooks(ctx, router),
};
