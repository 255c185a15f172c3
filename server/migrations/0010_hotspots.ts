/**
 * Hotspot alerts (热点预警): the thresholds the admin edits, one alert per burst of similar requests (one
 * category in one district) and the tickets behind each alert.
 *
 * At most one open alert per group, enforced by a partial unique index: the detection job updates it while
 * the burst lasts and closes it when it ends, so a job that runs twice cannot open a second one.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row (id = 1) once the admin changes the rules; absent, the defaults in code apply.
    create table hotspot_settings (
      id smallint primary key default 1 check (id = 1),
      rules jsonb not null,
      updated_by uuid references users (id),
      updated_at timestamptz not null default now()
    );

    create table hotspot_alerts (
      id uuid primary key default gen_random_uuid(),
      category_id uuid not null references ticket_categories (id),
      district text not null,
      state text not null check (state in ('open', 'closed')),
      -- The window with the highest score at the latest detection, and its figures.
      window_hours int not null,
      ticket_count int not null,
      expected double precision not null,
      score double precision not null,
      -- The largest count and score seen while the alert was open.
      peak_count int not null,
      peak_score double precision not null,
      -- Every window's assessment at the latest detection (count, expected, spread, score, verdict).
      windows jsonb not null default '[]',
      opened_at timestamptz not null,
      last_detected_at timestamptz not null,
      closed_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by uuid references users (id),
      acknowledge_note text,
      updated_at timestamptz not null default now(),
      constraint hotspot_alerts_closed_has_time check ((state = 'closed') = (closed_at is not null))
    );
    create unique index hotspot_alerts_one_open on hotspot_alerts (category_id, district) where state = 'open';
    create index hotspot_alerts_opened_idx on hotspot_alerts (opened_at desc, id desc);

    create table hotspot_alert_tickets (
      alert_id uuid not null references hotspot_alerts (id) on delete cascade,
      ticket_id uuid not null references tickets (id),
      linked_at timestamptz not null default now(),
      primary key (alert_id, ticket_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table hotspot_alert_tickets, hotspot_alerts, hotspot_settings`.execute(db);
}
