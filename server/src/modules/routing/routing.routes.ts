/** HTTP routes of routing: the agent's own phone state. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { userRoute } from '../../platform/http/route.ts';
import { canAnswer } from '../calls/calls.policy.ts';
import { getAgentState, setOwnAgentState } from './routing.service.ts';

const AgentStateSchema = z
  .object({
    userId: z.string(),
    state: z.enum(['offline', 'available', 'ringing', 'on_call', 'wrap_up', 'break']),
    reason: z.string().nullable(),
    since: z.string(),
    callId: z.string().nullable(),
    wrapUntil: z.string().nullable(),
  })
  .meta({ id: 'AgentState' });

export function routingRoutes(ctx: AppContext) {
  const tags = ['routing 排队分配'];
  return [
    userRoute({
      method: 'get',
      path: '/api/agents/me/state',
      summary: '我的坐席状态 My agent state',
      tags,
      response: AgentStateSchema,
      handler: async ({ actor }) => getAgentState(ctx, actor.id),
    }),
    userRoute({
      method: 'put',
      path: '/api/agents/me/state',
      summary: '切换坐席状态 Set my state: available, break (reason) or offline',
      tags,
      body: z.object({
        state: z.enum(['available', 'break', 'offline']),
        reason: z.string().min(1).max(64).optional(),
        /** Simulator mode: how my simulated softphone answers (manual = the console's answer button). */
        simulatorAnswer: z.enum(['manual', 'auto']).optional(),
      }),
      response: AgentStateSchema,
      handler: async ({ actor, body }) => {
        if (!canAnswer(actor)) throw new AppError('FORBIDDEN');
        return setOwnAgentState(ctx, actor, body);
      },
    }),
  ];
}
