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

