/**
 * Writers of hand-built call, ticket, assignment and event rows for the measure tests, straight into the tables
 * the facts queries read (no service in between, so a test pins exactly the facts it means). Each row is
 * recorded in `ids` under the test's own name for it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/src/schema.ts';

export function rawReportRows(db: Kysely<Database>, options: { ids: Record<string, string>; registeredBy: string; numberPrefix: string; farDeadline: Date }) {
  const { ids } = options;
  let calls = 0;
  let tickets = 0;
  return {
    async call(name: string, v: Record<string, unknown>): Promise<void> {
      calls += 1;
      const row = await db
        .insertInto('calls')
        .values({ caller_hash: `h${calls}`, caller_encrypted: 'x', caller_masked: '139****0000', direction: 'inbound', status: 'ended', caller_location: 'none', desk: 'general', ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    },
    async ticket(name: string, v: Record<string, unknown>): Promise<void> {
      tickets += 1;
      const row = await db
        .insertInto('tickets')
        .values({ number: `${options.numberPrefix}${tickets}`, channel: 'phone', type: 'complaint', urgency: 'normal', title: name, description: name, registered_by: options.registeredBy, ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    },
    /** A signed lead assignment whose deadlines lie far ahead unless `v` says otherwise. */
    async assignment(name: string, ticketName: string, v: Record<string, unknown>): Promise<void> {
      const far = options.farDeadline;
      const row = await db
        .insertInto('ticket_assignments')
        .values({ ticket_id: ids[ticketName]!, role: 'lead', state: 'signed', urgency: 'normal', return_by: far, warn_at: far, handle_by: far, ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    },
    async event(ticketName: string, action: string, when: Date, data: Record<string, unknown> = {}, assignmentName?: string): Promise<void> {
      await db
        .insertInto('ticket_events')
        .values({ ticket_id: ids[ticketName]!, assignment_id: assignmentName ? ids[assignmentName]! : null, actor_name: 't', actor_role: 'agent', action, at: when, data: JSON.stringify(data) } as never)
        .execute();
    },
  };
}
