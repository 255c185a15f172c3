/**
 * A gap a citizen closed themselves: the bot offered entries ("您是想问…") and the citizen picked one. The
 * question is then a phrasing of that entry the knowledge base lacks (issue 5: the curators' list), so the
 * row's reason becomes `offer_taken` and its best entry the one picked.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table kb_gaps drop constraint kb_gaps_reason_check;
    alter table kb_gaps add constraint kb_gaps_reason_check check (reason in ('unanswered', 'low_confidence', 'unhelpful', 'offer_taken'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update kb_gaps set reason = 'low_confidence' where reason = 'offer_taken';
    alter table kb_gaps drop constraint kb_gaps_reason_check;
    alter table kb_gaps add constraint kb_gaps_reason_check check (reason in ('unanswered', 'low_confidence', 'unhelpful'));
  `.execute(db);
}
