/**
 * HTTP routes of follow-up: the supervisors' queue and decisions, survey results per ticket, figures, the
 * policy (admin), and the citizen's survey page with its two public endpoints. Parse → one service → present.
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { publicRoute, userRoute, type RouteSpec } from '../../platform/http/route.ts';
import { mayDecide, mayEditPolicy } from './surveys.policy.ts';
import { surveyPage } from './surveys.page.ts';
import { listQueue, surveyFigures, surveysOfTicket } from './surveys.queries.ts';
import * as repo from './surveys.repository.ts';
import { DecisionBody, FiguresQuery, IdParams, QueueQuery, ReopenBody, SmsAnswerBody, SurveyPolicySchema, TicketParams, TokenParams } from './surveys.schema.ts';
import { decideSurvey } from './surveys.service.ts';
import { describeLink, submitSmsAnswer } from './surveys.sms.ts';

const tags = ['回访 Surveys'];

export function surveyRoutes(ctx: AppContext): RouteSpec[] {
  return [
    userRoute({
      method: 'get',
      path: '/api/surveys/queue',
      summary: '回访待处理队列（不满意待定责、联系不上） The survey queue: unsatisfied awaiting a decision, unreachable',
      tags,
      query: QueueQuery,
      handler: ({ actor, query }) => listQueue(ctx, actor, query),
    }),
    userRoute({
      method: 'post',
      path: '/api/surveys/:id/reopen',
      summary: '不满意·承办单位责任：重办（重办次数 +1） Unsatisfied, department at fault: reopen to the department',
      tags,
      params: IdParams,
      body: ReopenBody,
      handler: async ({ actor, params, body }) => ({ survey: await decideSurvey(ctx, actor, params.id, { kind: 'reopen', note: body.note ?? null }) }),
    }),
    userRoute({
      method: 'post',
      path: '/api/surveys/:id/close',
      summary: '不满意·非承办单位责任：填写说明后办结 Unsatisfied, not the department’s fault: close with a note',
      tags,
      params: IdParams,
      body: DecisionBody,
      handler: async ({ actor, params, body }) => ({ survey: await decideSurvey(ctx, actor, params.id, { kind: 'close', note: body.note }) }),
    }),
    userRoute({
      method: 'get',
      path: '/api/tickets/:ticketId/surveys',
      summary: '工单的回访记录（每次尝试的时间、渠道与结果） A ticket’s surveys with every attempt',
      tags,
      params: TicketParams,
      handler: ({ actor, params }) => surveysOfTicket(ctx, actor, params.ticketId),
    }),
    userRoute({
      method: 'get',
      path: '/api/surveys/figures',
      summary: '回访率、满意率、联系不上占比（按部门、坐席、时段） Survey, satisfaction and unreachable rates per department, agent and period',
      tags,
      query: FiguresQuery,
      handler: ({ actor, query }) => surveyFigures(ctx, actor, query),
    }),
    userRoute({
      method: 'get',
      path: '/api/surveys/policy',
      summary: '回访策略 The survey policy',
      tags,
      handler: async ({ actor }) => {
        if (!mayDecide(actor)) throw new AppError('FORBIDDEN');
        const { updatedAt, updatedBy, ...policy } = await repo.loadPolicy(ctx.db);
        return { policy, updatedAt: updatedAt?.toISOString() ?? null, updatedBy };
      },
    }),
    userRoute({
      method: 'put',
      path: '/api/surveys/policy',
      summary: '修改回访策略（管理员） Change the survey policy (admin)',
      tags,
      body: SurveyPolicySchema,
      handler: async ({ actor, body }) => {
        if (!mayEditPolicy(actor)) throw new AppError('FORBIDDEN');
        await ctx.db.transaction().execute(async (trx) => {
          const before = await repo.loadPolicy(trx);
          await repo.savePolicy(trx, body, actor.id);
          const { updatedAt: _a, updatedBy: _b, ...previous } = before;
          await recordAudit(trx, actor, { action: 'survey_policy.updated', entity: 'survey_policy', entityId: null, data: { before: previous, after: body } });
        });
        return { policy: body };
      },
    }),
    publicRoute({
      method: 'get',
      path: '/survey/:token',
      summary: '市民回访评价页（短信链接） The citizen survey page (the SMS link)',
      tags,
      params: TokenParams,
      handler: async ({ res }) => surveyPage(res),
    }),
    publicRoute({
      method: 'get',
      path: '/api/public/surveys/:token',
      summary: '回访链接状态 What the survey link is about and whether it can still be answered',
      tags,
      params: TokenParams,
      response: z.object({ status: z.enum(['open', 'answered', 'expired']), number: z.string(), title: z.string(), expiresAt: z.string() }),
      handler: ({ params }) => describeLink(ctx, params.token),
    }),
    publicRoute({
      method: 'post',
      path: '/api/public/surveys/:token/answer',
      summary: '提交回访评价（每个链接仅一次） Answer the survey (once per link)',
      tags,
      params: TokenParams,
      body: SmsAnswerBody,
      handler: ({ params, body, origin }) => submitSmsAnswer(ctx, origin, params.token, body),
    }),
  ];
}
