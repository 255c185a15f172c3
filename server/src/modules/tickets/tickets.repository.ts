/**
 * SQL of the work-order module, and only that. Every read that can return a ticket takes the caller's
 * `TicketScope`, so a department sees its own tickets because of the WHERE clause, not because of a check
 * done somewhere else.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AssignmentStateColumn, TicketStateColumn, TicketsTable, TicketAssignmentsTable } from '../../schema.ts';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { openAssignmentStates } from './lifecycle.ts';
import type { TicketScope } from './tickets.policy.ts';

export type TicketRow = Selectable<TicketsTable> & { category_name: string | null; category_code: string | null };
export type AssignmentRow = Selectable<TicketAssignmentsTable> & { department_name: string; department_code: string; department_contact_phone: string | null };

/** The department-isolation predicate on `tickets as t`. */
function scopeFilter(scope: TicketScope): Expression<SqlBool> {
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  // Its own assignments, or a child ticket it passed down to a sub-unit.
  return sql<SqlBool>`(exists (select 1 from ticket_assignments sa where sa.ticket_id = t.id and sa.department_id = ${scope.departmentId}::uuid)
    or exists (select 1 from ticket_assignments pa where pa.id = t.parent_assignment_id and pa.department_id = ${scope.departmentId}::uuid))`;
}

// ── Numbers ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The next value of a local day's sequence. Runs as its own statement (outside the registration transaction)
 * so the row lock lasts one statement, not a whole registration: concurrent registrations never wait on each
 * other. A registration that fails after this leaves a gap in the day's numbers, which is acceptable.
 */
export async function nextDailySequence(db: Executor, day: string): Promise<number> {
  const { rows } = await sql<{ last_value: number }>`
    insert into ticket_number_sequences (day, last_value) values (${day}::date, 1)
    on conflict (day) do update set last_value = ticket_number_sequences.last_value + 1
    returning last_value`.execute(db);
  return rows[0]!.last_value;
}

// ── Tickets ──────────────────────────────────────────────────────────────────────────────────────────────────

export async function insertTicket(db: Executor, values: Insertable<TicketsTable>): Promise<string> {
  const row = await db.insertInto('tickets').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

const ticketSelect = (db: Executor) =>
  db
    .selectFrom('tickets as t')
    .leftJoin('ticket_categories as c', 'c.id', 't.category_id')
    .selectAll('t')
    .select(['c.name as category_name', 'c.code as category_code']);

export async function findTicket(db: Executor, id: string, scope: TicketScope): Promise<TicketRow | undefined> {
  return ticketSelect(db).where('t.id', '=', id).where(scopeFilter(scope)).executeTakeFirst();
}

/** Locks the ticket row for the rest of the transaction: every change to a ticket or its assignments goes through here. */
export async function lockTicket(db: Executor, id: string, scope: TicketScope): Promise<TicketRow | undefined> {
  const locked = await db.selectFrom('tickets as t').select('t.id').where('t.id', '=', id).where(scopeFilter(scope)).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return ticketSelect(db).where('t.id', '=', id).executeTakeFirst();
}

export async function ticketIdOfAssignment(db: Executor, assignmentId: string): Promise<string | undefined> {
  const row = await db.selectFrom('ticket_assignments').select('ticket_id').where('id', '=', assignmentId).executeTakeFirst();
  return row?.ticket_id;
}

/** Changes a ticket and bumps its version (optimistic concurrency for clients that send `expectedVersion`). */
export async function updateTicket(db: Executor, id: string, changes: Updateable<TicketsTable>): Promise<void> {
  await db
    .updateTable('tickets')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export type TicketListFilters = {
  states?: TicketStateColumn[];
  type?: string;
  urgency?: string;
  categoryId?: string;
  departmentId?: string;
  deadline?: 'warning' | 'overdue';
  q?: string;
  callerPhoneHash?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Keyset: rows strictly older than this (created_at, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
  now: Date;
};

type TicketSelect = ReturnType<typeof ticketSelect>;

/** The list's filters, keyset and order on one branch of the list query. */
function filterList(query: TicketSelect, f: TicketListFilters): TicketSelect {
  if (f.states?.length) query = query.where('t.state', 'in', f.states);
  if (f.type) query = query.where('t.type', '=', f.type as never);
  if (f.urgency) query = query.where('t.urgency', '=', f.urgency as never);
  if (f.categoryId) query = query.where((eb) => eb.or([eb('t.category_id', '=', f.categoryId!), eb('c.parent_id', '=', f.categoryId!)]));
  if (f.departmentId) {
    query = query.where(sql<SqlBool>`exists (select 1 from ticket_assignments fa where fa.ticket_id = t.id and fa.department_id = ${f.departmentId}::uuid)`);
  }
  if (f.deadline === 'overdue') {
    query = query.where(sql<SqlBool>`exists (select 1 from ticket_assignments da where da.ticket_id = t.id
      and da.state in (${sql.join(openAssignmentStates)}) and da.handle_by < ${f.now})`);
  } else if (f.deadline === 'warning') {
    query = query.where(sql<SqlBool>`exists (select 1 from ticket_assignments da where da.ticket_id = t.id
      and da.state in (${sql.join(openAssignmentStates)}) and da.warn_at <= ${f.now} and da.handle_by >= ${f.now})`);
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('t.number', '=', f.q!), eb('t.title', 'ilike', like), eb('t.description', 'ilike', like), eb('t.address', 'ilike', like)]));
  }
  if (f.callerPhoneHash) query = query.where('t.caller_phone_hash', '=', f.callerPhoneHash);
  if (f.createdFrom) query = query.where('t.created_at', '>=', f.createdFrom);
  if (f.createdTo) query = query.where('t.created_at', '<', f.createdTo);
  if (f.before) query = query.where(sql<SqlBool>`(t.created_at, t.id) < (${f.before.createdAt}, ${f.before.id}::uuid)`);
  return query.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(f.limit);
}

/**
 * Tickets newest first. A department's list is two branches merged (its own assignments; child tickets it
 * passed down), not `scopeFilter`'s OR of two EXISTS: the planner cannot turn an OR into semi-joins, so it
 * hashed every assignment of the department (~50,000 rows at 1,000,000 tickets) on each call — 270 ms. Each
 * branch is a plain semi-join that stops after one page (or starts from the department's few assignments
 * when it has few), and the child branch walks the partial index of child tickets only.
 */
export async function listTickets(db: Executor, scope: TicketScope, f: TicketListFilters): Promise<TicketRow[]> {
  if (scope.kind === 'all') return filterList(ticketSelect(db), f).execute();
  const own = filterList(
    ticketSelect(db).where(sql<SqlBool>`exists (select 1 from ticket_assignments sa where sa.ticket_id = t.id and sa.department_id = ${scope.departmentId}::uuid)`),
    f,
  );
  const passedDown = filterList(
    ticketSelect(db)
      .where('t.parent_assignment_id', 'is not', null)
      .where(sql<SqlBool>`exists (select 1 from ticket_assignments pa where pa.id = t.parent_assignment_id and pa.department_id = ${scope.departmentId}::uuid)`),
    f,
  );
  // A ticket in both branches (a department passing work down to itself) is listed once.
  const { rows } = await sql<TicketRow>`
    select distinct on (u.created_at, u.id) u.* from ((${own}) union all (${passedDown})) u
    order by u.created_at desc, u.id desc limit ${f.limit}`.execute(db);
  return rows;
}

export async function childTickets(db: Executor, parentId: string) {
  return db.selectFrom('tickets').select(['id', 'number', 'state', 'parent_assignment_id']).where('parent_ticket_id', '=', parentId).orderBy('created_at').execute();
}

export async function mergedInto(db: Executor, masterId: string) {
  return db.selectFrom('tickets').select(['id', 'number', 'caller_phone_encrypted', 'caller_sms_declined']).where('master_ticket_id', '=', masterId).execute();
}

export async function ticketNumbers(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('tickets').select(['id', 'number', 'state']).where('id', 'in', ids).execute();
}

/** Tickets merged into `fromId` now follow `toId` instead (merges never chain). */
export async function repointMerged(db: Executor, fromId: string, toId: string): Promise<number> {
  const result = await db
    .updateTable('tickets')
    .set({ master_ticket_id: toId, version: sql`version + 1`, updated_at: sql`now()` })
    .where('master_ticket_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ── Merge candidates ─────────────────────────────────────────────────────────────────────────────────────────

type CandidateRow = { id: string; number: string; title: string; state: string; created_at: Date; district: string | null; same_caller: boolean; similarity: number };

/**
 * Possible duplicates of a ticket within `days`: the same caller (phone hash), or similar text nearby (same
 * district, or within about 1 km when both have coordinates). Tickets already merged are left out: their
 * master is the candidate.
 */
export async function findMergeCandidates(
  db: Executor,
  scope: TicketScope,
  ticket: { id: string; callerPhoneHash: string | null; text: string; district: string | null; latitude: number | null; longitude: number | null },
  options: { days: number; trigrams: boolean; limit: number },
): Promise<CandidateRow[]> {
  const nearby = sql<SqlBool>`(
    (${ticket.district}::text is not null and t.district = ${ticket.district})
    or (${ticket.latitude}::float8 is not null and t.latitude is not null
        and abs(t.latitude - ${ticket.latitude}::float8) < 0.01 and abs(t.longitude - ${ticket.longitude}::float8) < 0.012)
    or (${ticket.district}::text is null and ${ticket.latitude}::float8 is null))`;
  const similarity = options.trigrams ? sql<number>`similarity(t.title || ' ' || t.description, ${ticket.text})` : sql<number>`0`;
  // Without pg_trgm every nearby ticket is a candidate and the service scores the text in TypeScript.
  const similarText = options.trigrams ? sql<SqlBool>`(${nearby} and (t.title || ' ' || t.description) % ${ticket.text})` : nearby;
  const { rows } = await sql<CandidateRow>`
    select t.id, t.number, t.title, t.state, t.created_at, t.district,
           coalesce(t.caller_phone_hash = ${ticket.callerPhoneHash}, false) as same_caller,
           ${similarity}::float8 as similarity
    from tickets t
    where t.id <> ${ticket.id}::uuid
      and t.state not in ('merged')
      and t.created_at > now() - make_interval(days => ${options.days})
      and ${scopeFilter(scope)}
      and (
        (${ticket.callerPhoneHash}::text is not null and t.caller_phone_hash = ${ticket.callerPhoneHash})
        or ${similarText}
      )
    order by same_caller desc, similarity desc, t.created_at desc
    limit ${options.trigrams ? options.limit : 200}`.execute(db);
  return rows;
}

// ── Assignments ──────────────────────────────────────────────────────────────────────────────────────────────

const assignmentSelect = (db: Executor) =>
  db
    .selectFrom('ticket_assignments as a')
    .innerJoin('departments as d', 'd.id', 'a.department_id')
    .selectAll('a')
    .select(['d.name as department_name', 'd.code as department_code', 'd.contact_phone as department_contact_phone']);

export async function assignmentsOf(db: Executor, ticketId: string, options: { lock?: boolean } = {}): Promise<AssignmentRow[]> {
  // Dispatch order: earlier dispatches first; within one dispatch (one transaction, one now()) the lead first.
  let query = assignmentSelect(db).where('a.ticket_id', '=', ticketId).orderBy('a.created_at').orderBy(sql`a.role = 'lead'`, 'desc').orderBy('a.id');
  if (options.lock) query = query.forUpdate('a');
  return query.execute();
}

export async function insertAssignment(db: Executor, values: Insertable<TicketAssignmentsTable>): Promise<string> {
  const row = await db.insertInto('ticket_assignments').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateAssignment(db: Executor, id: string, changes: Updateable<TicketAssignmentsTable>): Promise<void> {
  await db
    .updateTable('ticket_assignments')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export type InboxRow = AssignmentRow & {
  number: string;
  title: string;
  type: string;
  ticket_state: TicketStateColumn;
  confidential: boolean;
  caller_name: string | null;
  caller_phone_masked: string | null;
  category_name: string | null;
  address: string | null;
  district: string | null;
};

const inboxSelect = (db: Executor) =>
  assignmentSelect(db)
    .innerJoin('tickets as t', 't.id', 'a.ticket_id')
    .leftJoin('ticket_categories as c', 'c.id', 't.category_id')
    .select([
      't.number',
      't.title',
      't.type',
      't.state as ticket_state',
      't.confidential',
      't.caller_name',
      't.caller_phone_masked',
      'c.name as category_name',
      't.address',
      't.district',
    ]);

/** A department's work: open assignments (or one state), most pressing deadline first; keyset on (handle_by, id). */
export async function listInbox(
  db: Executor,
  f: { departmentId?: string; state?: AssignmentStateColumn; deadline?: 'warning' | 'overdue'; now: Date; after?: { handleBy: Date; id: string }; limit: number },
): Promise<InboxRow[]> {
  let query = inboxSelect(db);
  if (f.departmentId) query = query.where('a.department_id', '=', f.departmentId);
  query = f.state ? query.where('a.state', '=', f.state) : query.where('a.state', 'in', [...openAssignmentStates]);
  if (f.deadline === 'overdue') query = query.where('a.handle_by', '<', f.now);
  if (f.deadline === 'warning') query = query.where('a.warn_at', '<=', f.now).where('a.handle_by', '>=', f.now);
  if (f.after) query = query.where(sql<SqlBool>`(a.handle_by, a.id) > (${f.after.handleBy}, ${f.after.id}::uuid)`);
  return query.orderBy('a.handle_by').orderBy('a.id').limit(f.limit).execute() as Promise<InboxRow[]>;
}

export async function findInboxRow(db: Executor, assignmentId: string): Promise<InboxRow | undefined> {
  return inboxSelect(db).where('a.id', '=', assignmentId).executeTakeFirst() as Promise<InboxRow | undefined>;
}

/**
 * The supervision board: open work past its warning time, most urgent first, then the earliest deadline.
 * Served by the partial index on (urgency_rank, handle_by, id): within one urgency the overdue rows come first.
 */
export async function listBoard(
  db: Executor,
  f: { departmentId?: string; now: Date; after?: { urgencyRank: number; handleBy: Date; id: string }; limit: number },
): Promise<(InboxRow & { urgency_rank: number })[]> {
  let query = inboxSelect(db).select('a.urgency_rank').where('a.state', 'in', [...openAssignmentStates]).where('a.warn_at', '<=', f.now);
  if (f.departmentId) query = query.where('a.department_id', '=', f.departmentId);
  if (f.after) {
    query = query.where(sql<SqlBool>`(a.urgency_rank, a.handle_by, a.id) > (${f.after.urgencyRank}, ${f.after.handleBy}, ${f.after.id}::uuid)`);
  }
  return query.orderBy('a.urgency_rank').orderBy('a.handle_by').orderBy('a.id').limit(f.limit).execute() as Promise<(InboxRow & { urgency_rank: number })[]>;
}

/** One assignment with its department, locked (deadline jobs take it without the ticket lock). */
export async function lockAssignment(db: Executor, id: string): Promise<AssignmentRow | undefined> {
  return assignmentSelect(db).where('a.id', '=', id).forUpdate('a').executeTakeFirst();
}

// ── Events, notifications ────────────────────────────────────────────────────────────────────────────────────

export type EventDraft = {
  ticketId: string;
  assignmentId?: string | null;
  actorId: string | null;
  actorName: string;
  actorRole: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
};

export async function insertEvent(db: Executor, e: EventDraft): Promise<void> {
  await db
    .insertInto('ticket_events')
    .values({
      ticket_id: e.ticketId,
      assignment_id: e.assignmentId ?? null,
      actor_id: e.actorId,
      actor_name: e.actorName,
      actor_role: e.actorRole,
      action: e.action,
      from_state: e.fromState,
      to_state: e.toState,
      note: e.note ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

export async function eventsOf(db: Executor, ticketId: string) {
  return db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
}

export async function insertNotification(
  db: Executor,
  n: { departmentId?: string | null; role?: string | null; kind: string; ticketId: string; assignmentId?: string | null; message: string },
): Promise<void> {
  await db
    .insertInto('ticket_notifications')
    .values({
      department_id: n.departmentId ?? null,
      role: n.role ?? null,
      kind: n.kind,
      ticket_id: n.ticketId,
      assignment_id: n.assignmentId ?? null,
      message: n.message,
    })
    .execute();
}

export async function listNotifications(db: Executor, recipient: { departmentId: string | null; roles: string[] }, f: { before?: string; limit: number; unreadOnly: boolean }) {
  let query = db
    .selectFrom('ticket_notifications as n')
    .innerJoin('tickets as t', 't.id', 'n.ticket_id')
    .select(['n.id', 'n.kind', 'n.ticket_id', 'n.assignment_id', 'n.message', 'n.created_at', 'n.read_at', 'n.department_id', 'n.role', 't.number'])
    .where((eb) => {
      const ors = [];
      if (recipient.departmentId) ors.push(eb('n.department_id', '=', recipient.departmentId));
      if (recipient.roles.length) ors.push(eb('n.role', 'in', recipient.roles));
      return ors.length ? eb.or(ors) : sql<SqlBool>`false`;
    });
  if (f.unreadOnly) query = query.where('n.read_at', 'is', null);
  if (f.before) query = query.where('n.id', '<', f.before);
  return query.orderBy('n.id', 'desc').limit(f.limit).execute();
}

export async function markNotificationRead(db: Executor, id: string, recipient: { departmentId: string | null; roles: string[] }): Promise<boolean> {
  const result = await db
    .updateTable('ticket_notifications')
    .set({ read_at: sql`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where((eb) => {
      const ors = [];
      if (recipient.departmentId) ors.push(eb('department_id', '=', recipient.departmentId));
      if (recipient.roles.length) ors.push(eb('role', 'in', recipient.roles));
      return ors.length ? eb.or(ors) : sql<SqlBool>`false`;
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ── Catalogue, departments ───────────────────────────────────────────────────────────────────────────────────

export async function listCategories(db: Executor) {
  return db.selectFrom('ticket_categories').selectAll().where('active', '=', true).orderBy('sort_order').orderBy('code').execute();
}

export async function findCategory(db: Executor, id: string) {
  return db.selectFrom('ticket_categories').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDepartments(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('departments').select(['id', 'code', 'name', 'kind', 'parent_id', 'active', 'contact_phone']).where('id', 'in', ids).execute();
}

export async function findDepartmentByCode(db: Executor, code: string) {
  return db.selectFrom('departments').select(['id', 'code', 'name', 'active']).where('code', '=', code).executeTakeFirst();
}

// ── Deadline table, calendar overrides ───────────────────────────────────────────────────────────────────────

export async function listDeadlineRules(db: Executor) {
  return db.selectFrom('ticket_deadline_rules').selectAll().execute();
}

export async function upsertDeadlineRule(db: Executor, rule: { type: string; urgency: string; windows: unknown; updatedBy: string | null }): Promise<void> {
  await db
    .insertInto('ticket_deadline_rules')
    .values({ type: rule.type as never, urgency: rule.urgency as never, windows: JSON.stringify(rule.windows), updated_by: rule.updatedBy })
    .onConflict((oc) => oc.columns(['type', 'urgency']).doUpdateSet({ windows: JSON.stringify(rule.windows), updated_by: rule.updatedBy, updated_at: sql`now()` }))
    .execute();
}

export async function listCalendarOverrides(db: Executor) {
  return db
    .selectFrom('calendar_overrides')
    .select([sql<string>`date::text`.as('date'), 'kind', 'note', 'updated_at'])
    .orderBy('date')
    .execute();
}

export async function upsertCalendarOverride(db: Executor, o: { date: string; kind: 'workday' | 'holiday'; note: string | null; updatedBy: string | null }): Promise<void> {
  await db
    .insertInto('calendar_overrides')
    .values({ date: o.date, kind: o.kind, note: o.note, updated_by: o.updatedBy })
    .onConflict((oc) => oc.column('date').doUpdateSet({ kind: o.kind, note: o.note, updated_by: o.updatedBy, updated_at: sql`now()` }))
    .execute();
}

export async function deleteCalendarOverride(db: Executor, date: string): Promise<boolean> {
  const result = await db.deleteFrom('calendar_overrides').where(sql<SqlBool>`date = ${date}::date`).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export type { AssignmentStateColumn };
