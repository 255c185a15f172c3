/**
 * Calls, telephony and routing (ACD): call records with their events, the per-call IVR state, webhook
 * idempotency, agent states and every change of them, offers to agents, blocked numbers, the missed-call
 * (漏接回拨) list, voicemail drafts and recordings.
 *
 * Phone numbers are never stored in the clear: a keyed hash for lookup, the number encrypted, and a masked
 * form for display (see platform/pii.ts).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table calls (
      id uuid primary key default gen_random_uuid(),
      -- The caller's leg (inbound) or the citizen's leg of a callback; null until a callback is dialled.
      call_sid text unique,
      direction text not null check (direction in ('inbound', 'callback')),
      caller_hash text not null,
      caller_encrypted text not null,
      caller_masked text not null,
      -- ivr → queued → offering → talking → wrap → ended; voicemail and ended are terminal for the caller.
      status text not null check (status in ('ivr', 'queued', 'offering', 'talking', 'voicemail', 'ended')),
      -- Where the caller's leg is: in the IVR, the queue's wait loop, the call's conference, or gone.
      caller_location text not null default 'ivr' check (caller_location in ('ivr', 'queue', 'conference', 'none')),
      ivr_flow text,
      ivr_state jsonb,
      ivr_seq int not null default 0,
      desk text,
      priority int not null default 0,
      repeat_caller boolean not null default false,
      blocked boolean not null default false,
      language text not null default 'zh-CN',
      offered_at timestamptz not null default now(),
      queued_at timestamptz,
      first_offered_at timestamptz,
      answered_at timestamptz,
      abandoned_at timestamptz,
      transferred_at timestamptz,
      ended_at timestamptz,
      wait_seconds numeric(10, 3),
      talk_seconds numeric(10, 3),
      agent_id uuid references users (id),
      answered_by uuid references users (id),
      conference_name text,
      conference_sid text,
      outcome text check (outcome in ('answered', 'abandoned', 'voicemail', 'transferred_out', 'blocked', 'ivr_ended', 'callback_requested', 'failed')),
      wrap_up_code text,
      transfer_target text,
      callback_of uuid references calls (id),
      missed_call_id uuid,
      -- The caller asked for a callback from the queue: the entry keeps its place and is dialled when its turn comes.
      callback_requested boolean not null default false,
      -- A transfer to a named agent waits for that agent (overflowing to the desk after the overflow wait).
      target_agent_id uuid references users (id),
      -- Offers that failed at the carrier (REST errors); after a few the call is kept for a callback.
      offer_failures int not null default 0,
      transcript text,
      failure text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index calls_caller_idx on calls (caller_hash, offered_at desc);
    create index calls_waiting_idx on calls (priority desc, queued_at) where status = 'queued';
    create index calls_offered_idx on calls (offered_at desc);
    -- An agent holds at most one live call: the database refuses a second.
    create unique index calls_one_live_call_per_agent on calls (agent_id) where status in ('offering', 'talking');

    create table call_events (
      id bigint generated always as identity primary key,
      call_id uuid not null references calls (id) on delete cascade,
      at timestamptz not null default now(),
      kind text not null,
      actor_id uuid,
      data jsonb not null default '{}'
    );
    create index call_events_call_idx on call_events (call_id, id);

    -- Twilio retries webhooks: the first delivery of (CallSid, event) wins and its answer is replayed.
    create table webhook_events (
      call_sid text not null,
      event text not null,
      response text,
      created_at timestamptz not null default now(),
      primary key (call_sid, event)
    );

    create table agent_states (
      user_id uuid primary key references users (id) on delete cascade,
      state text not null check (state in ('offline', 'available', 'ringing', 'on_call', 'wrap_up', 'break')),
      reason text,
      since timestamptz not null default now(),
      -- Longest idle first: when the agent last became free.
      idle_since timestamptz not null default now(),
      call_id uuid references calls (id),
      wrap_until timestamptz
    );
    create index agent_states_available_idx on agent_states (idle_since) where state = 'available';

    create table agent_state_changes (
      id bigint generated always as identity primary key,
      user_id uuid not null references users (id) on delete cascade,
      from_state text,
      to_state text not null,
      reason text,
      call_id uuid,
      at timestamptz not null default now()
    );
    create index agent_state_changes_user_idx on agent_state_changes (user_id, at);

    create table call_offers (
      id uuid primary key default gen_random_uuid(),
      call_id uuid not null references calls (id) on delete cascade,
      agent_id uuid not null references users (id),
      leg_sid text unique,
      status text not null check (status in ('ringing', 'accepted', 'declined', 'no_answer', 'failed', 'canceled', 'ended')),
      offered_at timestamptz not null default now(),
      answered_at timestamptz,
      ended_at timestamptz,
      reason text
    );
    create index call_offers_call_idx on call_offers (call_id);
    -- One ringing offer per agent and per call, whatever process made it.
    create unique index call_offers_one_ringing_per_agent on call_offers (agent_id) where status = 'ringing';
    create unique index call_offers_one_ringing_per_call on call_offers (call_id) where status = 'ringing';

    -- Other legs of a call's conference: department phones (三方通话), a transfer target agent.
    create table call_legs (
      leg_sid text primary key,
      call_id uuid not null references calls (id) on delete cascade,
      kind text not null check (kind in ('department', 'emergency', 'outside')),
      target_masked text not null,
      department_id uuid references departments (id),
      status text not null default 'ringing',
      created_at timestamptz not null default now(),
      ended_at timestamptz
    );

    create table blocked_numbers (
      phone_hash text primary key,
      phone_encrypted text not null,
      phone_masked text not null,
      reason text not null,
      blocked_by uuid references users (id),
      blocked_at timestamptz not null default now(),
      active boolean not null default true,
      unblocked_by uuid references users (id),
      unblocked_at timestamptz
    );

    -- Warnings before a block (恶意来电：先警告，后拉黑).
    create table caller_warnings (
      id bigint generated always as identity primary key,
      phone_hash text not null,
      call_id uuid references calls (id),
      reason text not null,
      warned_by uuid references users (id),
      at timestamptz not null default now()
    );
    create index caller_warnings_phone_idx on caller_warnings (phone_hash);

    create table missed_calls (
      id uuid primary key default gen_random_uuid(),
      call_id uuid not null unique references calls (id),
      caller_hash text not null,
      caller_encrypted text not null,
      caller_masked text not null,
      reason text not null check (reason in ('abandoned', 'callback_requested', 'voicemail', 'failed')),
      status text not null default 'open' check (status in ('open', 'claimed', 'calling', 'completed', 'failed')),
      claimed_by uuid references users (id),
      claimed_at timestamptz,
      attempts int not null default 0,
      last_attempt_at timestamptz,
      callback_call_id uuid references calls (id),
      completed_at timestamptz,
      result text,
      created_at timestamptz not null default now()
    );
    create index missed_calls_open_idx on missed_calls (created_at) where status in ('open', 'claimed', 'calling');

    -- A voicemail is the ticket draft of a call nobody could answer: the tickets module links it later.
    create table voicemails (
      id uuid primary key default gen_random_uuid(),
      call_id uuid not null references calls (id),
      recording_sid text not null unique,
      recording_url text,
      duration_seconds numeric(10, 3) not null default 0,
      transcript text,
      transcript_status text not null default 'pending' check (transcript_status in ('pending', 'done', 'unavailable', 'failed')),
      transcript_error text,
      ticket_id uuid,
      created_at timestamptz not null default now()
    );

    create table call_recordings (
      recording_sid text primary key,
      call_id uuid not null references calls (id),
      recording_url text,
      duration_seconds numeric(10, 3) not null default 0,
      source text,
      transcript text,
      transcript_status text not null default 'pending' check (transcript_status in ('pending', 'done', 'unavailable', 'failed')),
      transcript_error text,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}
