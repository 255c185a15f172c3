/**
 * Rows → JSON for work orders, shared by HTTP answers and socket events. Fields are whitelisted; the caller's
 * identity is dropped for departments on confidential tickets; every ticket and assignment carries the caller's
 * `abilities` right now, so the console never repeats a permission or lifecycle rule.
 */
import type { Subject } from '../../platform/actor.ts';
import { openAssignmentStates, ticketLevelActions, assignmentLevelActions, transitions, type AssignmentFacts, type TicketAction, type TicketState } from './lifecycle.ts';
import { allowedAssignmentActions, allowedTicketActions, canRevealPhone, canSeeCaller, type TicketFacts } from './tickets.policy.ts';
import type { AssignmentRow, InboxRow, TicketRow } from './tickets.repository.ts';

export const stateLabels: Record<TicketState, { 'zh-CN': string; en: string }> = {
  registering: { 'zh-CN': '登记中', en: 'Registering' },
  pending_dispatch: { 'zh-CN': '待派单', en: 'Waiting for dispatch' },
  dispatched: { 'zh-CN': '已派单', en: 'Dispatched' },
  in_progress: { 'zh-CN': '办理中', en: 'In progress' },
  return_review: { 'zh-CN': '退单审核', en: 'Return under review' },
  extension_review: { 'zh-CN': '延期审核', en: 'Extension under review' },
  reply_review: { 'zh-CN': '回复审核', en: 'Reply under review' },
  pending_survey: { 'zh-CN': '待回访', en: 'Waiting for survey' },
  closed: { 'zh-CN': '已办结', en: 'Closed' },
  merged: { 'zh-CN': '已并单', en: 'Merged' },
};

/** The assignment facts the lifecycle table and the policy look at. */
export function assignmentFacts(row: Pick<AssignmentRow, 'id' | 'state' | 'role' | 'department_id'>): AssignmentFacts {
  return { id: row.id, state: row.state, role: row.role, departmentId: row.department_id };
}

export function ticketFacts(ticket: Pick<TicketRow, 'state' | 'confidential'>, assignments: AssignmentRow[], parentDepartmentId: string | null): TicketFacts {
  return { state: ticket.state, confidential: ticket.confidential, assignments: assignments.map(assignmentFacts), parentDepartmentId };
}

/** Red once the handling deadline has passed, yellow from the warning time, for work still on a desk. */
export function deadlineColour(a: Pick<AssignmentRow, 'state' | 'warn_at' | 'handle_by'>, now: Date): 'normal' | 'warning' | 'overdue' {
  if (!(openAssignmentStates as readonly string[]).includes(a.state)) return 'normal';
  if (now.getTime() > a.handle_by.getTime()) return 'overdue';
  if (now.getTime() >= a.warn_at.getTime()) return 'warning';
  return 'normal';
}

function presentCaller(
  actor: Subject,
  ticket: Pick<TicketRow, 'confidential' | 'caller_name' | 'caller_phone_masked'> & { caller_sms_declined?: boolean },
) {
  if (!canSeeCaller(actor, ticket)) return null;
  return { name: ticket.caller_name, phoneMasked: ticket.caller_phone_masked, smsDeclined: ticket.caller_sms_declined ?? false };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentTicketSummary(actor: Subject, t: TicketRow) {
  return {
    id: t.id,
    number: t.number,
    channel: t.channel,
    type: t.type,
    urgency: t.urgency,
    category: t.category_id ? { id: t.category_id, code: t.category_code ?? '', name: t.category_name ?? '' } : null,
    title: t.title,
    address: t.address,
    district: t.district,
    state: t.state,
    stateLabel: stateLabels[t.state],
    closure: t.closure,
    confidential: t.confidential,
    caller: presentCaller(actor, t),
    reopenCount: t.reopen_count,
    urgeCount: t.urge_count,
    supervised: t.supervised_at !== null,
    masterTicketId: t.master_ticket_id,
    parentTicketId: t.parent_ticket_id,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
    closedAt: iso(t.closed_at),
    version: t.version,
  };
}

export function presentAssignment(actor: Subject, a: AssignmentRow, facts: TicketFacts, now: Date) {
  const allowed = new Set<TicketAction>(allowedAssignmentActions(actor, facts, assignmentFacts(a)));
  return {
    id: a.id,
    ticketId: a.ticket_id,
    department: { id: a.department_id, code: a.department_code, name: a.department_name },
    role: a.role,
    state: a.state,
    dispatchedAt: a.dispatched_at.toISOString(),
    signBy: a.sign_by.toISOString(),
    handleBy: a.handle_by.toISOString(),
    returnBy: a.return_by.toISOString(),
    warnAt: a.warn_at.toISOString(),
    deadline: deadlineColour(a, now),
    signOverdue: a.state === 'dispatched' && now.getTime() > a.sign_by.getTime(),
    signedAt: iso(a.signed_at),
    returnReason: a.return_reason,
    extensionUntil: iso(a.extension_until),
    extensionReason: a.extension_reason,
    extensionCount: a.extension_count,
    childTicketId: a.child_ticket_id,
    reply: a.reply,
    repliedAt: iso(a.replied_at),
    version: a.version,
    abilities: Object.fromEntries(assignmentLevelActions.map((action) => [action, allowed.has(action)])),
  };
}

type EventRow = {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  action: string;
  assignment_id: string | null;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  data: Record<string, unknown>;
};

export function presentEvent(e: EventRow) {
  const transition = (transitions as Record<string, { label: { 'zh-CN': string; en: string } }>)[e.action];
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: { id: e.actor_id, name: e.actor_name, role: e.actor_role },
    action: e.action,
    label: transition?.label ?? systemEventLabels[e.action] ?? null,
    assignmentId: e.assignment_id,
    fromState: e.from_state,
    toState: e.to_state,
    note: e.note,
    data: e.data,
  };
}

/** Trail entries that are not lifecycle actions. */
const systemEventLabels: Record<string, { 'zh-CN': string; en: string }> = {
  register: { 'zh-CN': '受理登记', en: 'Registered' },
  deadlineWarning: { 'zh-CN': '临期预警（自动催办）', en: 'Deadline warning (automatic urge)' },
  deadlineOverdue: { 'zh-CN': '超期（自动督办）', en: 'Overdue (automatic supervision)' },
  childReplied: { 'zh-CN': '下级单位已回复', en: 'Sub-unit replied' },
  followMaster: { 'zh-CN': '随主单办结', en: 'Closed with its master ticket' },
  phoneRevealed: { 'zh-CN': '查看完整号码', en: 'Phone number revealed' },
};

export function presentTicketDetail(
  actor: Subject,
  t: TicketRow,
  parts: {
    assignments: AssignmentRow[];
    events: EventRow[];
    parentDepartmentId: string | null;
    master: { id: string; number: string; state: TicketState } | null;
    merged: { id: string; number: string }[];
    children: { id: string; number: string; state: TicketState }[];
    now: Date;
  },
) {
  const facts = ticketFacts(t, parts.assignments, parts.parentDepartmentId);
  const allowed = new Set<TicketAction>(allowedTicketActions(actor, facts));
  return {
    ...presentTicketSummary(actor, t),
    description: t.description,
    latitude: t.latitude,
    longitude: t.longitude,
    callIds: t.call_ids,
    resolution: t.resolution,
    transferredTo: t.transferred_to,
    surveyResult: t.survey_result,
    master: parts.master,
    merged: parts.merged,
    children: parts.children,
    assignments: parts.assignments.map((a) => presentAssignment(actor, a, facts, parts.now)),
    events: parts.events.map(presentEvent),
    abilities: {
      ...Object.fromEntries(ticketLevelActions.map((action) => [action, allowed.has(action)])),
      revealPhone: t.caller_phone_encrypted !== null && canRevealPhone(actor, t),
    },
  };
}

/** A department inbox / supervision board row: the assignment with the ticket facts a list needs. */
export function presentInboxItem(actor: Subject, row: InboxRow, now: Date) {
  // Lists do not load every sibling assignment; the row's own actions depend only on itself and the ticket state.
  const facts: TicketFacts = { state: row.ticket_state, confidential: row.confidential, assignments: [assignmentFacts(row)], parentDepartmentId: null };
  return {
    ...presentAssignment(actor, row, facts, now),
    ticket: {
      id: row.ticket_id,
      number: row.number,
      title: row.title,
      type: row.type as TicketRow['type'],
      urgency: row.urgency,
      state: row.ticket_state,
      category: row.category_name,
      address: row.address,
      district: row.district,
      confidential: row.confidential,
      caller: presentCaller(actor, row),
    },
  };
}

/** What goes to consoles over the socket: no personal data, the client refetches with its own rights. */
export function presentTicketEvent(t: Pick<TicketRow, 'id' | 'number' | 'state' | 'urgency' | 'version'>, extra: { action: string; assignmentId?: string | null; departmentId?: string | null }) {
  return { ticketId: t.id, number: t.number, state: t.state, urgency: t.urgency, version: t.version, ...extra };
}
