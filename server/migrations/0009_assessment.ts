/**
 * Department assessment (考核) and 效能投诉 routing.
 *
 *  - `departments.supervision_office`: the one department (at most) that handles complaints about another
 *    department's own conduct; a partial unique index keeps it to one.
 *  - `assessment_schemes`: versioned scoring schemes; the one in force for a period is the latest version whose
 *    `effective_from` is on or before the period's first day (none: the built-in default, version 0).
 *  - `assessment_item_scores`: points supervisors give a department on a supervisor-scored item, per period.
 *  - `assessment_bonuses`: 加分 (commendations, letters of thanks), dated; a period counts those dated in it.
 *  - `conduct_complaints`: tickets flagged as 效能投诉 against a department, and the supervision finding.
 *  - `assessment_publications` / `assessment_results`: a published period and its frozen scores.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table departments add column supervision_office boolean not null default false;
    create unique index departments_one_supervision_office on departments ((true)) where supervision_office;

    create table assessment_schemes (
      version int primary key check (version > 0),
      effective_from date not null unique,
      definition jsonb not null,
      note text,
      created_by uuid references users(id),
      created_at timestamptz not null default now()
    );

    create table assessment_item_scores (
      period text not null,
      department_id uuid not null references departments(id),
      item_key text not null,
      points numeric(6,2) not null check (points >= 0),
      note text not null,
      evidence text[] not null default '{}',
      scored_by uuid not null references users(id),
      scored_at timestamptz not null default now(),
      primary key (period, department_id, item_key)
    );

    create table assessment_bonuses (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references departments(id),
      kind text not null check (kind in ('commendation', 'thanks')),
      points numeric(4,2) not null check (points > 0 and points <= 5),
      awarded_on date not null,
      note text not null,
      evidence text[] not null default '{}',
      recorded_by uuid not null references users(id),
      recorded_at timestamptz not null default now()
    );
    create index assessment_bonuses_department_idx on assessment_bonuses (department_id, awarded_on);

    create table conduct_complaints (
      ticket_id uuid primary key references tickets(id),
      department_id uuid not null references departments(id),
      flagged_by uuid references users(id),
      flagged_at timestamptz not null default now(),
      finding text check (finding in ('substantiated', 'unsubstantiated')),
      finding_note text,
      evidence text[] not null default '{}',
      decided_by uuid references users(id),
      decided_at timestamptz
    );
    create index conduct_complaints_substantiated_idx on conduct_complaints (department_id, decided_at) where finding = 'substantiated';

    create table assessment_publications (
      period text primary key,
      scheme_version int not null,
      published_at timestamptz not null,
      published_by text not null
    );

    create table assessment_results (
      period text not null references assessment_publications(period),
      department_id uuid not null references departments(id),
      assessed boolean not null,
      rank int,
      total numeric(6,2),
      breakdown jsonb not null,
      primary key (period, department_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table assessment_results, assessment_publications, conduct_complaints, assessment_bonuses, assessment_item_scores, assessment_schemes;
    drop index departments_one_supervision_office;
    alter table departments drop column supervision_office;
  `.execute(db);
}
