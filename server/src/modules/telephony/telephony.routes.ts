/** HTTP routes of telephony: the Voice SDK access token for the browser softphone. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { userRoute } from '../../platform/http/route.ts';
import { canAnswer } from '../calls/calls.policy.ts';
import { agentIdentity } from './telephony.urls.ts';

const TOKEN_TTL_SECONDS = 3600;

export function telephonyRoutes(ctx: AppContext) {
  return [
    userRoute({
      method: 'get',
      path: '/api/telephony/token',
      summary: '软电话令牌 Voice access token for the browser softphone (Twilio mode)',
      tags: ['telephony 电话'],
      response: z.object({
        mode: z.enum(['twilio', 'simulator', 'unavailable']),
        identity: z.string(),
        token: z.string().nullable(),
        ttlSeconds: z.number(),
        message: z.string().nullable(),
      }),
      handler: async ({ actor }) => {
        if (!canAnswer(actor)) throw new AppError('FORBIDDEN');
        const identity = agentIdentity(actor.id);
        const telephony = ctx.ports.telephony;
        if (!telephony) return { mode: 'unavailable' as const, identity, token: null, ttlSeconds: 0, message: 'telephony is not configured in this process' };
        if (telephony.mode === 'simulator') {
          return { mode: 'simulator' as const, identity, token: null, ttlSeconds: 0, message: '模拟器模式：使用模拟软电话，通过 POST /api/calls/{id}/answer 接听 (simulator mode: answer with POST /api/calls/{id}/answer)' };
        }
        const token = telephony.voiceAccessToken(identity, TOKEN_TTL_SECONDS);
        return {
          mode: 'twilio' as const,
          identity,
          token: token ?? null,
          ttlSeconds: token ? TOKEN_TTL_SECONDS : 0,
          message: token ? null : '未配置 TWILIO_API_KEY_SID/TWILIO_API_KEY_SECRET/TWILIO_TWIML_APP_SID (Voice API keys are not configured)',
        };
      },
    }),
  ];
}
