/**
 * Routing asks, for every candidate agent, whether they still hold an answered offer (their leg is up until the
 * agent-leg status arrives, even after the caller's side ended): a partial index keeps that question cheap.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index call_offers_accepted_by_agent on call_offers (agent_id) where status = 'accepted'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index call_offers_accepted_by_agent`.execute(db);
}
