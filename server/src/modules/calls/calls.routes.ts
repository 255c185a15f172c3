/** HTTP routes of calls for the agent console: parse → service → present. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import type { UserActor } from '../../platform/actor.ts';
import { userRoute } from '../../platform/http/route.ts';
import { CallerTicketSchema, CallSchema, EarlierCallSchema } from './calls.presenter.ts';
import { canAnswer, canSupervise } from './calls.policy.ts';
import * as service from './calls.service.ts';
import { buildWallboard, WallboardSchema } from './wallboard.ts';
import { canManageWrapUpCodes, createWrapUpCode, CreateWrapUpCodeBody, listWrapUpCodes, updateWrapUpCode, UpdateWrapUpCodeBody, WrapUpCodeSchema, wrapUpCodeKey } from './wrap-up-codes.ts';

const IdParams = z.object({ id: z.uuid() });
const ScreenPop = z.object({ repeatCaller: z.boolean(), earlierCalls: z.array(EarlierCallSchema), tickets: z.array(CallerTicketSchema) });
const MissedCallSchema = z
  .object({
    id: z.string(),
    callId: z.string(),
    callerMasked: z.string(),
    reason: z.string(),
    status: z.string(),
    claimedBy: z.string().nullable(),
    attempts: z.number(),
    lastAttemptAt: z.string().nullable(),
    callbackCallId: z.string().nullable(),
    completedAt: z.string().nullable(),
    result: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'MissedCall' });
const BlockedSchema = z.object({ id: z.string(), phoneMasked: z.string(), reason: z.string(), blockedBy: z.string().nullable(), blockedAt: z.string(), active: z.boolean() });

function requireAnswer(actor: UserActor): void {
  if (!canAnswer(actor) && !canSupervise(actor)) throw new AppError('FORBIDDEN');
}
function requireSupervise(actor: UserActor): void {
  if (!canSupervise(actor)) throw new AppError('FORBIDDEN');
}

export function callsRoutes(ctx: AppContext) {
  const tags = ['calls 话务'];
  const action = <B>(path: string, summary: string, body: z.ZodType<B> | undefined, run: (actor: UserActor, id: string, body: B) => Promise<unknown>) =>
    userRoute<B, undefined, { id: string }>({
      method: 'post',
      path: `/api/calls/:id/${path}`,
      summary,
      tags,
      params: IdParams,
      ...(body ? { body } : {}),
      handler: async ({ actor, params, body: b }) => {
        requireAnswer(actor);
        return run(actor, params.id, b);
      },
    });
  return [
    userRoute({
      method: 'get',
      path: '/api/calls/current',
      summary: '当前来电 The call ringing for or talking with me, with the screen pop',
      tags,
      response: z.object({ call: CallSchema.nullable(), offerId: z.string().nullable(), screenPop: ScreenPop.nullable() }),
      handler: async ({ actor }) => service.getCurrentCall(ctx, actor),
    }),
    userRoute({
      method: 'get',
      path: '/api/calls',
      summary: '通话记录 Calls (agents: their own; supervisors: all)',
      tags,
      query: z.object({
        status: z.enum(['ivr', 'queued', 'offering', 'talking', 'voicemail', 'ended']).optional(),
        outcome: z.enum(['answered', 'abandoned', 'voicemail', 'transferred_out', 'blocked', 'ivr_ended', 'callback_requested', 'failed']).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: z.object({ items: z.array(CallSchema) }),
      handler: async ({ actor, query }) => {
        requireAnswer(actor);
        return { items: await service.listCalls(ctx, actor, query) };
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/calls/:id',
      summary: '通话详情 A call with its events, voicemails and recordings',
      tags,
      params: IdParams,
      handler: async ({ actor, params }) => {
        requireAnswer(actor);
        return service.getCall(ctx, actor, params.id);
      },
    }),
    action('answer', '接听 Answer the ringing offer (simulator softphone)', undefined, (a, id) => service.answerOffer(ctx, a, id)),
    action('decline', '拒接 Decline the ringing offer', undefined, (a, id) => service.declineOffer(ctx, a, id)),
    action('hold', '保持 Hold or resume the caller', z.object({ hold: z.boolean() }), (a, id, b) => service.holdCaller(ctx, a, id, b.hold)),
    action('mute', '静音 Mute or unmute my microphone', z.object({ muted: z.boolean() }), (a, id, b) => service.muteAgent(ctx, a, id, b.muted)),
    action(
      'transfer',
      '转接 Transfer to an agent or desk (warm or cold)',
      z.object({
        mode: z.enum(['cold', 'warm']).default('cold'),
        to: z.discriminatedUnion('kind', [z.object({ kind: z.literal('agent'), agentId: z.uuid() }), z.object({ kind: z.literal('desk'), desk: z.string().min(1).max(40) })]),
      }),
      (a, id, b) => service.transferCall(ctx, a, id, b),
    ),
    action('transfer/complete', '完成转接 Complete a warm transfer', undefined, (a, id) => service.completeTransfer(ctx, a, id)),
    action('conference', '三方通话 Add a department phone', z.object({ departmentId: z.uuid() }), (a, id, b) => service.addDepartmentToCall(ctx, a, id, b.departmentId)),
    action('emergency-transfer', '一键转110/119/120/122 One-key emergency transfer (recorded)', z.object({ number: z.enum(['110', '119', '120', '122']) }), (a, id, b) =>
      service.transferToEmergency(ctx, a, id, b.number),
    ),
    action('hangup', '挂断 Hang up', undefined, (a, id) => service.hangupCall(ctx, a, id)),
    action('wrap-up', '话后处理 Wrap-up code (ready: end wrap-up now)', z.object({ code: z.string().min(1).max(64), ready: z.boolean().optional() }), (a, id, b) =>
      service.wrapUpCall(ctx, a, id, b),
    ),
    action('warn', '警告恶意来电 Warn a malicious caller', z.object({ reason: z.string().min(1).max(500) }), (a, id, b) => service.warnCaller(ctx, a, id, b.reason)),
    userRoute({
      method: 'get',
      path: '/api/wrap-up-codes',
      summary: '话后小结编码 Wrap-up codes to choose from (?all=true: retired and platform codes too, for labels and admins)',
      tags,
      query: z.object({ all: z.enum(['true', 'false']).optional() }),
      response: z.object({ items: z.array(WrapUpCodeSchema) }),
      handler: async ({ actor, query }) => {
        const all = query.all === 'true';
        if (!canAnswer(actor) && !canSupervise(actor) && !canManageWrapUpCodes(actor)) throw new AppError('FORBIDDEN');
        return { items: await listWrapUpCodes(ctx, { includeInactive: all, includeSystem: all }) };
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/wrap-up-codes',
      summary: '新增话后小结编码 Add a wrap-up code (admins; audited)',
      tags,
      status: 201,
      body: CreateWrapUpCodeBody,
      response: WrapUpCodeSchema,
      handler: async ({ actor, body }) => {
        if (!canManageWrapUpCodes(actor)) throw new AppError('FORBIDDEN');
        return createWrapUpCode(ctx, actor, body);
      },
    }),
    userRoute({
      method: 'patch',
      path: '/api/wrap-up-codes/:code',
      summary: '修改或停用话后小结编码 Rename, reorder or retire a wrap-up code (admins; audited)',
      tags,
      params: z.object({ code: wrapUpCodeKey }),
      body: UpdateWrapUpCodeBody,
      response: WrapUpCodeSchema,
      handler: async ({ actor, params, body }) => {
        if (!canManageWrapUpCodes(actor)) throw new AppError('FORBIDDEN');
        return updateWrapUpCode(ctx, actor, params.code, body);
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/missed-calls',
      summary: '漏接回拨列表 Missed calls to call back',
      tags,
      query: z.object({ status: z.enum(['open', 'claimed', 'calling', 'completed', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: z.object({ items: z.array(MissedCallSchema) }),
      handler: async ({ actor, query }) => {
        requireAnswer(actor);
        return { items: await service.listMissedCalls(ctx, query) };
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/missed-calls/:id/claim',
      summary: '认领回拨 Claim a missed call: I am connected to the caller when free',
      tags,
      params: IdParams,
      response: z.object({ callbackCallId: z.string() }),
      handler: async ({ actor, params }) => {
        requireAnswer(actor);
        return service.claimMissedCall(ctx, actor, params.id);
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/missed-calls/:id/complete',
      summary: '回拨完成 Mark a missed call done',
      tags,
      params: IdParams,
      body: z.object({ result: z.string().min(1).max(200) }),
      response: MissedCallSchema,
      handler: async ({ actor, params, body }) => {
        requireAnswer(actor);
        return service.completeMissedCall(ctx, actor, params.id, body.result);
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/voicemails',
      summary: '留言工单草稿 Voicemail ticket drafts not yet registered',
      tags,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      handler: async ({ actor, query }) => {
        requireAnswer(actor);
        return { items: await service.listVoicemailDrafts(ctx, query.limit) };
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/wallboard',
      summary: '监控大屏 Wallboard: queue, agents by state, today’s service level',
      tags,
      response: WallboardSchema,
      handler: async ({ actor }) => {
        requireSupervise(actor);
        return buildWallboard(ctx);
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/blocked-numbers',
      summary: '黑名单 Blocked numbers',
      tags,
      response: z.object({ items: z.array(BlockedSchema) }),
      handler: async ({ actor }) => {
        requireSupervise(actor);
        return { items: await service.listBlockedNumbers(ctx) };
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/blocked-numbers',
      summary: '拉黑号码 Block a number (or the caller of a call)',
      tags,
      status: 201,
      body: z.object({ phone: z.string().regex(/^\+?[\d-]{3,20}$/).optional(), callId: z.uuid().optional(), reason: z.string().min(1).max(500) }).refine((b) => b.phone || b.callId, { message: 'phone or callId' }),
      response: BlockedSchema,
      handler: async ({ actor, body }) => {
        requireSupervise(actor);
        return service.blockNumber(ctx, actor, body);
      },
    }),
    userRoute({
      method: 'delete',
      path: '/api/blocked-numbers/:id',
      summary: '解除拉黑 Unblock a number',
      tags,
      status: 204,
      params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }),
      handler: async ({ actor, params }) => {
        requireSupervise(actor);
        await service.unblockNumber(ctx, actor, params.id);
      },
    }),
  ];
}
