/**
 * Work orders, reaching out: the index that keeps a department's ticket list fast at millions of tickets,
 * the API keys of Open311 clients (city apps filing requests), and the request windows that rate-limit the
 * citizen-facing endpoints (public status page).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Child tickets (下派) newest first: the "passed down by my department" branch of a department's list
    -- walks only these instead of every ticket.
    create index tickets_child_created_idx on tickets (created_at desc, id desc) where parent_assignment_id is not null;

    -- Open311's GET requests.json lists requests filed through Open311, newest first.
    create index tickets_open311_created_idx on tickets (created_at desc, id desc) where channel = 'open311';

    -- Open311 GeoReport v2 API keys. Only a SHA-256 of the key is kept (keys are 256 random bits, so a slow
    -- password hash adds nothing); the prefix lets an admin tell keys apart.
    create table open311_api_keys (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 100),
      key_prefix text not null,
      key_hash bytea not null unique,
      created_by uuid references users (id),
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    -- Fixed one-window counters per source (IP, ticket number) of citizen-facing endpoints, shared by every
    -- server process.
    create table public_rate_limits (
      key text primary key,
      window_start timestamptz not null,
      count int not null
    );
  `.execute(db);
}
