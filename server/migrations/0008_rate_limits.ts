/**
 * One table of fixed-window request counters for every citizen-facing endpoint (chat, SMS, the status page),
 * in place of the two identical tables the chat and status modules each had. Counters are transient, so the
 * old tables are dropped rather than copied.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rate_limits (
      key text primary key,
      window_start timestamptz not null,
      count int not null
    );
    drop table chat_rate_limits;
    drop table public_rate_limits;
  `.execute(db);
}
