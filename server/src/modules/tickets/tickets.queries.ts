/**
 * Read use cases of work orders: lists, the ticket page, the department inbox, the supervision board, merge
 * candidates, notifications, and revealing a caller's number (the one read that writes: its audit row).
 * Scope comes from the policy and is applied in SQL by the repository.
 */
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { canRevealPhone, canSearchByCaller, holdsAbility, ticketScope } from './tickets.policy.ts';
import { presentInboxItem, presentTicketDetail, presentTicketSummary } from './tickets.presenter.ts';
import * as repo from './tickets.repository.ts';
import type { AssignmentStateColumn, TicketStateColumn } from '../../schema.ts';

/** Opaque keyset cursors: base64url of the sort key of the last row. */
function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts)) return parts;
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', { messageKey: 'error.validation.field', params: { field: 'cursor', issue: 'invalid cursor' }, field: 'cursor' });
}

export async function listTickets(
  ctx: AppContext,
  actor: UserActor,
  q: {
    state?: TicketStateColumn[];
    type?: string;
    urgency?: string;
    categoryId?: string;
    departmentId?: string;
    deadline?: 'warning' | 'overdue';
    q?: string;
    callerPhone?: string;
    createdFrom?: string;
    createdTo?: string;
    cursor?: string;
    limit: number;
  },
  now = new Date(),
) {
  if (q.callerPhone && !canSearchByCaller(actor)) throw new AppError('FORBIDDEN');
  const cursor = decodeCursor(q.cursor) as [string, string] | undefined;
  const rows = await repo.listTickets(ctx.db, ticketScope(actor), {
    ...(q.state ? { states: q.state } : {}),
    ...(q.type ? { type: q.type } : {}),
    ...(q.urgency ? { urgency: q.urgency } : {}),
    ...(q.categoryId ? { categoryId: q.categoryId } : {}),
    ...(q.departmentId ? { departmentId: q.departmentId } : {}),
    ...(q.deadline ? { deadline: q.deadline } : {}),
    ...(q.q ? { q: q.q } : {}),
    ...(q.callerPhone ? { callerPhoneHash: ctx.pii.hashPhone(q.callerPhone) } : {}),
    ...(q.createdFrom ? { createdFrom: new Date(q.createdFrom) } : {}),
    ...(q.createdTo ? { createdTo: new Date(q.createdTo) } : {}),
    ...(cursor ? { before: { createdAt: new Date(cursor[0]), id: cursor[1] } } : {}),
    limit: q.limit,
    now,
  });
  const last = rows.at(-1);
  return {
    items: rows.map((r) => presentTicketSummary(actor, r)),
    nextCursor: rows.length === q.limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
  };
}

/** The ticket page: the ticket, its assignments, the whole trail, related tickets, and what the caller may do. */
export async function getTicket(ctx: AppContext, actor: UserActor, id: string, now = new Date()) {
  const ticket = await repo.findTicket(ctx.db, id, ticketScope(actor));
  if (!ticket) throw notFound('entity.ticket');
  const [assignments, events, children, merged] = await Promise.all([
    repo.assignmentsOf(ctx.db, id),
    repo.eventsOf(ctx.db, id),
    repo.childTickets(ctx.db, id),
    repo.mergedInto(ctx.db, id),
  ]);
  let parentDepartmentId: string | null = null;
  if (ticket.parent_assignment_id) {
    const parent = await ctx.db.selectFrom('ticket_assignments').select('department_id').where('id', '=', ticket.parent_assignment_id).executeTakeFirst();
    parentDepartmentId = parent?.department_id ?? null;
  }
  const [master] = ticket.master_ticket_id ? await repo.ticketNumbers(ctx.db, [ticket.master_ticket_id]) : [];
  // A department sees only its own assignments' children (a sibling's sub-units are not its business).
  const scope = ticketScope(actor);
  const ownAssignmentIds = new Set(assignments.filter((a) => scope.kind === 'all' || a.department_id === scope.departmentId).map((a) => a.id));
  return presentTicketDetail(actor, ticket, {
    assignments,
    events,
    parentDepartmentId,
    master: master ? { id: master.id, number: master.number, state: master.state } : null,
    merged: merged.map((m) => ({ id: m.id, number: m.number })),
    children: children.filter((c) => c.parent_assignment_id && ownAssignmentIds.has(c.parent_assignment_id)).map((c) => ({ id: c.id, number: c.number, state: c.state })),
    now,
  });
}

/** 查看完整号码: the clear number, for those allowed; every reveal is an audit row. */
export async function revealCallerPhone(ctx: AppContext, actor: UserActor, id: string): Promise<{ phone: string }> {
  const ticket = await repo.findTicket(ctx.db, id, ticketScope(actor));
  if (!ticket) throw notFound('entity.ticket');
  if (!canRevealPhone(actor, ticket)) throw new AppError('FORBIDDEN');
  if (!ticket.caller_phone_encrypted) throw notFound('entity.phone');
  const phone = ctx.pii.reveal(ticket.caller_phone_encrypted);
  await ctx.db.transaction().execute(async (trx) => {
    await recordAudit(trx, actor, { action: 'phone.revealed', entity: 'ticket', entityId: ticket.id, data: { number: ticket.number, masked: ticket.caller_phone_masked } });
    await repo.insertEvent(trx, { ticketId: ticket.id, actorId: actor.id, actorName: actor.displayName, actorRole: actor.role, action: 'phoneRevealed', fromState: ticket.state, toState: ticket.state });
  });
  return { phone };
}

/** The department inbox (department staff: always their own department) with deadline colours. */
export async function listAssignments(
  ctx: AppContext,
  actor: UserActor,
  q: { state?: AssignmentStateColumn; departmentId?: string; deadline?: 'warning' | 'overdue'; cursor?: string; limit: number },
  now = new Date(),
) {
  const scope = ticketScope(actor);
  // A filter can narrow a department's view, never widen it: another department's id yields nothing.
  const departmentId = scope.kind === 'department' ? scope.departmentId : q.departmentId;
  if (scope.kind === 'department' && q.departmentId && q.departmentId !== scope.departmentId) return { items: [], nextCursor: null };
  const cursor = decodeCursor(q.cursor) as [string, string] | undefined;
  const rows = await repo.listInbox(ctx.db, {
    ...(departmentId ? { departmentId } : {}),
    ...(q.state ? { state: q.state } : {}),
    ...(q.deadline ? { deadline: q.deadline } : {}),
    ...(cursor ? { after: { handleBy: new Date(cursor[0]), id: cursor[1] } } : {}),
    now,
    limit: q.limit,
  });
  const last = rows.at(-1);
  return {
    items: rows.map((r) => presentInboxItem(actor, r, now)),
    nextCursor: rows.length === q.limit && last ? encodeCursor([last.handle_by.toISOString(), last.id]) : null,
  };
}

/** The supervision board: warned and overdue work, most urgent first. */
export async function supervisionBoard(ctx: AppContext, actor: UserActor, q: { departmentId?: string; cursor?: string; limit: number }, now = new Date()) {
  const scope = ticketScope(actor);
  if (scope.kind === 'department' && q.departmentId && q.departmentId !== scope.departmentId) return { items: [], nextCursor: null };
  const departmentId = scope.kind === 'department' ? scope.departmentId : q.departmentId;
  const cursor = decodeCursor(q.cursor) as [number, string, string] | undefined;
  const rows = await repo.listBoard(ctx.db, {
    ...(departmentId ? { departmentId } : {}),
    ...(cursor ? { after: { urgencyRank: Number(cursor[0]), handleBy: new Date(cursor[1]), id: cursor[2] } } : {}),
    now,
    limit: q.limit,
  });
  const last = rows.at(-1);
  return {
    items: rows.map((r) => presentInboxItem(actor, r, now)),
    nextCursor: rows.length === q.limit && last ? encodeCursor([last.urgency_rank, last.handle_by.toISOString(), last.id]) : null,
  };
}

/** The dispatch catalogue as a tree, each category with its suggested lead department. */
export async function getCatalogue(ctx: AppContext) {
  const [categories, departments] = await Promise.all([
    repo.listCategories(ctx.db),
    ctx.db.selectFrom('departments').select(['id', 'code', 'name']).where('active', '=', true).execute(),
  ]);
  type Node = {
    id: string;
    code: string;
    name: string;
    nameEn: string;
    parentId: string | null;
    defaultDepartment: { id: string; code: string; name: string } | null;
    children: Node[];
  };
  const nodes = new Map<string, Node>();
  for (const c of categories) {
    const d = c.default_department_code ? departments.find((x) => x.code === c.default_department_code) : undefined;
    nodes.set(c.id, { id: c.id, code: c.code, name: c.name, nameEn: c.name_en, parentId: c.parent_id, defaultDepartment: d ? { id: d.id, code: d.code, name: d.name } : null, children: [] });
  }
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return { items: roots };
}

/** Character bigrams of a text (Chinese has no spaces: two characters are the smallest unit that means much). */
export function bigrams(text: string): Set<string> {
  const chars = [...text.replace(/[\s\p{P}\p{S}]/gu, '')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * 并单候选: the same caller within `days`, or similar text nearby. Text similarity is character-bigram Jaccard:
 * pg_trgm builds trigrams from words, and Chinese text has no spaces to make words of.
 */
export async function mergeCandidates(ctx: AppContext, actor: UserActor, id: string, days: number) {
  const scope = ticketScope(actor);
  const ticket = await repo.findTicket(ctx.db, id, scope);
  if (!ticket) throw notFound('entity.ticket');
  if (!holdsAbility(actor, 'tickets.register')) throw new AppError('FORBIDDEN');
  const text = `${ticket.title} ${ticket.description}`;
  const rows = await repo.findMergeCandidates(
    ctx.db,
    scope,
    { id: ticket.id, callerPhoneHash: ticket.caller_phone_hash, text, district: ticket.district, latitude: ticket.latitude, longitude: ticket.longitude },
    { days, trigrams: false, limit: 200 },
  );
  const mine = bigrams(text);
  const full = await ctx.db.selectFrom('tickets').select(['id', 'title', 'description']).where('id', 'in', rows.length ? rows.map((r) => r.id) : ['00000000-0000-0000-0000-000000000000']).execute();
  const scored = rows
    .map((r) => {
      const other = full.find((f) => f.id === r.id)!;
      return { ...r, similarity: Math.round(jaccard(mine, bigrams(`${other.title} ${other.description}`)) * 1000) / 1000 };
    })
    .filter((r) => r.same_caller || r.similarity >= 0.2)
    .sort((a, b) => Number(b.same_caller) - Number(a.same_caller) || b.similarity - a.similarity)
    .slice(0, 10);
  return {
    items: scored.map((r) => ({
      id: r.id,
      number: r.number,
      title: r.title,
      state: r.state as TicketStateColumn,
      createdAt: r.created_at.toISOString(),
      district: r.district,
      sameCaller: r.same_caller,
      similarity: r.similarity,
    })),
  };
}

/** Notices for the signed-in user: their department's, and their role's. */
export async function listNotifications(ctx: AppContext, actor: UserActor, q: { unread: boolean; before?: number; limit: number }) {
  const rows = await repo.listNotifications(ctx.db, recipientOf(actor), { unreadOnly: q.unread, limit: q.limit, ...(q.before ? { before: String(q.before) } : {}) });
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      ticketId: r.ticket_id,
      ticketNumber: r.number,
      assignmentId: r.assignment_id,
      message: r.message,
      createdAt: r.created_at.toISOString(),
      read: r.read_at !== null,
    })),
  };
}

export async function markNotificationRead(ctx: AppContext, actor: UserActor, id: string): Promise<void> {
  if (!(await repo.markNotificationRead(ctx.db, id, recipientOf(actor)))) throw notFound('entity.notification');
}

function recipientOf(actor: UserActor) {
  // Department notices go to that department's staff; the hotline's to its supervisors (and admins).
  if (actor.role === 'department_staff') return { departmentId: actor.departmentId, roles: [] };
  return { departmentId: null, roles: actor.role === 'admin' ? ['supervisor', 'admin'] : [actor.role] };
}
