/**
 * The work-order lifecycle of DOMAIN.md as ONE transition table. Every action a person (or the platform) can
 * take on a ticket or on one of its assignments is a row here: which ability it needs, the ticket and
 * assignment states it may start from, and where it leads. The service looks actions up here before acting,
 * the presenter derives each caller's `abilities` from it, the 409 message lists what is allowed now from it,
 * and the tests walk it to prove every other move is refused.
 *
 * Two levels:
 *  - the ticket state (one per ticket) is what the hotline and the citizen see;
 *  - each assignment (one per department: one 主办 lead, any 协办 assists) has its own state and deadlines.
 * Assignment actions move the ticket only when they are the lead's (`leadMovesTicketTo`): an assisting
 * department signing, returning or replying does not change where the ticket stands.
 *
 * Simplifications, on purpose:
 *  - 签收 puts the ticket straight into in_progress (DOMAIN.md's "signed" is the lead assignment's state).
 *  - DOMAIN.md's "replied" and "reply_review" are one ticket state, reply_review: nothing happens between them.
 *  - resolved on call, transferred and informed close the ticket at registration (state closed, `closure` says how).
 */
import type { AssignmentStateColumn, TicketStateColumn } from '../../schema.ts';

export type TicketState = TicketStateColumn;
export type AssignmentState = AssignmentStateColumn;

export const ticketStates = [
  'registering',
  'pending_dispatch',
  'dispatched',
  'in_progress',
  'return_review',
  'extension_review',
  'reply_review',
  'pending_survey',
  'closed',
  'merged',
] as const satisfies readonly TicketState[];

export const assignmentStates = [
  'dispatched',
  'signed',
  'return_requested',
  'extension_requested',
  'waiting_child',
  'replied',
  'done',
  'returned',
  'withdrawn',
] as const satisfies readonly AssignmentState[];

/** Assignments still on a department's desk: they carry live deadlines. */
export const openAssignmentStates = ['dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child'] as const satisfies readonly AssignmentState[];

/** Tickets that are somewhere between dispatch and review: urge and supervise apply. */
export const handlingStates = ['dispatched', 'in_progress', 'return_review', 'extension_review', 'reply_review'] as const satisfies readonly TicketState[];

/** Tickets where an assigned department can still act. */
const workableStates = handlingStates;

/** The flags the console shows and policy checks: who may take which kind of action. */
export type TicketAbility = 'tickets.register' | 'tickets.review' | 'tickets.supervise' | 'assignments.work';

/**
 * Where a transition leads: a state, `same` (a flag, no state change), `resume` (an assignment back to where
 * it was before its request), or `lead` (the ticket follows its lead assignment, see `ticketStateForLead`).
 */
type Target<S> = S | 'same' | 'resume' | 'lead';

export type TicketTransition = {
  scope: 'ticket';
  ability: TicketAbility;
  from: readonly TicketState[];
  /** One target, or the possible targets when the input decides (review pass → survey or close). */
  to: Target<TicketState> | readonly TicketState[];
  /** The assignment this action is about (a return or an extension awaiting review), when there is one. */
  assignmentFrom?: readonly AssignmentState[];
  assignmentTo?: Target<AssignmentState>;
  /** The past-tense event written to the trail, the audit log and the socket. */
  event: string;
  /** Names of the action in the console. */
  label: { 'zh-CN': string; en: string };
};

export type AssignmentTransition = {
  scope: 'assignment';
  ability: TicketAbility;
  /** The ticket must be in one of these states. */
  from: readonly TicketState[];
  assignmentFrom: readonly AssignmentState[];
  assignmentTo: Target<AssignmentState>;
  /** Where the ticket goes when the acting assignment is the lead's (assists leave the ticket where it is). */
  leadMovesTicketTo: Target<TicketState>;
  /** Only the lead department may do this. */
  leadOnly?: boolean;
  event: string;
  label: { 'zh-CN': string; en: string };
};

export type Transition = TicketTransition | AssignmentTransition;

/** THE table. Keys are the action names used in URLs (kebab-cased), events, audit rows and abilities. */
export const transitions = {
  // ── Registration (the hotline agent) ──────────────────────────────────────────────────────────────────────
  submit: {
    scope: 'ticket', ability: 'tickets.register', from: ['registering'], to: 'pending_dispatch',
    event: 'ticket.submitted', label: { 'zh-CN': '提交待派', en: 'Submit for dispatch' },
  },
  resolveOnCall: {
    scope: 'ticket', ability: 'tickets.register', from: ['registering', 'pending_dispatch'], to: 'closed',
    event: 'ticket.resolved_on_call', label: { 'zh-CN': '直接办结', en: 'Resolve on the call' },
  },
  transfer: {
    scope: 'ticket', ability: 'tickets.register', from: ['registering', 'pending_dispatch'], to: 'closed',
    event: 'ticket.transferred', label: { 'zh-CN': '转警（110/119/120/122）', en: 'Transfer to 110/119/120/122' },
  },
  inform: {
    scope: 'ticket', ability: 'tickets.register', from: ['registering', 'pending_dispatch'], to: 'closed',
    event: 'ticket.informed', label: { 'zh-CN': '告知办结', en: 'Inform and close' },
  },
  dispatch: {
    scope: 'ticket', ability: 'tickets.register', from: ['pending_dispatch'], to: 'dispatched',
    event: 'ticket.dispatched', label: { 'zh-CN': '派单', en: 'Dispatch' },
  },
  merge: {
    scope: 'ticket', ability: 'tickets.register', from: ['registering', 'pending_dispatch'], to: 'merged',
    event: 'ticket.merged', label: { 'zh-CN': '并单', en: 'Merge into a master ticket' },
  },

  // ── Department work on its assignment ─────────────────────────────────────────────────────────────────────
  sign: {
    scope: 'assignment', ability: 'assignments.work', from: workableStates, assignmentFrom: ['dispatched'], assignmentTo: 'signed',
    leadMovesTicketTo: 'in_progress', event: 'assignment.signed', label: { 'zh-CN': '签收', en: 'Sign' },
  },
  return: {
    scope: 'assignment', ability: 'assignments.work', from: workableStates, assignmentFrom: ['dispatched', 'signed'],
    assignmentTo: 'return_requested', leadMovesTicketTo: 'return_review', event: 'assignment.return_requested', label: { 'zh-CN': '退单', en: 'Return' },
  },
  requestExtension: {
    scope: 'assignment', ability: 'assignments.work', from: workableStates, assignmentFrom: ['signed'],
    assignmentTo: 'extension_requested', leadMovesTicketTo: 'extension_review', event: 'assignment.extension_requested', label: { 'zh-CN': '延期申请', en: 'Ask for an extension' },
  },
  subDispatch: {
    scope: 'assignment', ability: 'assignments.work', from: workableStates, assignmentFrom: ['signed'], assignmentTo: 'waiting_child',
    leadMovesTicketTo: 'same', leadOnly: true, event: 'assignment.sub_dispatched', label: { 'zh-CN': '下派', en: 'Pass down to a sub-unit' },
  },
  reply: {
    scope: 'assignment', ability: 'assignments.work', from: workableStates, assignmentFrom: ['signed'], assignmentTo: 'replied',
    leadMovesTicketTo: 'reply_review', event: 'assignment.replied', label: { 'zh-CN': '回复', en: 'Reply' },
  },

  // ── Hotline review of department requests ─────────────────────────────────────────────────────────────────
  approveReturn: {
    scope: 'ticket', ability: 'tickets.review', from: workableStates, to: 'lead', assignmentFrom: ['return_requested'], assignmentTo: 'returned',
    event: 'assignment.return_approved', label: { 'zh-CN': '同意退单（改派）', en: 'Accept the return (re-dispatch)' },
  },
  rejectReturn: {
    scope: 'ticket', ability: 'tickets.review', from: workableStates, to: 'lead', assignmentFrom: ['return_requested'], assignmentTo: 'resume',
    event: 'assignment.return_rejected', label: { 'zh-CN': '驳回退单', en: 'Refuse the return' },
  },
  approveExtension: {
    scope: 'ticket', ability: 'tickets.review', from: workableStates, to: 'lead', assignmentFrom: ['extension_requested'], assignmentTo: 'signed',
    event: 'assignment.extension_approved', label: { 'zh-CN': '同意延期', en: 'Approve the extension' },
  },
  refuseExtension: {
    scope: 'ticket', ability: 'tickets.review', from: workableStates, to: 'lead', assignmentFrom: ['extension_requested'], assignmentTo: 'signed',
    event: 'assignment.extension_refused', label: { 'zh-CN': '不同意延期', en: 'Refuse the extension' },
  },
  passReview: {
    scope: 'ticket', ability: 'tickets.review', from: ['reply_review'], to: ['pending_survey', 'closed'], assignmentFrom: ['replied'], assignmentTo: 'done',
    event: 'ticket.review_passed', label: { 'zh-CN': '审核通过', en: 'Pass the reply' },
  },
  rejectReview: {
    scope: 'ticket', ability: 'tickets.review', from: ['reply_review'], to: 'in_progress', assignmentFrom: ['replied'], assignmentTo: 'signed',
    event: 'ticket.review_rejected', label: { 'zh-CN': '驳回重办', en: 'Reject the reply (handle again)' },
  },

  // ── Follow-up and supervision ─────────────────────────────────────────────────────────────────────────────
  recordSurvey: {
    scope: 'ticket', ability: 'tickets.register', from: ['pending_survey'], to: ['closed', 'in_progress'],
    event: 'ticket.surveyed', label: { 'zh-CN': '登记回访结果', en: 'Record the survey result' },
  },
  close: {
    scope: 'ticket', ability: 'tickets.review', from: ['pending_survey'], to: 'closed',
    event: 'ticket.closed', label: { 'zh-CN': '办结', en: 'Close' },
  },
  reopen: {
    scope: 'ticket', ability: 'tickets.review', from: ['closed'], to: ['in_progress', 'pending_dispatch'],
    event: 'ticket.reopened', label: { 'zh-CN': '重办', en: 'Reopen' },
  },
  urge: {
    scope: 'ticket', ability: 'tickets.supervise', from: handlingStates, to: 'same',
    event: 'ticket.urged', label: { 'zh-CN': '催办', en: 'Urge' },
  },
  supervise: {
    scope: 'ticket', ability: 'tickets.supervise', from: handlingStates, to: 'same',
    event: 'ticket.supervised', label: { 'zh-CN': '督办', en: 'Supervise' },
  },
} as const satisfies Record<string, Transition>;

export type TicketAction = keyof typeof transitions;
export type TicketLevelAction = { [K in TicketAction]: (typeof transitions)[K]['scope'] extends 'ticket' ? K : never }[TicketAction];
export type AssignmentLevelAction = { [K in TicketAction]: (typeof transitions)[K]['scope'] extends 'assignment' ? K : never }[TicketAction];

export const ticketActions = Object.keys(transitions) as TicketAction[];
export const ticketLevelActions = ticketActions.filter((a) => transitions[a].scope === 'ticket') as TicketLevelAction[];
export const assignmentLevelActions = ticketActions.filter((a) => transitions[a].scope === 'assignment') as AssignmentLevelAction[];

export function transitionOf(action: TicketAction): Transition {
  return transitions[action];
}

/** The URL segment of an action: `requestExtension` → `request-extension`. */
export function actionSlug(action: TicketAction): string {
  return action.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The part of an assignment the table looks at. */
export type AssignmentFacts = { id: string; state: AssignmentState; role: 'lead' | 'assist'; departmentId: string };

/**
 * True when `action` may start from these states (abilities aside). For ticket actions about an assignment
 * (reviews of returns and extensions), some assignment of the ticket must be in the required state; for
 * assignment actions, the given assignment must be.
 */
export function isAllowedFrom(action: TicketAction, ticketState: TicketState, assignments: readonly AssignmentFacts[], assignment?: AssignmentFacts): boolean {
  const t: Transition = transitions[action];
  if (!(t.from as readonly string[]).includes(ticketState)) return false;
  if (t.scope === 'assignment') {
    if (!assignment) return false;
    if (t.leadOnly && assignment.role !== 'lead') return false;
    return (t.assignmentFrom as readonly string[]).includes(assignment.state);
  }
  if (t.assignmentFrom) {
    const needed = t.assignmentFrom as readonly string[];
    return assignment ? needed.includes(assignment.state) : assignments.some((a) => needed.includes(a.state));
  }
  return true;
}

/** Resolves a `resume` target of an assignment to the state it left. */
export function resolveAssignmentTarget(target: Target<AssignmentState>, current: AssignmentState, resumeState: AssignmentState | null): AssignmentState {
  if (target === 'same' || target === 'lead') return current;
  if (target === 'resume') return resumeState ?? 'signed';
  return target;
}

/**
 * The ticket state that follows from where its lead assignment stands, for moves that settle an assignment
 * request (a refused return, an approved extension): the ticket is back to "dispatched" until the lead signs,
 * "in progress" after.
 */
export function ticketStateForLead(leadState: AssignmentState): TicketState {
  switch (leadState) {
    case 'dispatched':
      return 'dispatched';
    case 'return_requested':
      return 'return_review';
    case 'extension_requested':
      return 'extension_review';
    case 'replied':
      return 'reply_review';
    default:
      return 'in_progress';
  }
}
