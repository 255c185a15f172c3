/**
 * Reports: indexes the measure queries (modules/reports/measures.ts) range over. Each measure picks its rows by
 * one time column (assignments by dispatch time, closed tickets by closing time, survey ratings and return
 * requests by their event), so each gets an index on it.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index ticket_assignments_dispatched_idx on ticket_assignments (dispatched_at);
    create index tickets_closed_idx on tickets (closed_at) where state = 'closed';
    create index ticket_events_action_at_idx on ticket_events (action, at);
    create index ticket_events_assignment_idx on ticket_events (assignment_id, action) where assignment_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index ticket_assignments_dispatched_idx, tickets_closed_idx, ticket_events_action_at_idx, ticket_events_assignment_idx;`.execute(db);
}
