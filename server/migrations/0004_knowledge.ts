/**
 * Knowledge base and chatbot: entries with every version kept, the draft → review → published → archived
 * workflow, questions the bot could not answer (for curators), chat conversations on web, SMS and phone,
 * requests citizens leave for a person, SMS webhook idempotency and per-source rate limits.
 *
 * Entries are owned by a department *code* (gongjijin, renshe …) rather than a department row: the sample
 * content is imported before any city has created its departments, and a city may add the department later.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table kb_entries (
      id uuid primary key default gen_random_uuid(),
      -- Stable human id (gongjijin-001); import and export match on it.
      code text not null unique check (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$'),
      department_code text,
      -- State of the newest version. A published entry being edited stays live (live_version) until the
      -- new version is published.
      state text not null check (state in ('draft', 'review', 'published', 'archived')),
      current_version int not null default 1,
      live_version int,
      review_due_on date,
      is_sample boolean not null default false,
      review_note text,
      created_by uuid references users (id),
      updated_by uuid references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      published_at timestamptz,
      archived_at timestamptz,
      constraint kb_entries_live_not_archived check (state <> 'archived' or live_version is null)
    );
    create index kb_entries_department_idx on kb_entries (department_code, state);
    create index kb_entries_live_idx on kb_entries (id) where live_version is not null;

    create table kb_entry_versions (
      entry_id uuid not null references kb_entries (id) on delete cascade,
      version int not null,
      question text not null,
      answer text not null,
      alternates text[] not null default '{}',
      keywords text[] not null default '{}',
      topic text,
      created_by uuid references users (id),
      created_at timestamptz not null default now(),
      note text,
      primary key (entry_id, version)
    );

    -- Questions the bot could not answer well: unanswered (handed off), low confidence (offered choices),
    -- or answered but marked unhelpful. Curators see them grouped.
    create table kb_gaps (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      channel text not null check (channel in ('web', 'sms', 'phone', 'agent')),
      reason text not null check (reason in ('unanswered', 'low_confidence', 'unhelpful')),
      text text not null,
      normalised text not null,
      -- No foreign key (here and in chat_messages.entry_id): these record what a process's index held at the
      -- time, and a reference to an entry removed since must not make the bot fail.
      best_entry_id uuid,
      confidence real not null default 0,
      session_id uuid,
      resolved_at timestamptz,
      resolved_by uuid references users (id)
    );
    create index kb_gaps_open_idx on kb_gaps (at desc) where resolved_at is null;

    create table chat_sessions (
      id uuid primary key default gen_random_uuid(),
      channel text not null check (channel in ('web', 'sms', 'phone')),
      -- Web: sha256 of the bearer token the browser holds. SMS and phone: null.
      token_hash bytea,
      -- SMS: the sender's phone hash; phone: the call id. One open conversation per sender or call.
      source_key text,
      phone_encrypted text,
      phone_masked text,
      phone_last_four text,
      language text not null default 'zh-CN',
      -- Conversation memory: last answered entry, pending numbered choices, what the bot is waiting for.
      context jsonb not null default '{}',
      outcome text check (outcome in ('answered', 'unanswered', 'handoff', 'request_left')),
      message_count int not null default 0,
      created_at timestamptz not null default now(),
      last_message_at timestamptz not null default now()
    );
    create index chat_sessions_source_idx on chat_sessions (channel, source_key, last_message_at desc);

    create table chat_messages (
      id bigint generated always as identity primary key,
      session_id uuid not null references chat_sessions (id) on delete cascade,
      at timestamptz not null default now(),
      role text not null check (role in ('user', 'bot')),
      text text not null,
      -- Bot messages: what kind of answer (answer, choices, handoff, request_taken, status, notice …).
      kind text,
      entry_id uuid,
      confidence real,
      choices jsonb,
      helpful boolean,
      feedback_at timestamptz
    );
    create index chat_messages_session_idx on chat_messages (session_id, id);

    -- 转人工 on web and SMS: what the citizen left for a person, and the work order it became.
    create table chat_requests (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references chat_sessions (id) on delete cascade,
      channel text not null,
      text text not null,
      phone_encrypted text,
      phone_masked text,
      ticket_id uuid,
      ticket_number text,
      status text not null default 'open' check (status in ('open', 'ticketed')),
      created_at timestamptz not null default now()
    );

    -- Twilio retries webhooks: one inbound SMS is handled once, and a retry gets the same reply.
    create table chat_sms_inbound (
      message_sid text primary key,
      session_id uuid references chat_sessions (id) on delete set null,
      reply text,
      created_at timestamptz not null default now()
    );

    -- Fixed-window counters shared by every server process (per IP, per phone).
    create table chat_rate_limits (
      key text primary key,
      window_start timestamptz not null,
      count int not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table chat_rate_limits, chat_sms_inbound, chat_requests, chat_messages, chat_sessions, kb_gaps, kb_entry_versions, kb_entries;
  `.execute(db);
}
