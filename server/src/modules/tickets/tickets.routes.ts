/**
 * HTTP routes of work orders: parse → call one use case → present. Every lifecycle action is its own
 * `POST /api/tickets/{id}/{action}` (hotline) or `POST /api/assignments/{id}/{action}` (departments) and answers
 * the ticket as the caller now sees it, abilities included.
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { userRoute, type RouteSpec } from '../../platform/http/route.ts';
import { actionSlug, transitions, type AssignmentLevelAction, type TicketLevelAction } from './lifecycle.ts';
import * as queries from './tickets.queries.ts';
import * as s from './tickets.schema.ts';
import * as service from './tickets.service.ts';
import * as settings from './settings.service.ts';

type Handler<A extends keyof s.ActionBodies> = (ctx: AppContext, actor: UserActor, id: string, body: s.ActionBodies[A]) => Promise<string>;

const ticketHandlers: { [A in TicketLevelAction]: Handler<A> } = {
  submit: service.submitTicket,
  resolveOnCall: service.resolveTicketOnCall,
  transfer: service.transferTicket,
  inform: service.informAndCloseTicket,
  dispatch: service.dispatchTicket,
  merge: service.mergeTicket,
  approveReturn: service.approveReturn,
  rejectReturn: service.rejectReturn,
  approveExtension: service.approveExtension,
  refuseExtension: service.refuseExtension,
  passReview: service.passReview,
  rejectReview: service.rejectReview,
  recordSurvey: service.recordSurveyResult,
  close: service.closeTicket,
  reopen: service.reopenTicket,
  urge: service.urgeTicket,
  supervise: service.superviseTicket,
};

const assignmentHandlers: { [A in AssignmentLevelAction]: Handler<A> } = {
  sign: service.signAssignment,
  return: service.returnAssignment,
  requestExtension: service.requestExtension,
  subDispatch: service.subDispatchAssignment,
  reply: service.replyAssignment,
};

export function ticketRoutes(ctx: AppContext): RouteSpec[] {
  const tags = ['tickets 工单'];
  const departmentTags = ['assignments 部门办理'];
  const adminTags = ['ticket settings 工单设置'];

  const actionRoutes = (Object.keys(ticketHandlers) as TicketLevelAction[]).map((action) =>
    userRoute({
      method: 'post',
      path: `/api/tickets/:id/${actionSlug(action)}`,
      summary: `${transitions[action].label['zh-CN']} ${transitions[action].label.en}`,
      tags,
      params: s.IdParams,
      body: s.actionBodies[action] as unknown as z.ZodType<never>,
      response: s.TicketDetailSchema,
      handler: async ({ actor, params, body }) => {
        await (ticketHandlers[action] as Handler<typeof action>)(ctx, actor, params.id, body);
        return queries.getTicket(ctx, actor, params.id);
      },
    }),
  );

  const assignmentRoutes = (Object.keys(assignmentHandlers) as AssignmentLevelAction[]).map((action) =>
    userRoute({
      method: 'post',
      path: `/api/assignments/:id/${actionSlug(action)}`,
      summary: `${transitions[action].label['zh-CN']} ${transitions[action].label.en}`,
      tags: departmentTags,
      params: s.IdParams,
      body: s.actionBodies[action] as unknown as z.ZodType<never>,
      response: s.TicketDetailSchema,
      handler: async ({ actor, params, body }) => {
        const ticketId = await (assignmentHandlers[action] as Handler<typeof action>)(ctx, actor, params.id, body);
        return queries.getTicket(ctx, actor, ticketId);
      },
    }),
  );

  return [
    // Fixed paths first: they would otherwise be taken for a ticket id.
    userRoute({
      method: 'get',
      path: '/api/tickets/catalogue',
      summary: '诉求分类目录（含建议主办单位）Category catalogue with suggested lead departments',
      tags,
      response: z.object({ items: z.array(s.CategorySchema) }),
      handler: async () => queries.getCatalogue(ctx),
    }),
    userRoute({
      method: 'get',
      path: '/api/tickets',
      summary: '工单列表 List tickets (keyset pages; departments see their own)',
      tags,
      query: s.ListTicketsQuery,
      response: s.TicketListSchema,
      handler: async ({ actor, query }) => queries.listTickets(ctx, actor, query),
    }),
    userRoute({
      method: 'post',
      path: '/api/tickets',
      summary: '受理登记 Register a ticket',
      tags,
      body: s.RegisterTicketBody,
      response: s.TicketDetailSchema,
      status: 201,
      handler: async ({ actor, body }) => queries.getTicket(ctx, actor, await service.registerTicket(ctx, actor, body)),
    }),
    userRoute({
      method: 'get',
      path: '/api/tickets/:id',
      summary: '工单详情（派单、时间线、可执行操作）Ticket with assignments, timeline and abilities',
      tags,
      params: s.IdParams,
      response: s.TicketDetailSchema,
      handler: async ({ actor, params }) => queries.getTicket(ctx, actor, params.id),
    }),
    userRoute({
      method: 'get',
      path: '/api/tickets/:id/merge-candidates',
      summary: '并单候选 Possible duplicates (same caller, similar text nearby)',
      tags,
      params: s.IdParams,
      query: s.MergeCandidatesQuery,
      response: z.object({ items: z.array(s.MergeCandidateSchema) }),
      handler: async ({ actor, params, query }) => queries.mergeCandidates(ctx, actor, params.id, query.days),
    }),
    userRoute({
      method: 'post',
      path: '/api/tickets/:id/reveal-phone',
      summary: '查看完整来电号码（审计）Reveal the caller number (audited)',
      tags,
      params: s.IdParams,
      response: s.RevealPhoneSchema,
      handler: async ({ actor, params }) => queries.revealCallerPhone(ctx, actor, params.id),
    }),
    ...actionRoutes,
    userRoute({
      method: 'get',
      path: '/api/assignments',
      summary: '部门待办 Department inbox with deadline colours',
      tags: departmentTags,
      query: s.ListAssignmentsQuery,
      response: s.InboxSchema,
      handler: async ({ actor, query }) => queries.listAssignments(ctx, actor, query),
    }),
    ...assignmentRoutes,
    userRoute({
      method: 'get',
      path: '/api/supervision/board',
      summary: '督办看板：预警与超期 Supervision board: warned and overdue work by urgency',
      tags,
      query: s.BoardQuery,
      response: s.InboxSchema,
      handler: async ({ actor, query }) => queries.supervisionBoard(ctx, actor, query),
    }),
    userRoute({
      method: 'get',
      path: '/api/notifications',
      summary: '通知（催办、督办、临期、超期）Notices: urges, supervision, deadline warnings',
      tags,
      query: s.NotificationsQuery,
      response: z.object({ items: z.array(s.NotificationSchema) }),
      handler: async ({ actor, query }) => queries.listNotifications(ctx, actor, query),
    }),
    userRoute({
      method: 'post',
      path: '/api/notifications/:id/read',
      summary: '标记通知已读 Mark a notice read',
      tags,
      params: z.object({ id: z.string().regex(/^\d{1,18}$/) }),
      status: 204,
      handler: async ({ actor, params }) => queries.markNotificationRead(ctx, actor, params.id),
    }),
    userRoute({
      method: 'get',
      path: '/api/admin/deadlines',
      summary: '办理时限表 The deadline table',
      tags: adminTags,
      response: z.object({ rules: z.array(s.DeadlineRuleSchema), warnAtFraction: z.number(), handleClockStartsAt: z.string(), maxExtension: z.unknown() }),
      handler: async ({ actor }) => settings.getDeadlineTable(ctx, actor),
    }),
    userRoute({
      method: 'put',
      path: '/api/admin/deadlines',
      summary: '修改办理时限（管理员）Change deadline rules (admin)',
      tags: adminTags,
      body: s.PutDeadlinesBody,
      response: z.object({ rules: z.array(s.DeadlineRuleSchema), warnAtFraction: z.number(), handleClockStartsAt: z.string(), maxExtension: z.unknown() }),
      handler: async ({ actor, body }) => settings.updateDeadlineRules(ctx, actor, body.rules),
    }),
    userRoute({
      method: 'get',
      path: '/api/admin/calendar-overrides',
      summary: '本地节假日调整 Local calendar overrides',
      tags: adminTags,
      response: z.object({ items: z.array(s.CalendarOverrideItemSchema) }),
      handler: async ({ actor }) => settings.listCalendarOverrides(ctx, actor),
    }),
    userRoute({
      method: 'put',
      path: '/api/admin/calendar-overrides/:date',
      summary: '设置某日为工作日或休息日（管理员）Set a local workday or day off (admin)',
      tags: adminTags,
      params: s.DateParams,
      body: s.PutOverrideBody,
      response: s.CalendarOverrideItemSchema,
      handler: async ({ actor, params, body }) => settings.putCalendarOverride(ctx, actor, params.date, body),
    }),
    userRoute({
      method: 'delete',
      path: '/api/admin/calendar-overrides/:date',
      summary: '删除本地调整（管理员）Remove a local override (admin)',
      tags: adminTags,
      params: s.DateParams,
      status: 204,
      handler: async ({ actor, params }) => settings.deleteCalendarOverride(ctx, actor, params.date),
    }),
  ];
}
