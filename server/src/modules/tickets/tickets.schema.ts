/** Request and response shapes of work orders (zod at the HTTP edge; the OpenAPI document is built from these). */
import * as z from 'zod';
import { DeadlineWindowsSchema, ticketTypes, urgencies } from '../calendar/index.ts';
import { assignmentStates, ticketActions, ticketStates } from './lifecycle.ts';

export const channels = ['phone', 'voicemail', 'web', 'sms', 'chat', 'open311'] as const;
export const ChannelSchema = z.enum(channels).meta({ description: '渠道 phone/voicemail/web/sms/chat/open311' });
export const TicketTypeSchema = z.enum(ticketTypes).meta({ description: '类型 咨询 求助 投诉 举报 建议 表扬' });
export const UrgencySchema = z.enum(urgencies).meta({ description: '紧急程度 一般 紧急 特急' });
export const TicketStateSchema = z.enum(ticketStates);
export const AssignmentStateSchema = z.enum(assignmentStates);
export const TicketActionSchema = z.enum(ticketActions);
export const SurveyResultSchema = z.enum(['satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable', 'declined']);

export const IdParams = z.object({ id: z.uuid() });
export const DateParams = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期须为 YYYY-MM-DD (date must be YYYY-MM-DD)') });

/** Optimistic concurrency: the version the client last saw; a mismatch answers 409. */
const expectedVersion = z.number().int().positive().optional().meta({ description: '乐观锁版本号 The version last seen; a different current version answers 409' });
const note = z.string().trim().max(2000);
const requiredNote = z.string().trim().min(1).max(2000);

const phone = z
  .string()
  .trim()
  .regex(/^\+?[\d\s-]{3,20}$/, '电话号码格式不正确 (not a phone number)');

export const DispatchInput = z.object({
  leadDepartmentId: z.uuid().meta({ description: '主办单位' }),
  assistDepartmentIds: z.array(z.uuid()).max(10).default([]).meta({ description: '协办单位' }),
  note: note.optional(),
  /** Approved as complex (疑难复杂件): the long handling window applies. */
  complex: z.boolean().default(false),
});

export const RegisterTicketBody = z
  .object({
    channel: ChannelSchema.default('phone'),
    type: TicketTypeSchema,
    urgency: UrgencySchema.default('normal'),
    categoryId: z.uuid().optional(),
    title: z.string().trim().min(2).max(100),
    description: z.string().trim().min(2).max(5000),
    address: z.string().trim().max(200).optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
    district: z.string().trim().max(50).optional(),
    caller: z
      .object({
        name: z.string().trim().max(50).optional(),
        phone: phone.optional(),
        smsDeclined: z.boolean().default(false),
      })
      .default({ smsDeclined: false }),
    confidential: z.boolean().default(false),
    /** 效能投诉: a complaint about this department's own conduct; it then goes to the supervision office only. */
    conductComplaintAgainst: z.uuid().optional().meta({ description: '效能投诉：被投诉的部门（工单只能派给效能监督部门）' }),
    callIds: z.array(z.string().min(1).max(64)).max(20).default([]),
    /**
     * What happens at registration: keep as a draft, queue for dispatch, dispatch now, or close at once
     * (resolved on the call, transferred to 110/119/120/122, informed where to go).
     */
    disposition: z.enum(['draft', 'pending_dispatch', 'dispatch', 'resolveOnCall', 'transfer', 'inform']).default('pending_dispatch'),
    dispatch: DispatchInput.optional(),
    resolution: z.string().trim().max(2000).optional(),
    transferredTo: z.enum(['110', '119', '120', '122']).optional(),
  })
  .refine((b) => b.disposition !== 'dispatch' || b.dispatch, { message: '派单须指定主办单位 (dispatch needs a lead department)', path: ['dispatch'] })
  .refine((b) => b.disposition !== 'transfer' || b.transferredTo, { message: '转警须选择 110/119/120/122 (choose where to transfer)', path: ['transferredTo'] })
  .refine((b) => !['resolveOnCall', 'inform'].includes(b.disposition) || b.resolution, { message: '请填写答复内容 (write what the caller was told)', path: ['resolution'] })
  .refine((b) => (b.latitude === undefined) === (b.longitude === undefined), { message: '经纬度须同时填写 (latitude and longitude go together)', path: ['longitude'] })
  .refine((b) => !b.conductComplaintAgainst || b.type === 'complaint', { message: '只有投诉件才能标记为效能投诉 (only complaints can be conduct complaints)', path: ['conductComplaintAgainst'] });
export type RegisterTicketInput = z.infer<typeof RegisterTicketBody>;

/** Bodies of the ticket actions, keyed by action. */
export const actionBodies = {
  submit: z.object({ expectedVersion, note: note.optional() }),
  resolveOnCall: z.object({ expectedVersion, resolution: requiredNote }),
  transfer: z.object({ expectedVersion, transferredTo: z.enum(['110', '119', '120', '122']), note: note.optional() }),
  inform: z.object({ expectedVersion, resolution: requiredNote }),
  dispatch: DispatchInput.extend({ expectedVersion }),
  merge: z.object({ expectedVersion, masterTicketId: z.uuid(), note: note.optional() }),
  approveReturn: z.object({
    expectedVersion,
    assignmentId: z.uuid().optional().meta({ description: '待审核的退单；省略时取唯一一条 The return under review; defaults to the only one' }),
    newLeadDepartmentId: z.uuid().optional().meta({ description: '改派的新主办单位（主办退单时必填）' }),
    assistDepartmentIds: z.array(z.uuid()).max(10).default([]),
    note: note.optional(),
  }),
  rejectReturn: z.object({ expectedVersion, assignmentId: z.uuid().optional(), note: requiredNote }),
  approveExtension: z.object({
    expectedVersion,
    assignmentId: z.uuid().optional(),
    until: z.iso.datetime({ offset: true }).optional().meta({ description: '批准的新期限，默认为申请的期限' }),
    note: note.optional(),
  }),
  refuseExtension: z.object({ expectedVersion, assignmentId: z.uuid().optional(), note: requiredNote }),
  passReview: z.object({ expectedVersion, survey: z.boolean().optional().meta({ description: '是否回访；投诉件总是回访' }), note: note.optional() }),
  rejectReview: z.object({ expectedVersion, note: requiredNote }),
  recordSurvey: z.object({ expectedVersion, result: SurveyResultSchema, departmentAtFault: z.boolean().default(false), note: note.optional() }),
  close: z.object({ expectedVersion, note: note.optional() }),
  reopen: z.object({ expectedVersion, note: requiredNote }),
  urge: z.object({ expectedVersion, note: note.optional() }),
  supervise: z.object({ expectedVersion, note: note.optional() }),
  // Assignment actions (department work)
  sign: z.object({ expectedVersion, note: note.optional() }),
  return: z.object({ expectedVersion, reason: requiredNote }),
  requestExtension: z.object({ expectedVersion, until: z.iso.datetime({ offset: true }), reason: requiredNote }),
  subDispatch: z.object({ expectedVersion, subUnitDepartmentId: z.uuid(), note: note.optional() }),
  reply: z.object({ expectedVersion, reply: z.string().trim().min(2).max(5000) }),
} as const;
export type ActionBodies = { [K in keyof typeof actionBodies]: z.infer<(typeof actionBodies)[K]> };

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20));

export const ListTicketsQuery = z.object({
  state: csv(TicketStateSchema).optional().meta({ description: '状态，逗号分隔 states, comma-separated' }),
  type: TicketTypeSchema.optional(),
  urgency: UrgencySchema.optional(),
  categoryId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  deadline: z.enum(['warning', 'overdue']).optional(),
  q: z.string().trim().min(1).max(50).optional(),
  callerPhone: phone.optional().meta({ description: '来电号码（仅热线人员）caller phone, hotline staff only' }),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ListAssignmentsQuery = z.object({
  state: AssignmentStateSchema.optional(),
  departmentId: z.uuid().optional().meta({ description: '部门（热线人员用；部门人员总是本部门）' }),
  deadline: z.enum(['warning', 'overdue']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const BoardQuery = z.object({
  departmentId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const MergeCandidatesQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

export const NotificationsQuery = z.object({
  unread: z.stringbool().default(false),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const PutDeadlinesBody = z.object({
  rules: z.array(z.object({ type: TicketTypeSchema, urgency: UrgencySchema, windows: DeadlineWindowsSchema })).min(1).max(18),
});

export const PutOverrideBody = z.object({ kind: z.enum(['workday', 'holiday']), note: z.string().trim().max(200).optional() });

// ── Responses ────────────────────────────────────────────────────────────────────────────────────────────────

const Label = z.object({ 'zh-CN': z.string(), en: z.string() });
const DeadlineColour = z.enum(['normal', 'warning', 'overdue']);

export const CallerSchema = z
  .object({ name: z.string().nullable(), phoneMasked: z.string().nullable(), smsDeclined: z.boolean() })
  .nullable()
  .meta({ description: '来电人；保密件对部门为 null (null for departments on confidential tickets)' });

export const AssignmentSchema = z
  .object({
    id: z.uuid(),
    ticketId: z.uuid(),
    department: z.object({ id: z.uuid(), code: z.string(), name: z.string() }),
    role: z.enum(['lead', 'assist']),
    state: AssignmentStateSchema,
    dispatchedAt: z.string(),
    signBy: z.string(),
    handleBy: z.string(),
    returnBy: z.string(),
    warnAt: z.string(),
    deadline: DeadlineColour,
    signOverdue: z.boolean(),
    signedAt: z.string().nullable(),
    returnReason: z.string().nullable(),
    extensionUntil: z.string().nullable(),
    extensionReason: z.string().nullable(),
    extensionCount: z.number(),
    childTicketId: z.uuid().nullable(),
    reply: z.string().nullable(),
    repliedAt: z.string().nullable(),
    version: z.number(),
    abilities: z.record(z.string(), z.boolean()),
  })
  .meta({ id: 'Assignment' });

export const TicketSummarySchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    channel: ChannelSchema,
    type: TicketTypeSchema,
    urgency: UrgencySchema,
    category: z.object({ id: z.uuid(), code: z.string(), name: z.string() }).nullable(),
    title: z.string(),
    address: z.string().nullable(),
    district: z.string().nullable(),
    state: TicketStateSchema,
    stateLabel: Label,
    closure: z.string().nullable(),
    confidential: z.boolean(),
    caller: CallerSchema,
    reopenCount: z.number(),
    urgeCount: z.number(),
    supervised: z.boolean(),
    masterTicketId: z.uuid().nullable(),
    parentTicketId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
    version: z.number(),
  })
  .meta({ id: 'TicketSummary' });

export const TicketEventSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ id: z.string().nullable(), name: z.string(), role: z.string() }),
    action: z.string(),
    label: Label.nullable(),
    assignmentId: z.string().nullable(),
    fromState: z.string().nullable(),
    toState: z.string().nullable(),
    note: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TicketEvent' });

export const TicketDetailSchema = TicketSummarySchema.extend({
  description: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  callIds: z.array(z.string()),
  resolution: z.string().nullable(),
  transferredTo: z.string().nullable(),
  surveyResult: z.string().nullable(),
  master: z.object({ id: z.uuid(), number: z.string(), state: TicketStateSchema }).nullable(),
  merged: z.array(z.object({ id: z.uuid(), number: z.string() })),
  children: z.array(z.object({ id: z.uuid(), number: z.string(), state: TicketStateSchema })),
  assignments: z.array(AssignmentSchema),
  events: z.array(TicketEventSchema),
  abilities: z.record(z.string(), z.boolean()).meta({ description: '当前用户此刻可做的操作 What the caller may do now' }),
}).meta({ id: 'TicketDetail' });

export const TicketListSchema = z.object({ items: z.array(TicketSummarySchema), nextCursor: z.string().nullable() });

export const InboxItemSchema = AssignmentSchema.extend({
  ticket: z.object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    type: TicketTypeSchema,
    urgency: UrgencySchema,
    state: TicketStateSchema,
    category: z.string().nullable(),
    address: z.string().nullable(),
    district: z.string().nullable(),
    confidential: z.boolean(),
    caller: CallerSchema,
  }),
}).meta({ id: 'InboxItem' });

export const InboxSchema = z.object({ items: z.array(InboxItemSchema), nextCursor: z.string().nullable() });

export const CategorySchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    parentId: z.uuid().nullable(),
    defaultDepartment: z.object({ id: z.uuid(), code: z.string(), name: z.string() }).nullable(),
    get children() {
      return z.array(CategorySchema);
    },
  })
  .meta({ id: 'TicketCategory' });

export const MergeCandidateSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  title: z.string(),
  state: TicketStateSchema,
  createdAt: z.string(),
  district: z.string().nullable(),
  sameCaller: z.boolean(),
  similarity: z.number(),
});

export const DeadlineRuleSchema = z.object({
  type: TicketTypeSchema,
  urgency: UrgencySchema,
  windows: DeadlineWindowsSchema,
  custom: z.boolean().meta({ description: '管理员修改过（否则为默认值）' }),
});

export const CalendarOverrideItemSchema = z.object({ date: z.string(), kind: z.enum(['workday', 'holiday']), note: z.string().nullable() });

export const NotificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  ticketId: z.uuid(),
  ticketNumber: z.string(),
  assignmentId: z.uuid().nullable(),
  message: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});

export const RevealPhoneSchema = z.object({ phone: z.string() });
