/**
 * Reports at scale: daily rollups of the measure facts (modules/reports/rollups.ts).
 *
 * A rollup row is a measure's facts query over one local day, aggregated (count, sum of `num`) per grouping
 * set of the cut columns; `report_rollup_days` says which days are rolled up, of which kind, and as of when.
 * Kinds: `additive` — measures whose facts do not depend on the moment they are judged at; `month_end` —
 * the other measures judged at the end of the day's (ended) month, as the monthly report does; `current` —
 * the other measures judged at the moment of the roll-up, good until `valid_until` (the next deadline that
 * would turn a fact by the clock alone).
 *
 * Plus the indexes the incremental roll-up needs to find what changed since its last run.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_rollups (
      kind text not null check (kind in ('additive', 'month_end', 'current')),
      day date not null,
      measure text not null,
      -- GROUPING(department_id, desk, agent_id, channel, type, category_id): bit set = column not grouped.
      grouping smallint not null,
      department_id uuid,
      desk text,
      agent_id uuid,
      channel text,
      type text,
      category_id uuid,
      n int not null,
      s numeric not null
    );
    create index report_rollups_read_idx on report_rollups (measure, grouping, kind, day);
    create index report_rollups_day_idx on report_rollups (kind, day);

    create table report_rollup_days (
      kind text not null check (kind in ('additive', 'month_end', 'current')),
      day date not null,
      -- The moment the facts were judged at (null for additive: it makes no difference).
      as_of timestamptz,
      -- current: the rows hold until this instant (a deadline passes); null = until something changes.
      valid_until timestamptz,
      rolled_at timestamptz not null default now(),
      primary key (kind, day)
    );

    -- One row: where the last incremental run started and the last event it saw (changes since are re-rolled).
    create table report_rollup_state (
      id int primary key default 1 check (id = 1),
      last_started_at timestamptz not null,
      last_event_id bigint not null default 0
    );

    -- What changed since a moment: every write to these rows sets updated_at (events carry their own time).
    create index ticket_events_at_idx on ticket_events (at);
    create index tickets_updated_idx on tickets (updated_at);
    create index ticket_assignments_updated_idx on ticket_assignments (updated_at);
    create index calls_updated_idx on calls (updated_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table report_rollups, report_rollup_days, report_rollup_state;
    drop index ticket_events_at_idx, tickets_updated_idx, ticket_assignments_updated_idx, calls_updated_idx;
  `.execute(db);
}
