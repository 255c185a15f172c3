/**
 * Work-order use cases. Each one is one transaction: lock the ticket row, check the actor's right (policy) and
 * the lifecycle table, change the rows, write the event trail and the audit row, enqueue the jobs the change
 * causes; then, after commit, push the socket events.
 *
 * Every lifecycle action goes through `perform`, so no use case can skip the checks or the trail.
 */
import { callerOfCall } from '../calls/index.ts';
import type { ProtectedPhone } from '../../platform/pii.ts';
import type { AppContext } from '../../context.ts';
import type { Actor, SystemActor, UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n.ts';
import { addJob } from '../../platform/jobs.ts';
import type { TicketAssignmentsTable, TicketsTable } from '../../schema.ts';
import type { Updateable } from 'kysely';
import { validateExtensionRequest } from '../calendar/index.ts';
import { checkConductDispatch, flagConductComplaint } from '../assessment/index.ts';
import {
  cancelDeadlineJobs,
  loadDeadlineSetting,
  scheduleDeadlineJobs,
  stampDeadlines,
  warnAtFor,
  type DeadlineSetting,
} from './deadlines.ts';
import {
  isAllowedFrom,
  openAssignmentStates,
  resolveAssignmentTarget,
  ticketStateForLead,
  transitions,
  type AssignmentState,
  type TicketAction,
  type TicketState,
} from './lifecycle.ts';
import { allowedAssignmentActions, allowedTicketActions, mayAttempt, ticketScope, type TicketScope } from './tickets.policy.ts';
import { assignmentFacts, stateLabels, ticketFacts, presentTicketEvent } from './tickets.presenter.ts';
import * as repo from './tickets.repository.ts';
import type { ActionBodies, RegisterTicketInput } from './tickets.schema.ts';

/** Options the HTTP layer never sets: tests and the demo seed pin the clock to prove deadline arithmetic. */
export type ServiceOptions = { now?: Date };

type Tx = {
  trx: Executor;
  ctx: AppContext;
  actor: Actor;
  now: Date;
  scope: TicketScope;
  ticket: repo.TicketRow;
  assignments: repo.AssignmentRow[];
  parentDepartmentId: string | null;
  /** Deadline settings, loaded on first use within the transaction. */
  deadlines(): Promise<DeadlineSetting>;
  /** Pushes to run after commit. */
  after: (() => void)[];
};

/** What a use case changes beyond the state the lifecycle table sets. */
type Outcome = {
  /** Required when the table lists several targets (review pass → survey or close). */
  to?: TicketState;
  ticketChanges?: Updateable<TicketsTable>;
  assignmentChanges?: Updateable<TicketAssignmentsTable>;
  /** Runs after the acting assignment's state has moved (a new lead may only exist once the old one is out). */
  afterMove?: () => Promise<void>;
  note?: string | null;
  data?: Record<string, unknown>;
};

const hotlineRooms = ['agent', 'supervisor', 'admin'];

function actorName(actor: Actor): { id: string | null; name: string; role: string } {
  return actor.kind === 'user' ? { id: actor.id, name: actor.displayName, role: actor.role } : { id: null, name: `system:${actor.name}`, role: 'system' };
}

/** System actors (jobs, seed) see every ticket and hold the hotline's rights. */
function subjectOf(actor: Actor) {
  return actor.kind === 'user' ? actor : { id: '00000000-0000-0000-0000-000000000000', role: 'admin' as const, departmentId: null };
}

function scopeOf(actor: Actor): TicketScope {
  return ticketScope(subjectOf(actor));
}

// ── Transaction scaffolding ──────────────────────────────────────────────────────────────────────────────────

async function openTx(ctx: AppContext, trx: Executor, actor: Actor, ticketId: string, now: Date): Promise<Tx> {
  const scope = scopeOf(actor);
  const ticket = await repo.lockTicket(trx, ticketId, scope);
  if (!ticket) throw notFound('entity.ticket');
  let setting: Promise<DeadlineSetting> | undefined;
  const tx: Tx = {
    trx,
    ctx,
    actor,
    now,
    scope,
    ticket,
    assignments: [],
    parentDepartmentId: null,
    deadlines: () => (setting ??= loadDeadlineSetting(trx, ctx.config.timezone)),
    after: [],
  };
  await refresh(tx);
  return tx;
}

async function refresh(tx: Tx): Promise<void> {
  tx.ticket = (await repo.findTicket(tx.trx, tx.ticket.id, { kind: 'all' }))!;
  tx.assignments = await repo.assignmentsOf(tx.trx, tx.ticket.id, { lock: true });
  tx.parentDepartmentId = null;
  if (tx.ticket.parent_assignment_id) {
    const parent = await tx.trx.selectFrom('ticket_assignments').select('department_id').where('id', '=', tx.ticket.parent_assignment_id).executeTakeFirst();
    tx.parentDepartmentId = parent?.department_id ?? null;
  }
}

/** Runs a use case in one transaction, then the pushes it queued. */
async function inTransaction<T>(ctx: AppContext, actor: Actor, ticketId: string, now: Date, work: (tx: Tx) => Promise<T>): Promise<T> {
  const after: (() => void)[] = [];
  const result = await ctx.db.transaction().execute(async (trx) => {
    const tx = await openTx(ctx, trx, actor, ticketId, now);
    const value = await work(tx);
    after.push(...tx.after);
    return value;
  });
  for (const push of after) {
    try {
      push();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'socket push failed');
    }
  }
  return result;
}

/** The 409 of an action that is not allowed from here, naming what is. */
function illegalTransition(tx: Tx, action: TicketAction): AppError {
  const subject = subjectOf(tx.actor);
  const facts = ticketFacts(tx.ticket, tx.assignments, tx.parentDepartmentId);
  const own = tx.assignments.filter((a) => a.department_id === subject.departmentId);
  const allowed = [
    ...allowedTicketActions(subject, facts),
    ...own.flatMap((a) => allowedAssignmentActions(subject, facts, assignmentFacts(a))),
  ];
  const unique = [...new Set(allowed)];
  const language = tx.actor.language;
  const list = unique.length ? unique.map((a) => transitions[a].label[language]).join(language === 'en' ? ', ' : '、') : language === 'en' ? 'nothing' : '无';
  return new AppError('CONFLICT', {
    messageKey: 'error.ticket.illegal_transition',
    params: { action: transitions[action].label[language], state: stateLabels[tx.ticket.state][language], allowed: list },
    details: { action, state: tx.ticket.state, allowedActions: unique },
  });
}

/** Picks the assignment a hotline review is about: the one named, or the only one waiting. */
function pickReviewedAssignment(tx: Tx, action: TicketAction, assignmentId: string | undefined): repo.AssignmentRow | undefined {
  const t = transitions[action];
  if (assignmentId) {
    const a = tx.assignments.find((x) => x.id === assignmentId);
    if (!a) throw notFound('entity.assignment');
    return a;
  }
  if (!('assignmentFrom' in t) || !t.assignmentFrom) return undefined;
  const waiting = tx.assignments.filter((a) => (t.assignmentFrom as readonly string[]).includes(a.state));
  // passReview / rejectReview act on the lead's reply.
  if (action === 'passReview' || action === 'rejectReview') return waiting.find((a) => a.role === 'lead');
  if (waiting.length > 1) {
    throw new AppError('VALIDATION', { messageKey: 'error.ticket.choose_assignment', field: 'assignmentId' });
  }
  return waiting[0];
}

/**
 * One lifecycle step inside an open transaction: checks (ownership → 404/403, version → 409, table → 409),
 * the use case's own changes, the state moves the table prescribes, the event row and the audit row.
 */
async function step(
  tx: Tx,
  action: TicketAction,
  input: { expectedVersion?: number | undefined; assignmentId?: string | undefined; actingAssignmentId?: string },
  apply: (assignment: repo.AssignmentRow | undefined) => Promise<Outcome>,
): Promise<void> {
  const t = transitions[action];
  const subject = subjectOf(tx.actor);
  let assignment: repo.AssignmentRow | undefined;
  if (t.scope === 'assignment') {
    assignment = tx.assignments.find((a) => a.id === input.actingAssignmentId);
    // Another department's assignment is not there at all for a department; hotline staff get a 403 below.
    if (!assignment || (tx.actor.kind === 'user' && tx.actor.role === 'department_staff' && assignment.department_id !== subject.departmentId)) {
      throw notFound('entity.assignment');
    }
  } else {
    assignment = pickReviewedAssignment(tx, action, input.assignmentId);
  }
  if (!mayAttempt(subject, action, { parentDepartmentId: tx.parentDepartmentId }, assignment ? assignmentFacts(assignment) : undefined)) {
    throw new AppError('FORBIDDEN');
  }
  const current = t.scope === 'assignment' ? assignment!.version : tx.ticket.version;
  if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
    throw new AppError('CONFLICT', {
      messageKey: 'error.ticket.stale',
      params: { expected: input.expectedVersion, current },
      details: { expectedVersion: input.expectedVersion, currentVersion: current },
    });
  }
  const facts = ticketFacts(tx.ticket, tx.assignments, tx.parentDepartmentId);
  if (!isAllowedFrom(action, tx.ticket.state, facts.assignments, assignment ? assignmentFacts(assignment) : undefined)) {
    throw illegalTransition(tx, action);
  }

  const fromState = tx.ticket.state;
  const fromAssignmentState = assignment?.state;
  const outcome = await apply(assignment);

  let toAssignmentState: AssignmentState | undefined;
  if (assignment && 'assignmentTo' in t && t.assignmentTo) {
    toAssignmentState = resolveAssignmentTarget(t.assignmentTo, assignment.state, assignment.resume_state);
    const entering = toAssignmentState === 'return_requested' || toAssignmentState === 'extension_requested';
    await repo.updateAssignment(tx.trx, assignment.id, {
      ...outcome.assignmentChanges,
      state: toAssignmentState,
      ...(entering ? { resume_state: assignment.state as 'dispatched' | 'signed' } : {}),
    });
    if (!(openAssignmentStates as readonly string[]).includes(toAssignmentState)) await cancelDeadlineJobs(tx.trx, assignment.id);
  }
  await outcome.afterMove?.();
  tx.assignments = await repo.assignmentsOf(tx.trx, tx.ticket.id, { lock: true });

  let toState: TicketState = fromState;
  if (t.scope === 'assignment') {
    if (assignment!.role === 'lead' && t.leadMovesTicketTo !== 'same') toState = t.leadMovesTicketTo as TicketState;
  } else if (t.to === 'same') {
    toState = fromState;
  } else if (t.to === 'lead') {
    const lead = tx.assignments.find((a) => a.role === 'lead' && a.state !== 'returned' && a.state !== 'withdrawn');
    toState = lead ? ticketStateForLead(lead.state) : fromState;
  } else if (Array.isArray(t.to)) {
    if (!outcome.to || !t.to.includes(outcome.to)) throw new Error(`${action}: outcome ${outcome.to} is not a target of the lifecycle table`);
    toState = outcome.to;
  } else {
    toState = t.to as TicketState;
  }
  await repo.updateTicket(tx.trx, tx.ticket.id, { ...outcome.ticketChanges, state: toState });

  const who = actorName(tx.actor);
  await repo.insertEvent(tx.trx, {
    ticketId: tx.ticket.id,
    assignmentId: assignment?.id ?? null,
    actorId: who.id,
    actorName: who.name,
    actorRole: who.role,
    action,
    fromState,
    toState,
    note: outcome.note ?? null,
    data: { ...(assignment ? { assignmentFrom: fromAssignmentState, assignmentTo: toAssignmentState ?? fromAssignmentState, department: assignment.department_name } : {}), ...outcome.data },
  });
  await recordAudit(tx.trx, tx.actor, {
    action: t.event,
    entity: 'ticket',
    entityId: tx.ticket.id,
    data: { number: tx.ticket.number, from: fromState, to: toState, ...(assignment ? { assignmentId: assignment.id } : {}), ...outcome.data },
  });
  await refresh(tx);
  queuePush(tx, t.event, assignment);
}

/** After commit: the hotline's consoles and every department on the ticket hear about the change. */
function queuePush(tx: Tx, event: string, assignment?: repo.AssignmentRow) {
  const payload = presentTicketEvent(tx.ticket, { action: event, assignmentId: assignment?.id ?? null, departmentId: assignment?.department_id ?? null });
  const departments = [...new Set(tx.assignments.map((a) => a.department_id))];
  const publish = tx.ctx.publish;
  tx.after.push(() => {
    for (const role of hotlineRooms) publish.toRole(role, event, payload);
    for (const id of departments) publish.toDepartment(id, event, payload);
  });
}

async function writeEvent(tx: Tx, action: string, e: { assignmentId?: string | null; from: string | null; to: string | null; note?: string | null; data?: Record<string, unknown> }) {
  const who = actorName(tx.actor);
  await repo.insertEvent(tx.trx, {
    ticketId: tx.ticket.id,
    assignmentId: e.assignmentId ?? null,
    actorId: who.id,
    actorName: who.name,
    actorRole: who.role,
    action,
    fromState: e.from,
    toState: e.to,
    note: e.note ?? null,
    data: e.data ?? {},
  });
}

// ── Registration ─────────────────────────────────────────────────────────────────────────────────────────────

/** 12345 + local yyyyMMdd + a 6-digit sequence of that day: 1234520251009000042. */
export async function allocateTicketNumber(ctx: Pick<AppContext, 'db' | 'config'>, now: Date): Promise<string> {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.config.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const sequence = await repo.nextDailySequence(ctx.db, day);
  return `12345${day.replaceAll('-', '')}${String(sequence).padStart(6, '0')}`;
}

/**
 * A ticket registered from a call without a typed number takes the caller's number from the call: the agent only
 * ever saw it masked, and the protected form is copied as it is.
 */
async function phoneOfLinkedCall(ctx: AppContext, callIds: string[]): Promise<ProtectedPhone | undefined> {
  const caller = callIds[0] ? await callerOfCall(ctx.db, callIds[0]) : undefined;
  if (!caller) return undefined;
  return { encrypted: caller.encrypted, hash: caller.hash, masked: caller.masked, lastFour: ctx.pii.reveal(caller.encrypted).slice(-4) };
}

/**
 * 受理: records the request, and at once does what the agent chose — keep a draft, queue it for dispatch,
 * dispatch it, or close it (resolved on the call, transferred, informed). Texts the caller the ticket number.
 */
export async function registerTicket(ctx: AppContext, actor: UserActor | SystemActor, input: RegisterTicketInput, options: ServiceOptions = {}): Promise<string> {
  if (actor.kind === 'user' && !mayAttempt(actor, 'submit', { parentDepartmentId: null })) throw new AppError('FORBIDDEN');
  const now = options.now ?? new Date();
  if (input.categoryId && !(await repo.findCategory(ctx.db, input.categoryId))) {
    throw new AppError('VALIDATION', { messageKey: 'error.validation.field', params: { field: 'categoryId', issue: translate('entity.category', actor.language) }, field: 'categoryId' });
  }
  const number = await allocateTicketNumber(ctx, now);
  const phone = input.caller.phone ? ctx.pii.protectPhone(input.caller.phone) : await phoneOfLinkedCall(ctx, input.callIds);
  const after: (() => void)[] = [];
  const id = await ctx.db.transaction().execute(async (trx) => {
    const ticketId = await repo.insertTicket(trx, {
      number,
      channel: input.channel,
      type: input.type,
      urgency: input.urgency,
      category_id: input.categoryId ?? null,
      title: input.title,
      description: input.description,
      address: input.address ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      district: input.district ?? null,
      caller_name: input.caller.name ?? null,
      caller_phone_encrypted: phone?.encrypted ?? null,
      caller_phone_hash: phone?.hash ?? null,
      caller_phone_masked: phone?.masked ?? null,
      caller_phone_last_four: phone?.lastFour ?? null,
      caller_sms_declined: input.caller.smsDeclined,
      confidential: input.confidential,
      call_ids: input.callIds,
      state: 'registering',
      closure: null,
      transferred_to: null,
      resolution: null,
      survey_result: null,
      last_urged_at: null,
      supervised_at: null,
      parent_ticket_id: null,
      parent_assignment_id: null,
      master_ticket_id: null,
      registered_by: actor.kind === 'user' ? actor.id : null,
      created_at: now,
      updated_at: now,
      closed_at: null,
    });
    const tx = await openTx(ctx, trx, actor, ticketId, now);
    await writeEvent(tx, 'register', { from: null, to: 'registering', data: { channel: input.channel, number } });
    await recordAudit(trx, actor, { action: 'ticket.registered', entity: 'ticket', entityId: ticketId, data: { number, channel: input.channel, type: input.type, confidential: input.confidential } });
    // Flagged before any dispatch below, so the 效能投诉 rule already applies to it.
    if (input.conductComplaintAgainst) await flagConductComplaint(trx, actor, { ticketId, departmentId: input.conductComplaintAgainst });
    switch (input.disposition) {
      case 'draft':
        break;
      case 'pending_dispatch':
        await step(tx, 'submit', {}, async () => ({}));
        break;
      case 'dispatch':
        await step(tx, 'submit', {}, async () => ({}));
        await dispatchStep(tx, { ...input.dispatch!, expectedVersion: undefined });
        break;
      case 'resolveOnCall':
        await step(tx, 'resolveOnCall', {}, async () => closeAtRegistration(tx, 'resolved_on_call', input.resolution ?? null));
        break;
      case 'inform':
        await step(tx, 'inform', {}, async () => closeAtRegistration(tx, 'informed', input.resolution ?? null));
        break;
      case 'transfer':
        await step(tx, 'transfer', {}, async () => closeAtRegistration(tx, 'transferred', input.resolution ?? null, input.transferredTo));
        break;
    }
    // 受理告知: the number by SMS.
    if (phone && !input.caller.smsDeclined) await addJob(trx, 'tickets.notify-caller', { ticketId, kind: 'registered' });
    queuePush(tx, 'ticket.registered');
    after.push(...tx.after);
    return ticketId;
  });
  for (const push of after) push();
  return id;
}

async function closeAtRegistration(
  tx: Tx,
  closure: 'resolved_on_call' | 'informed' | 'transferred',
  resolution: string | null,
  transferredTo?: '110' | '119' | '120' | '122',
): Promise<Outcome> {
  return {
    ticketChanges: { closure, closed_at: tx.now, resolution, ...(transferredTo ? { transferred_to: transferredTo } : {}) },
    note: resolution,
    data: { closure, ...(transferredTo ? { transferredTo } : {}) },
  };
}

// ── Ticket actions (hotline) ─────────────────────────────────────────────────────────────────────────────────

type TicketRef = { ticketId: string };

async function ticketAction<A extends keyof ActionBodies>(
  ctx: AppContext,
  actor: Actor,
  action: A,
  ref: TicketRef,
  body: ActionBodies[A],
  options: ServiceOptions,
  apply: (tx: Tx, assignment: repo.AssignmentRow | undefined) => Promise<Outcome>,
): Promise<string> {
  const now = options.now ?? new Date();
  await inTransaction(ctx, actor, ref.ticketId, now, (tx) =>
    step(tx, action as TicketAction, { expectedVersion: body.expectedVersion, assignmentId: 'assignmentId' in body ? (body.assignmentId as string | undefined) : undefined }, (a) => apply(tx, a)),
  );
  return ref.ticketId;
}

export function submitTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['submit'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'submit', { ticketId }, body, options, async () => ({ note: body.note ?? null }));
}

export function resolveTicketOnCall(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['resolveOnCall'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'resolveOnCall', { ticketId }, body, options, (tx) => closeAtRegistration(tx, 'resolved_on_call', body.resolution));
}

export function informAndCloseTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['inform'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'inform', { ticketId }, body, options, (tx) => closeAtRegistration(tx, 'informed', body.resolution));
}

export function transferTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['transfer'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'transfer', { ticketId }, body, options, (tx) => closeAtRegistration(tx, 'transferred', body.note ?? null, body.transferredTo));
}

/** 派单: one lead and any assisting departments, each with its deadlines from the working calendar. */
export function dispatchTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['dispatch'], options: ServiceOptions = {}) {
  return inTransaction(ctx, actor, ticketId, options.now ?? new Date(), (tx) => dispatchStep(tx, body)).then(() => ticketId);
}

async function dispatchStep(tx: Tx, body: Omit<ActionBodies['dispatch'], 'expectedVersion'> & { expectedVersion?: number | undefined }) {
  await step(tx, 'dispatch', { expectedVersion: body.expectedVersion }, async () => {
    const created = await createAssignments(tx, { lead: body.leadDepartmentId, assists: body.assistDepartmentIds, note: body.note ?? null, complex: body.complex });
    return { note: body.note ?? null, data: { lead: created.lead, assists: created.assists, complex: body.complex } };
  });
}

/** Inserts assignments with stamped deadlines and schedules their reminders. Returns department names. */
async function createAssignments(tx: Tx, spec: { lead?: string; assists: string[]; note: string | null; complex?: boolean; capHandleBy?: Date }) {
  const wanted = [...(spec.lead ? [spec.lead] : []), ...spec.assists];
  if (new Set(wanted).size !== wanted.length) throw validation('assistDepartmentIds', 'error.ticket.duplicate_department', tx.actor.language);
  // 效能投诉: only the supervision office may lead it, never the department it is about (assessment module).
  await checkConductDispatch(tx.trx, tx.ticket.id, { lead: spec.lead, assists: spec.assists }, tx.actor.language);
  const departments = await repo.findDepartments(tx.trx, wanted);
  for (const id of wanted) {
    const d = departments.find((x) => x.id === id);
    if (!d || !d.active || d.kind === 'hotline') throw validation(id === spec.lead ? 'leadDepartmentId' : 'assistDepartmentIds', 'error.ticket.bad_department', tx.actor.language);
    if (tx.assignments.some((a) => a.department_id === id && !['returned', 'withdrawn', 'done'].includes(a.state))) {
      throw validation(id === spec.lead ? 'leadDepartmentId' : 'assistDepartmentIds', 'error.ticket.duplicate_department', tx.actor.language);
    }
  }
  const setting = await tx.deadlines();
  const dispatchedBy = tx.actor.kind === 'user' ? tx.actor.id : null;
  for (const id of wanted) {
    const d = stampDeadlines(setting, { type: tx.ticket.type, urgency: tx.ticket.urgency, dispatchedAt: tx.now, complex: spec.complex ?? false });
    // A sub-unit cannot be given longer than its parent department has.
    const handleBy = spec.capHandleBy && spec.capHandleBy < d.handleBy ? spec.capHandleBy : d.handleBy;
    const warnAt = handleBy < d.warnAt ? handleBy : d.warnAt;
    const assignmentId = await repo.insertAssignment(tx.trx, {
      ticket_id: tx.ticket.id,
      department_id: id,
      role: id === spec.lead ? 'lead' : 'assist',
      state: 'dispatched',
      resume_state: null,
      urgency: tx.ticket.urgency,
      dispatched_at: tx.now,
      dispatched_by: dispatchedBy,
      dispatch_note: spec.note,
      sign_by: d.signBy,
      handle_by: handleBy,
      return_by: d.returnBy,
      warn_at: warnAt,
      warned_at: null,
      overdue_at: null,
      signed_at: null,
      signed_by: null,
      return_reason: null,
      extension_until: null,
      extension_reason: null,
      child_ticket_id: null,
      reply: null,
      replied_at: null,
      replied_by: null,
    });
    await scheduleDeadlineJobs(tx.trx, { id: assignmentId, warnAt, handleBy });
  }
  const name = (id: string) => departments.find((d) => d.id === id)!.name;
  return { lead: spec.lead ? name(spec.lead) : null, assists: spec.assists.map(name) };
}

function validation(field: string, messageKey: string, language: 'zh-CN' | 'en'): AppError {
  return new AppError('VALIDATION', { messageKey: 'error.validation.field', params: { field, issue: translate(messageKey, language) }, field });
}

/** 并单: a duplicate joins its master; it follows the master and counts once. */
export function mergeTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['merge'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'merge', { ticketId }, body, options, async (tx) => {
    if (body.masterTicketId === tx.ticket.id) throw validation('masterTicketId', 'error.ticket.merge_self', tx.actor.language);
    const master = await repo.lockTicket(tx.trx, body.masterTicketId, tx.scope);
    if (!master) throw notFound('entity.ticket');
    if (master.state === 'merged') throw validation('masterTicketId', 'error.ticket.merge_into_merged', tx.actor.language);
    // Tickets merged into this one follow the new master directly: merges never chain.
    const moved = await repo.repointMerged(tx.trx, tx.ticket.id, master.id);
    await repo.updateTicket(tx.trx, master.id, {});
    return {
      ticketChanges: { master_ticket_id: master.id },
      note: body.note ?? null,
      data: { masterTicketId: master.id, masterNumber: master.number, alsoMoved: moved },
    };
  });
}

/** 改派 / 同意退单: the returned assignment leaves; a returned lead is replaced by the new lead department. */
export function approveReturn(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['approveReturn'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'approveReturn', { ticketId }, body, options, async (tx, a) => {
    if (a!.role === 'lead' && !body.newLeadDepartmentId) throw validation('newLeadDepartmentId', 'error.ticket.new_lead_required', tx.actor.language);
    return {
      note: body.note ?? null,
      data: { returnedBy: a!.department_name, reason: a!.return_reason },
      afterMove: async () => {
        if (!body.newLeadDepartmentId && body.assistDepartmentIds.length === 0) return;
        tx.assignments = await repo.assignmentsOf(tx.trx, tx.ticket.id, { lock: true });
        const created = await createAssignments(tx, {
          ...(a!.role === 'lead' ? { lead: body.newLeadDepartmentId } : {}),
          assists: a!.role === 'lead' ? body.assistDepartmentIds : [...(body.newLeadDepartmentId ? [body.newLeadDepartmentId] : []), ...body.assistDepartmentIds],
          note: body.note ?? null,
        });
        await writeEvent(tx, 'dispatch', { from: tx.ticket.state, to: 'dispatched', note: body.note ?? null, data: { redispatch: true, lead: created.lead, assists: created.assists } });
      },
    };
  });
}

export function rejectReturn(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['rejectReturn'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'rejectReturn', { ticketId }, body, options, async (_tx, a) => ({
    assignmentChanges: { return_reason: null },
    note: body.note,
    data: { department: a!.department_name, reason: a!.return_reason },
  }));
}

/** 同意延期: the handling deadline moves; its reminders move with it (same job keys). */
export function approveExtension(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['approveExtension'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'approveExtension', { ticketId }, body, options, async (tx, a) => {
    const until = body.until ? new Date(body.until) : a!.extension_until!;
    if (until <= a!.handle_by) throw validation('until', 'error.ticket.extension_not_later', tx.actor.language);
    const setting = await tx.deadlines();
    const windowUnit = setting.policy.windows[tx.ticket.type][tx.ticket.urgency].handle.unit;
    const warnAt = warnAtFor(setting, windowUnit, a!.signed_at ?? a!.dispatched_at, until);
    await scheduleDeadlineJobs(tx.trx, { id: a!.id, warnAt, handleBy: until });
    return {
      assignmentChanges: { handle_by: until, warn_at: warnAt, warned_at: null, overdue_at: null, extension_count: a!.extension_count + 1, extension_until: null },
      note: body.note ?? null,
      data: { department: a!.department_name, from: a!.handle_by.toISOString(), until: until.toISOString() },
    };
  });
}

export function refuseExtension(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['refuseExtension'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'refuseExtension', { ticketId }, body, options, async (_tx, a) => ({
    assignmentChanges: { extension_until: null },
    note: body.note,
    data: { department: a!.department_name, requested: a!.extension_until?.toISOString() ?? null },
  }));
}

/**
 * 审核通过: a child ticket's reply goes back up to the department that passed it down; a citizen's ticket goes
 * to the callback survey (complaints always) or closes.
 */
export function passReview(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['passReview'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'passReview', { ticketId }, body, options, async (tx, lead): Promise<Outcome> => {
    const isChild = tx.ticket.parent_assignment_id !== null;
    const survey = !isChild && (tx.ticket.type === 'complaint' || (body.survey ?? true));
    // Assisting departments are finished with the ticket too.
    for (const a of tx.assignments) {
      if (a.id === lead!.id) continue;
      if (a.state === 'replied') await repo.updateAssignment(tx.trx, a.id, { state: 'done' });
      else if ((openAssignmentStates as readonly string[]).includes(a.state)) {
        await repo.updateAssignment(tx.trx, a.id, { state: 'withdrawn' });
        await cancelDeadlineJobs(tx.trx, a.id);
      }
    }
    if (isChild) await resumeParentAfterChild(tx, lead!);
    if (!survey) await notifyCallersOfClosure(tx);
    // Hook for modules/surveys (回访): its plan job applies the survey policy (sampling, next working day,
    // calling hours) to this ticket. Enqueued here so it exists exactly when the ticket waits for a survey.
    if (survey) await addJob(tx.trx, 'surveys.plan', { ticketId: tx.ticket.id }, { jobKey: `surveys.plan:${tx.ticket.id}` });
    return {
      to: survey ? 'pending_survey' : 'closed',
      ticketChanges: survey ? {} : { closure: 'handled', closed_at: tx.now },
      note: body.note ?? null,
      data: { survey },
    };
  });
}

/** The sub-unit's reply returns to the department that passed the work down: its assignment is signed again. */
async function resumeParentAfterChild(tx: Tx, childLead: repo.AssignmentRow): Promise<void> {
  const parentTicketId = tx.ticket.parent_ticket_id!;
  const parentAssignmentId = tx.ticket.parent_assignment_id!;
  await repo.lockTicket(tx.trx, parentTicketId, { kind: 'all' });
  const parent = await repo.lockAssignment(tx.trx, parentAssignmentId);
  if (!parent || parent.state !== 'waiting_child') return;
  await repo.updateAssignment(tx.trx, parent.id, { state: 'signed' });
  await repo.updateTicket(tx.trx, parentTicketId, {});
  const who = actorName(tx.actor);
  await repo.insertEvent(tx.trx, {
    ticketId: parentTicketId,
    assignmentId: parent.id,
    actorId: who.id,
    actorName: who.name,
    actorRole: who.role,
    action: 'childReplied',
    fromState: null,
    toState: null,
    note: childLead.reply,
    data: { childTicketId: tx.ticket.id, childNumber: tx.ticket.number, subUnit: childLead.department_name, assignmentFrom: 'waiting_child', assignmentTo: 'signed' },
  });
}

/** 驳回重办: the lead handles it again with a fresh handling window; the reopen count goes up. */
export function rejectReview(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['rejectReview'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'rejectReview', { ticketId }, body, options, async (tx, lead) => ({
    ...(await restartHandling(tx, lead!)),
    ticketChanges: { reopen_count: tx.ticket.reopen_count + 1 },
    note: body.note,
    data: { reopenCount: tx.ticket.reopen_count + 1 },
  }));
}

async function restartHandling(tx: Tx, lead: repo.AssignmentRow): Promise<Pick<Outcome, 'assignmentChanges'>> {
  const setting = await tx.deadlines();
  const d = stampDeadlines(setting, { type: tx.ticket.type, urgency: tx.ticket.urgency, dispatchedAt: tx.now, signedAt: tx.now });
  await scheduleDeadlineJobs(tx.trx, { id: lead.id, warnAt: d.warnAt, handleBy: d.handleBy });
  return { assignmentChanges: { handle_by: d.handleBy, warn_at: d.warnAt, warned_at: null, overdue_at: null, reply: null, replied_at: null, replied_by: null } };
}

/** 回访结果: satisfied, basically satisfied, unreachable, declined → closed; unsatisfied and the department at fault → handled again. */
export function recordSurveyResult(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['recordSurvey'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'recordSurvey', { ticketId }, body, options, async (tx): Promise<Outcome> => {
    if (body.result === 'unsatisfied' && body.departmentAtFault) {
      const lead = tx.assignments.find((a) => a.role === 'lead' && a.state === 'done');
      if (lead) {
        const restart = await restartHandling(tx, lead);
        await repo.updateAssignment(tx.trx, lead.id, { ...restart.assignmentChanges, state: 'signed' });
        return { to: 'in_progress', ticketChanges: { survey_result: body.result, reopen_count: tx.ticket.reopen_count + 1 }, note: body.note ?? null, data: { result: body.result, reopened: true } };
      }
    }
    await notifyCallersOfClosure(tx);
    return { to: 'closed', ticketChanges: { survey_result: body.result, closure: 'handled', closed_at: tx.now }, note: body.note ?? null, data: { result: body.result } };
  });
}

export function closeTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['close'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'close', { ticketId }, body, options, async (tx): Promise<Outcome> => {
    await notifyCallersOfClosure(tx);
    return { ticketChanges: { closure: 'handled', closed_at: tx.now }, note: body.note ?? null };
  });
}

/** 重办 of a closed ticket: back to its lead department with a fresh window, or back to dispatch if it never had one. */
export function reopenTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['reopen'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'reopen', { ticketId }, body, options, async (tx): Promise<Outcome> => {
    const lead = tx.assignments.find((a) => a.role === 'lead' && a.state === 'done');
    const changes = { reopen_count: tx.ticket.reopen_count + 1, closure: null, closed_at: null, survey_result: null };
    if (!lead) return { to: 'pending_dispatch', ticketChanges: changes, note: body.note, data: { reopenCount: changes.reopen_count } };
    const restart = await restartHandling(tx, lead);
    await repo.updateAssignment(tx.trx, lead.id, { ...restart.assignmentChanges, state: 'signed' });
    return { to: 'in_progress', ticketChanges: changes, note: body.note, data: { reopenCount: changes.reopen_count, department: lead.department_name } };
  });
}

/** 催办 / 督办: flags with a notice to every department still working on it (console and SMS). */
export function urgeTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['urge'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'urge', { ticketId }, body, options, async (tx) => {
    const notified = await noticeOpenDepartments(tx, 'urged', body.note ?? null);
    return { ticketChanges: { urge_count: tx.ticket.urge_count + 1, last_urged_at: tx.now }, note: body.note ?? null, data: { notified } };
  });
}

export function superviseTicket(ctx: AppContext, actor: Actor, ticketId: string, body: ActionBodies['supervise'], options: ServiceOptions = {}) {
  return ticketAction(ctx, actor, 'supervise', { ticketId }, body, options, async (tx) => {
    const notified = await noticeOpenDepartments(tx, 'supervised', body.note ?? null);
    return { ticketChanges: { supervised_at: tx.now }, note: body.note ?? null, data: { notified } };
  });
}

const noticeTexts = {
  urged: (n: string, title: string) => `【催办】工单 ${n}《${title}》请加快办理。`,
  supervised: (n: string, title: string) => `【督办】工单 ${n}《${title}》已列入督办，请限期办结并报告。`,
  warning: (n: string, title: string) => `【临期预警】工单 ${n}《${title}》办理时限已过 80%，请尽快办理。`,
  overdue: (n: string, title: string) => `【超期督办】工单 ${n}《${title}》已超过办理期限，已列入督办。`,
} as const;

async function noticeOpenDepartments(tx: Tx, kind: 'urged' | 'supervised', note: string | null): Promise<string[]> {
  const open = tx.assignments.filter((a) => (openAssignmentStates as readonly string[]).includes(a.state));
  const message = noticeTexts[kind](tx.ticket.number, tx.ticket.title) + (note ? ` ${note}` : '');
  for (const a of open) {
    await repo.insertNotification(tx.trx, { departmentId: a.department_id, kind: `ticket.${kind}`, ticketId: tx.ticket.id, assignmentId: a.id, message });
    await addJob(tx.trx, 'tickets.notify-department', { departmentId: a.department_id, ticketId: tx.ticket.id, kind });
    const payload = { ticketId: tx.ticket.id, number: tx.ticket.number, assignmentId: a.id, kind, message };
    tx.after.push(() => tx.ctx.publish.toDepartment(a.department_id, 'notification.created', payload));
  }
  return open.map((a) => a.department_name);
}

/** 办结告知 to the caller, and to the callers of every ticket merged into this one. */
async function notifyCallersOfClosure(tx: Tx): Promise<void> {
  if (tx.ticket.parent_assignment_id) return;
  if (tx.ticket.caller_phone_encrypted && !tx.ticket.caller_sms_declined) {
    await addJob(tx.trx, 'tickets.notify-caller', { ticketId: tx.ticket.id, kind: 'closed' });
  }
  for (const m of await repo.mergedInto(tx.trx, tx.ticket.id)) {
    await repo.insertEvent(tx.trx, { ticketId: m.id, actorId: null, actorName: actorName(tx.actor).name, actorRole: actorName(tx.actor).role, action: 'followMaster', fromState: 'merged', toState: 'merged', data: { masterNumber: tx.ticket.number } });
    if (m.caller_phone_encrypted && !m.caller_sms_declined) await addJob(tx.trx, 'tickets.notify-caller', { ticketId: m.id, kind: 'closed' });
  }
}

// ── Assignment actions (departments) ─────────────────────────────────────────────────────────────────────────

async function assignmentAction<A extends keyof ActionBodies>(
  ctx: AppContext,
  actor: Actor,
  action: A,
  assignmentId: string,
  body: ActionBodies[A],
  options: ServiceOptions,
  apply: (tx: Tx, assignment: repo.AssignmentRow) => Promise<Outcome>,
): Promise<string> {
  const ticketId = await repo.ticketIdOfAssignment(ctx.db, assignmentId);
  if (!ticketId) throw notFound('entity.assignment');
  const now = options.now ?? new Date();
  try {
    await inTransaction(ctx, actor, ticketId, now, (tx) =>
      step(tx, action as TicketAction, { expectedVersion: body.expectedVersion, actingAssignmentId: assignmentId }, (a) => apply(tx, a!)),
    );
  } catch (error) {
    // A ticket outside the department's scope is as absent as its assignment.
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound('entity.assignment');
    throw error;
  }
  return ticketId;
}

/** 签收: the handling clock starts now when the policy says it starts at signing. */
export function signAssignment(ctx: AppContext, actor: Actor, assignmentId: string, body: ActionBodies['sign'], options: ServiceOptions = {}) {
  return assignmentAction(ctx, actor, 'sign', assignmentId, body, options, async (tx, a) => {
    const late = tx.now > a.sign_by;
    const setting = await tx.deadlines();
    let changes: Updateable<TicketAssignmentsTable> = { signed_at: tx.now, signed_by: tx.actor.kind === 'user' ? tx.actor.id : null };
    if (setting.policy.handleClockStartsAt === 'sign') {
      const d = stampDeadlines(setting, { type: tx.ticket.type, urgency: tx.ticket.urgency, dispatchedAt: a.dispatched_at, signedAt: tx.now });
      changes = { ...changes, handle_by: d.handleBy, warn_at: d.warnAt };
      await scheduleDeadlineJobs(tx.trx, { id: a.id, warnAt: d.warnAt, handleBy: d.handleBy });
    }
    return { assignmentChanges: changes, note: body.note ?? null, data: { late } };
  });
}

/** 退单: within the return window, with a reason; the hotline reviews it. */
export function returnAssignment(ctx: AppContext, actor: Actor, assignmentId: string, body: ActionBodies['return'], options: ServiceOptions = {}) {
  return assignmentAction(ctx, actor, 'return', assignmentId, body, options, async (tx, a) => {
    if (tx.now > a.return_by) {
      throw new AppError('CONFLICT', { messageKey: 'error.ticket.return_window_passed', params: { returnBy: formatLocal(a.return_by, tx.ctx.config.timezone) } });
    }
    return { assignmentChanges: { return_reason: body.reason }, note: body.reason, data: { reason: body.reason } };
  });
}

/** 延期申请: before the deadline, later than it, at most the policy's maximum. */
export function requestExtension(ctx: AppContext, actor: Actor, assignmentId: string, body: ActionBodies['requestExtension'], options: ServiceOptions = {}) {
  return assignmentAction(ctx, actor, 'requestExtension', assignmentId, body, options, async (tx, a) => {
    const setting = await tx.deadlines();
    const until = new Date(body.until);
    const check = validateExtensionRequest(setting.calendar, { currentDue: a.handle_by, requestedDue: until, requestedAt: tx.now }, setting.policy);
    if (!check.ok) {
      throw new AppError('CONFLICT', { messageKey: 'error.ticket.extension_refused', params: { detail: check.message[tx.actor.language] }, details: { reason: check.reason, maxDue: check.maxDue.toISOString() } });
    }
    return {
      assignmentChanges: { extension_until: until, extension_reason: body.reason },
      note: body.reason,
      data: { until: until.toISOString(), currentDue: a.handle_by.toISOString() },
    };
  });
}

/** 下派: a child ticket for one of the department's sub-units; the department's own assignment waits for it. */
export function subDispatchAssignment(ctx: AppContext, actor: UserActor, assignmentId: string, body: ActionBodies['subDispatch'], options: ServiceOptions = {}) {
  return assignmentAction(ctx, actor, 'subDispatch', assignmentId, body, options, async (tx, a) => {
    const [unit] = await repo.findDepartments(tx.trx, [body.subUnitDepartmentId]);
    if (!unit || !unit.active || unit.parent_id !== a.department_id) throw validation('subUnitDepartmentId', 'error.ticket.not_a_sub_unit', tx.actor.language);
    return {
      note: body.note ?? null,
      data: { subUnit: unit.name },
      afterMove: async () => {
        const childId = await createChildTicket(tx, a, unit.id, body.note ?? null);
        await repo.updateAssignment(tx.trx, a.id, { child_ticket_id: childId });
      },
    };
  });
}

async function createChildTicket(tx: Tx, parentAssignment: repo.AssignmentRow, subUnitId: string, note: string | null): Promise<string> {
  const t = tx.ticket;
  const number = await allocateTicketNumber({ db: tx.trx, config: tx.ctx.config }, tx.now);
  const childId = await repo.insertTicket(tx.trx, {
    number,
    channel: t.channel,
    type: t.type,
    urgency: t.urgency,
    category_id: t.category_id,
    title: t.title,
    description: note ? `${t.description}\n\n【下派说明】${note}` : t.description,
    address: t.address,
    latitude: t.latitude,
    longitude: t.longitude,
    district: t.district,
    caller_name: t.caller_name,
    caller_phone_encrypted: t.caller_phone_encrypted,
    caller_phone_hash: t.caller_phone_hash,
    caller_phone_masked: t.caller_phone_masked,
    caller_phone_last_four: t.caller_phone_last_four,
    caller_sms_declined: t.caller_sms_declined,
    confidential: t.confidential,
    call_ids: t.call_ids,
    state: 'dispatched',
    closure: null,
    transferred_to: null,
    resolution: null,
    survey_result: null,
    last_urged_at: null,
    supervised_at: null,
    parent_ticket_id: t.id,
    parent_assignment_id: parentAssignment.id,
    master_ticket_id: null,
    registered_by: tx.actor.kind === 'user' ? tx.actor.id : null,
    created_at: tx.now,
    updated_at: tx.now,
    closed_at: null,
  });
  // The child is created already dispatched to the sub-unit; its trail says where it came from.
  const child: Tx = { ...tx, ticket: (await repo.findTicket(tx.trx, childId, { kind: 'all' }))!, assignments: [], after: tx.after };
  const created = await createAssignments(child, { lead: subUnitId, assists: [], note, capHandleBy: parentAssignment.handle_by });
  await writeEvent(child, 'register', { from: null, to: 'registering', data: { parentTicketId: t.id, parentNumber: t.number, number } });
  await writeEvent(child, 'dispatch', { from: 'registering', to: 'dispatched', note, data: { lead: created.lead, assists: [], subDispatch: true } });
  await recordAudit(tx.trx, tx.actor, { action: 'ticket.registered', entity: 'ticket', entityId: childId, data: { number, parentTicketId: t.id } });
  tx.after.push(() => tx.ctx.publish.toDepartment(subUnitId, 'ticket.dispatched', { ticketId: childId, number, state: 'dispatched', urgency: t.urgency, action: 'ticket.dispatched' }));
  return childId;
}

/** 回复: what the department did. */
export function replyAssignment(ctx: AppContext, actor: Actor, assignmentId: string, body: ActionBodies['reply'], options: ServiceOptions = {}) {
  return assignmentAction(ctx, actor, 'reply', assignmentId, body, options, async (tx) => ({
    assignmentChanges: { reply: body.reply, replied_at: tx.now, replied_by: tx.actor.kind === 'user' ? tx.actor.id : null },
    note: body.reply,
  }));
}

// ── Deadline reminders (jobs) ────────────────────────────────────────────────────────────────────────────────

/**
 * The warning (80%) or overdue check of one assignment, run by the job at its time. Idempotent: a check for a
 * deadline that has since moved, for work no longer on the desk, or one already sent does nothing.
 * Warning → automatic 催办 (urge) notice; overdue → automatic 督办 (supervision) notice. Both in the console
 * (notification row + socket) and by SMS to the department's contact phone.
 */
export async function checkAssignmentDeadline(
  ctx: AppContext,
  payload: { assignmentId: string; kind: 'warning' | 'overdue'; dueAt: string },
  options: ServiceOptions = {},
): Promise<'sent' | 'skipped'> {
  const now = options.now ?? new Date();
  const ticketId = await repo.ticketIdOfAssignment(ctx.db, payload.assignmentId);
  if (!ticketId) return 'skipped';
  const actor: SystemActor = { kind: 'system', name: 'deadlines', ip: null, userAgent: null, language: 'zh-CN' };
  return inTransaction(ctx, actor, ticketId, now, async (tx) => {
    const a = tx.assignments.find((x) => x.id === payload.assignmentId);
    if (!a || !(openAssignmentStates as readonly string[]).includes(a.state)) return 'skipped';
    const due = payload.kind === 'warning' ? a.warn_at : a.handle_by;
    if (due.toISOString() !== payload.dueAt) return 'skipped';
    if ((payload.kind === 'warning' ? a.warned_at : a.overdue_at) !== null) return 'skipped';
    if (now < due) return 'skipped';
    await repo.updateAssignment(tx.trx, a.id, payload.kind === 'warning' ? { warned_at: now } : { overdue_at: now });
    await repo.updateTicket(
      tx.trx,
      tx.ticket.id,
      payload.kind === 'warning' ? { urge_count: tx.ticket.urge_count + 1, last_urged_at: now } : { supervised_at: tx.ticket.supervised_at ?? now },
    );
    const message = noticeTexts[payload.kind](tx.ticket.number, tx.ticket.title) + `（${a.department_name}，期限 ${formatLocal(a.handle_by, ctx.config.timezone)}）`;
    await repo.insertNotification(tx.trx, { departmentId: a.department_id, kind: `deadline.${payload.kind}`, ticketId: tx.ticket.id, assignmentId: a.id, message });
    await repo.insertNotification(tx.trx, { role: 'supervisor', kind: `deadline.${payload.kind}`, ticketId: tx.ticket.id, assignmentId: a.id, message });
    await writeEvent(tx, payload.kind === 'warning' ? 'deadlineWarning' : 'deadlineOverdue', {
      assignmentId: a.id,
      from: tx.ticket.state,
      to: tx.ticket.state,
      data: { department: a.department_name, handleBy: a.handle_by.toISOString() },
    });
    await recordAudit(tx.trx, actor, { action: payload.kind === 'warning' ? 'assignment.deadline_warned' : 'assignment.deadline_overdue', entity: 'ticket', entityId: tx.ticket.id, data: { assignmentId: a.id, number: tx.ticket.number } });
    await addJob(tx.trx, 'tickets.notify-department', { departmentId: a.department_id, ticketId: tx.ticket.id, kind: payload.kind });
    const event = payload.kind === 'warning' ? 'assignment.deadline_warned' : 'assignment.deadline_overdue';
    const body = { ticketId: tx.ticket.id, number: tx.ticket.number, assignmentId: a.id, departmentId: a.department_id, message };
    tx.after.push(() => {
      ctx.publish.toDepartment(a.department_id, event, body);
      ctx.publish.toRole('supervisor', event, body);
    });
    return 'sent';
  });
}

/** Texts a department's contact phone about a ticket (urge, supervision, deadline warnings). */
export async function notifyDepartment(ctx: AppContext, payload: { departmentId: string; ticketId: string; kind: keyof typeof noticeTexts }): Promise<'sent' | 'skipped'> {
  const [department] = await repo.findDepartments(ctx.db, [payload.departmentId]);
  const ticket = await repo.findTicket(ctx.db, payload.ticketId, { kind: 'all' });
  if (!department?.contact_phone || !ticket) return 'skipped';
  await ctx.ports.sms.send(department.contact_phone, `【12345】${noticeTexts[payload.kind](ticket.number, ticket.title)}`);
  return 'sent';
}

/** Texts the citizen: 受理告知 with the number, 办结告知 when finished. */
export async function notifyCaller(ctx: AppContext, payload: { ticketId: string; kind: 'registered' | 'closed' }): Promise<'sent' | 'skipped'> {
  const ticket = await repo.findTicket(ctx.db, payload.ticketId, { kind: 'all' });
  if (!ticket?.caller_phone_encrypted || ticket.caller_sms_declined) return 'skipped';
  const phone = ctx.pii.reveal(ticket.caller_phone_encrypted);
  const text =
    payload.kind === 'registered'
      ? `【12345】您反映的问题已受理，工单号 ${ticket.number}。可凭工单号和手机号后四位查询办理进度。`
      : `【12345】您的工单 ${ticket.number} 已办结，感谢您对12345热线的支持。如有疑问请致电12345。`;
  await ctx.ports.sms.send(phone, text);
  return 'sent';
}

function formatLocal(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(instant);
}
