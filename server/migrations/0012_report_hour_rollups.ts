/**
 * Hour rollups (modules/reports/rollups.ts): the same rows as `report_rollups`, per whole local hour of the
 * current day, so a figure over today reads its finished hours and computes only the hour under way live.
 *
 * `hour` is the instant the local hour starts. Kinds: `additive` (facts that do not depend on the moment they
 * are judged at) and `current` (the others, judged at the roll-up, good until `valid_until`). Kept: today and
 * yesterday, and the `current` hours of past days waiting on a deadline (when one passes, only its hour is
 * read live instead of the whole day); everything else is served by the daily rollups.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_rollup_hours (
      kind text not null check (kind in ('additive', 'current')),
      hour timestamptz not null,
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
    create index report_rollup_hours_read_idx on report_rollup_hours (measure, grouping, kind, hour);
    create index report_rollup_hours_hour_idx on report_rollup_hours (kind, hour);

    create table report_rollup_hour_slots (
      kind text not null check (kind in ('additive', 'current')),
      hour timestamptz not null,
      as_of timestamptz,
      valid_until timestamptz,
      rolled_at timestamptz not null default now(),
      primary key (kind, hour)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table report_rollup_hours, report_rollup_hour_slots`.execute(db);
}
