/** Assessment API: ranking and history, each department's breakdown, schemes, scoring, bonuses, 效能投诉. */
import type { AppContext } from '../../context.ts';
import { userRoute, type RouteSpec } from '../../platform/http/route.ts';
import {
  BonusBody,
  ConductFindingBody,
  FlagConductBody,
  HistoryQuery,
  PeriodDepartmentParams,
  PeriodItemParams,
  PeriodParams,
  SaveSchemeBody,
  ScoreItemBody,
  SupervisionOfficeBody,
  TicketParams,
} from './assessment.schema.ts';
import { getDepartmentScore, getHistory, getRanking, listSchemes, publishPeriod, recordBonus, saveScheme, scoreItem } from './assessment.service.ts';
import { decideConductComplaint, flagTicketAsConductComplaint, setSupervisionOffice, supervisionOffice } from './conduct.ts';
import { AppError } from '../../platform/errors.ts';
import { assessmentScope } from './assessment.policy.ts';

const tags = ['考核 Assessment'];

export function assessmentRoutes(ctx: AppContext): RouteSpec[] {
  return [
    userRoute({
      method: 'get',
      path: '/api/assessment/periods/:period/ranking',
      summary: '部门考核排名（未发布为实时暂算） Department ranking of a period (provisional until published)',
      tags,
      params: PeriodParams,
      handler: ({ actor, params }) => getRanking(ctx, actor, params.period),
    }),
    userRoute({
      method: 'get',
      path: '/api/assessment/periods/:period/departments/:departmentId',
      summary: '部门得分明细（部门人员仅本部门） One department\'s score, line by line (department staff: own only)',
      tags,
      params: PeriodDepartmentParams,
      handler: ({ actor, params }) => getDepartmentScore(ctx, actor, params.period, params.departmentId),
    }),
    userRoute({
      method: 'get',
      path: '/api/assessment/history',
      summary: '已发布的考核结果 Published results, newest period first',
      tags,
      query: HistoryQuery,
      handler: ({ actor, query }) => getHistory(ctx, actor, query),
    }),
    userRoute({
      method: 'post',
      path: '/api/assessment/periods/:period/publish',
      summary: '发布考核结果（冻结分数） Publish a finished period, freezing its scores',
      tags,
      params: PeriodParams,
      status: 201,
      handler: ({ actor, params }) => publishPeriod(ctx, actor, params.period),
    }),
    userRoute({
      method: 'put',
      path: '/api/assessment/periods/:period/departments/:departmentId/items/:itemKey',
      summary: '督查评分（附说明与佐证） Supervisor score of an item, with a note and evidence',
      tags,
      params: PeriodItemParams,
      body: ScoreItemBody,
      status: 204,
      handler: ({ actor, params, body }) => scoreItem(ctx, actor, { period: params.period, departmentId: params.departmentId, itemKey: params.itemKey, ...body }),
    }),
    userRoute({
      method: 'post',
      path: '/api/assessment/bonuses',
      summary: '加分（表彰、感谢信） A bonus: commendation or letter of thanks',
      tags,
      body: BonusBody,
      status: 201,
      handler: async ({ actor, body }) => ({ id: await recordBonus(ctx, actor, body) }),
    }),
    userRoute({
      method: 'get',
      path: '/api/assessment/schemes',
      summary: '考核方案各版本 Every scheme version (0 = built-in default)',
      tags,
      handler: async ({ actor }) => ({ schemes: await listSchemes(ctx, actor) }),
    }),
    userRoute({
      method: 'post',
      path: '/api/assessment/schemes',
      summary: '保存新版考核方案 Save a new scheme version',
      tags,
      body: SaveSchemeBody,
      status: 201,
      handler: async ({ actor, body }) => ({ version: await saveScheme(ctx, actor, body) }),
    }),
    userRoute({
      method: 'get',
      path: '/api/assessment/supervision-office',
      summary: '效能监督部门 The supervision office that handles 效能投诉',
      tags,
      handler: async ({ actor }) => {
        if (!assessmentScope(actor) && actor.role !== 'agent') throw new AppError('FORBIDDEN');
        return { office: await supervisionOffice(ctx) };
      },
    }),
    userRoute({
      method: 'put',
      path: '/api/assessment/supervision-office',
      summary: '设置效能监督部门 Name the supervision office',
      tags,
      body: SupervisionOfficeBody,
      status: 204,
      handler: ({ actor, body }) => setSupervisionOffice(ctx, actor, body.departmentId),
    }),
    userRoute({
      method: 'post',
      path: '/api/assessment/conduct-complaints/:ticketId',
      summary: '标记为效能投诉（须在派给被投诉部门之前） Flag a complaint ticket as a 效能投诉 against a department',
      tags,
      params: TicketParams,
      body: FlagConductBody,
      status: 204,
      handler: ({ actor, params, body }) => flagTicketAsConductComplaint(ctx, actor, { ticketId: params.ticketId, departmentId: body.departmentId }),
    }),
    userRoute({
      method: 'post',
      path: '/api/assessment/conduct-complaints/:ticketId/finding',
      summary: '效能投诉核查结论（查实的计入考核扣分） The finding on a 效能投诉; substantiated ones are deducted',
      tags,
      params: TicketParams,
      body: ConductFindingBody,
      status: 204,
      handler: ({ actor, params, body }) => decideConductComplaint(ctx, actor, params.ticketId, body),
    }),
  ];
}
