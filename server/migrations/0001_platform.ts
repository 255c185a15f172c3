/**
 * The spine: meta, secrets, departments, desks, users and their skills, sessions and refresh tokens,
 * sign-in throttling and the append-only audit log.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table app_meta (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table departments (
      id uuid primary key default gen_random_uuid(),
      code text not null unique check (code ~ '^[a-z][a-z0-9_-]{1,40}$'),
      name text not null,
      kind text not null check (kind in ('hotline', 'bureau', 'enterprise', 'street', 'subunit')),
      parent_id uuid references departments (id),
      contact_phone text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index departments_parent_idx on departments (parent_id);

    -- Desks are the skills calls are routed by (综合, 方言, 涉企, 外语 …).
    create table desks (
      code text primary key check (code ~ '^[a-z][a-z0-9_-]{1,40}$'),
      name_zh text not null,
      name_en text not null,
      sort_order int not null default 0
    );
    -- The desks DOMAIN.md names; admins may add more.
    insert into desks (code, name_zh, name_en, sort_order) values
      ('general', '综合', 'General', 1),
      ('dialect', '方言', 'Dialect', 2),
      ('business', '涉企', 'Business', 3),
      ('foreign', '外语', 'Foreign language', 4);

    create table users (
      id uuid primary key default gen_random_uuid(),
      username text not null check (username ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
      display_name text not null,
      employee_no text,
      role text not null check (role in ('admin', 'supervisor', 'agent', 'department_staff', 'auditor')),
      department_id uuid references departments (id),
      password_hash text not null,
      active boolean not null default true,
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- Department staff always belong to a department: isolation depends on it.
      constraint users_department_staff_has_department check (role <> 'department_staff' or department_id is not null)
    );
    create unique index users_username_key on users (lower(username));
    create unique index users_employee_no_key on users (employee_no) where employee_no is not null;
    create index users_department_idx on users (department_id);

    create table user_skills (
      user_id uuid not null references users (id) on delete cascade,
      desk_code text not null references desks (code),
      level int not null default 3 check (level between 1 and 5),
      primary key (user_id, desk_code)
    );

    -- One row per sign-in; access tokens carry its id, so revoking it ends every token of that sign-in at once.
    create table auth_sessions (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      last_refreshed_at timestamptz,
      revoked_at timestamptz,
      revoke_reason text,
      ip text,
      user_agent text
    );
    create index auth_sessions_user_idx on auth_sessions (user_id) where revoked_at is null;

    -- Refresh tokens are stored only as SHA-256 hashes; each is good for one use.
    create table refresh_tokens (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references auth_sessions (id) on delete cascade,
      token_hash bytea not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index refresh_tokens_session_idx on refresh_tokens (session_id);

    create table login_throttle (
      key text primary key,
      failures int not null default 0,
      last_failed_at timestamptz,
      locked_until timestamptz
    );

    -- socket.io's PostgreSQL adapter keeps payloads over NOTIFY's 8000-byte limit here.
    create table socket_io_attachments (
      id bigserial unique,
      created_at timestamptz default now(),
      payload bytea
    );

    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_id uuid,
      actor_username text,
      actor_role text,
      action text not null,
      entity text not null,
      entity_id text,
      ip text,
      user_agent text,
      data jsonb not null default '{}'
    );
    create index audit_log_at_idx on audit_log (at desc, id desc);
    create index audit_log_entity_idx on audit_log (entity, entity_id);
    create index audit_log_actor_idx on audit_log (actor_id, at desc);

    -- Append-only: the database itself refuses to change or remove history, whoever asks.
    create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
    end $$;
    create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_is_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_is_append_only();
  `.execute(db);
}
