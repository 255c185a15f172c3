/**
 * SQL of the public status page: one narrow read of a ticket by its number (the public fields, the last four
 * digits to compare, never the phone itself), its departments, and the per-source request windows of the
 * citizen-facing endpoints.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { TicketStateColumn } from '../../schema.ts';

export type StatusTicketRow = {
  id: string;
  number: string;
  type: string;
  state: TicketStateColumn;
  closure: string | null;
  transferred_to: string | null;
  resolution: string | null;
  master_ticket_id: string | null;
  caller_phone_last_four: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
};

/** The ticket with this number (a unique index), or undefined. */
export async function findTicketByNumber(db: Executor, number: string): Promise<StatusTicketRow | undefined> {
  return db
    .selectFrom('tickets')
    .select(['id', 'number', 'type', 'state', 'closure', 'transferred_to', 'resolution', 'master_ticket_id', 'caller_phone_last_four', 'created_at', 'updated_at', 'closed_at'])
    .where('number', '=', number)
    .executeTakeFirst();
}

export async function findTicketById(db: Executor, id: string): Promise<StatusTicketRow | undefined> {
  return db
    .selectFrom('tickets')
    .select(['id', 'number', 'type', 'state', 'closure', 'transferred_to', 'resolution', 'master_ticket_id', 'caller_phone_last_four', 'created_at', 'updated_at', 'closed_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export type StatusAssignmentRow = {
  role: 'lead' | 'assist';
  state: string;
  department_name: string;
  dispatched_at: Date;
  signed_at: Date | null;
  handle_by: Date;
  replied_at: Date | null;
  reply: string | null;
};

/** The ticket's assignments with their departments' names, in dispatch order (the lead first). */
export async function listAssignments(db: Executor, ticketId: string): Promise<StatusAssignmentRow[]> {
  return db
    .selectFrom('ticket_assignments as a')
    .innerJoin('departments as d', 'd.id', 'a.department_id')
    .select(['a.role', 'a.state', 'd.name as department_name', 'a.dispatched_at', 'a.signed_at', 'a.handle_by', 'a.replied_at', 'a.reply'])
    .where('a.ticket_id', '=', ticketId)
    .orderBy('a.created_at')
    .orderBy(sql`a.role = 'lead'`, 'desc')
    .orderBy('a.id')
    .execute() as Promise<StatusAssignmentRow[]>;
}

/**
 * Counts one hit in `key`'s fixed window (shared by every server process) and returns the count so far and
 * the seconds until the window resets.
 */
export async function countHit(db: Executor, key: string, windowSeconds: number): Promise<{ count: number; resetInSeconds: number }> {
  const { rows } = await sql<{ count: number; reset_in: number }>`
    insert into public_rate_limits as r (key, window_start, count) values (${key}, now(), 1)
    on conflict (key) do update set
      window_start = case when r.window_start <= now() - make_interval(secs => ${windowSeconds}) then now() else r.window_start end,
      count = case when r.window_start <= now() - make_interval(secs => ${windowSeconds}) then 1 else r.count + 1 end
    returning count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as reset_in`.execute(db);
  const row = rows[0]!;
  return { count: row.count, resetInSeconds: Math.max(1, row.reset_in) };
}

/** The current count of `key`'s window without counting (0 when the window has passed). */
export async function peekHits(db: Executor, key: string, windowSeconds: number): Promise<{ count: number; resetInSeconds: number }> {
  const { rows } = await sql<{ count: number; reset_in: number }>`
    select count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as reset_in
      from public_rate_limits where key = ${key} and window_start > now() - make_interval(secs => ${windowSeconds})`.execute(db);
  const row = rows[0];
  return row ? { count: row.count, resetInSeconds: Math.max(1, row.reset_in) } : { count: 0, resetInSeconds: 0 };
}

/** Forgets windows nobody has touched for a day. */
export async function purgeOldHits(db: Executor): Promise<void> {
  await sql`delete from public_rate_limits where window_start < now() - interval '1 day'`.execute(db);
}
