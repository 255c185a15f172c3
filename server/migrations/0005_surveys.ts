/**
 * Follow-up (回访): the survey policy the admin edits, one survey per ticket per pass of review, every attempt
 * (phone call or SMS link) with its time, channel and result, the one-time SMS links, webhook idempotency for
 * survey calls, and 一次一评 post-call ratings.
 *
 * Two database rules carry the promises the jobs rely on:
 *  - one open survey per ticket (partial unique index), so a replayed plan job cannot start a second one;
 *  - one attempt per (survey, attempt number), so a retried attempt job can never call or text twice.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row: the policy in force. Defaults are DOMAIN.md's (next working day, 08:00–20:00, 3 calls, then SMS).
    create table survey_policy (
      id int primary key default 1 check (id = 1),
      -- Share of tickets surveyed per type, 0..1 (complaints and reports always; consults sampled).
      sample_rates jsonb not null,
      delay_working_days int not null default 1 check (delay_working_days between 0 and 10),
      calling_from text not null default '08:00' check (calling_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      calling_to text not null default '20:00' check (calling_to ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'),
      -- 'working': calls only on working days (national calendar with 调休, local overrides); 'every': any day.
      calling_days text not null default 'working' check (calling_days in ('working', 'every')),
      max_call_attempts int not null default 3 check (max_call_attempts between 0 and 10),
      attempt_spacing_minutes int not null default 120 check (attempt_spacing_minutes between 0 and 1440),
      channels text[] not null default '{phone,sms}',
      sms_link_valid_hours int not null default 48 check (sms_link_valid_hours between 1 and 720),
      post_call_rating boolean not null default true,
      record_comment boolean not null default true,
      updated_at timestamptz not null default now(),
      updated_by uuid references users (id)
    );

    create table surveys (
      id uuid primary key default gen_random_uuid(),
      ticket_id uuid not null references tickets (id),
      -- 1 for the first survey of a ticket, 2 after a reopen and a second pass of review, …
      round int not null,
      ticket_type text not null,
      -- Who is measured: the lead department at fault if unsatisfied, and the agent who registered the ticket.
      department_id uuid references departments (id),
      agent_id uuid references users (id),
      state text not null check (state in ('scheduled', 'calling', 'sms_sent', 'awaiting_decision', 'completed', 'skipped', 'cancelled')),
      outcome text check (outcome in ('satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable', 'declined')),
      answered_channel text check (answered_channel in ('phone', 'sms')),
      answered_at timestamptz,
      comment text,
      comment_recording_sid text,
      comment_recording_url text,
      comment_transcript_status text check (comment_transcript_status in ('pending', 'done', 'unavailable', 'failed')),
      comment_transcript_error text,
      call_attempts int not null default 0,
      sms_sent boolean not null default false,
      next_attempt_at timestamptz,
      -- 不满意: the supervisor's decision.
      decision text check (decision in ('reopened', 'closed')),
      decision_note text,
      decided_by uuid references users (id),
      decided_at timestamptz,
      -- When the result reached the ticket (recordSurveyResult), so settling is done once.
      ticket_settled_at timestamptz,
      skip_reason text,
      completed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (ticket_id, round)
    );
    create unique index surveys_one_open_per_ticket on surveys (ticket_id)
      where state in ('scheduled', 'calling', 'sms_sent', 'awaiting_decision');
    create index surveys_queue on surveys (state, outcome, completed_at desc);
    create index surveys_department on surveys (department_id, completed_at);
    create index surveys_agent on surveys (agent_id, completed_at);

    create table survey_attempts (
      id uuid primary key default gen_random_uuid(),
      survey_id uuid not null references surveys (id),
      attempt_no int not null,
      channel text not null check (channel in ('phone', 'sms')),
      -- phone: dialling → answered → rated | no_rating | no_answer | busy | failed | machine
      -- sms: sent → answered | expired | failed
      status text not null,
      call_sid text unique,
      answered_by text,
      ivr_state jsonb,
      ivr_seq int not null default 0,
      result text,
      error text,
      started_at timestamptz not null default now(),
      ended_at timestamptz,
      unique (survey_id, attempt_no)
    );

    -- The SMS link: only a hash of the token is kept; the signature also covers the expiry.
    create table survey_links (
      id uuid primary key default gen_random_uuid(),
      survey_id uuid not null references surveys (id),
      attempt_id uuid not null references survey_attempts (id),
      token_hash bytea not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );

    -- Twilio retries webhooks: a survey or rating call's (CallSid, event) is handled once; a retry replays.
    create table survey_webhooks (
      call_sid text not null,
      event text not null,
      response text,
      created_at timestamptz not null default now(),
      primary key (call_sid, event)
    );

    -- 一次一评: one rating per call, right after the agent hung up.
    create table call_ratings (
      id uuid primary key default gen_random_uuid(),
      call_id uuid not null unique references calls (id),
      agent_id uuid references users (id),
      call_sid text not null,
      status text not null check (status in ('asking', 'rated', 'no_answer', 'failed')),
      rating text check (rating in ('satisfied', 'basically_satisfied', 'unsatisfied')),
      ivr_state jsonb,
      ivr_seq int not null default 0,
      created_at timestamptz not null default now(),
      rated_at timestamptz
    );
    create index call_ratings_agent on call_ratings (agent_id, created_at);

    insert into survey_policy (id, sample_rates)
    values (1, '{"complaint": 1, "report": 1, "help": 1, "consult": 0.3, "suggestion": 0.3, "praise": 0}');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table call_ratings, survey_webhooks, survey_links, survey_attempts, surveys, survey_policy;`.execute(db);
}
