/**
 * Call features an ACD console needs beyond the first cut (issue 3):
 *
 * - Wrap-up codes (话后小结) become data the hotline admins manage, seeded with the codes 12345 centres use.
 *   `unselected` (未选择) is the platform's own code for a wrap-up that timed out: agents cannot pick it.
 * - Hold and mute live on the call: `held_since` is set while the caller is held, `hold_seconds` sums the
 *   finished holds, `agent_muted` is the agent's microphone. A trigger closes an open hold when the call ends,
 *   whichever path ends it (status callback, the IVR's one-statement end, the vanished-call sweep).
 * - `carrier_checked_at`: when the vanished-call sweep last asked the carrier about the call, so a sweep
 *   asks about the calls it has not asked about for longest first.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table wrap_up_codes (
      code text primary key check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
      label_zh text not null check (length(label_zh) between 1 and 40),
      label_en text not null check (length(label_en) between 1 and 80),
      -- A code is never deleted (calls keep it); an inactive one is no longer offered.
      active boolean not null default true,
      -- The platform's codes (未选择) are recorded by the platform, never chosen by an agent.
      system boolean not null default false,
      sort_order int not null default 100,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      updated_by uuid references users (id)
    );

    insert into wrap_up_codes (code, label_zh, label_en, sort_order, system) values
      ('resolved', '咨询已解答', 'Question answered on the call', 10, false),
      ('ticket_registered', '转办工单', 'Ticket registered for a department', 20, false),
      ('complaint', '投诉', 'Complaint', 30, false),
      ('help', '求助', 'Request for help', 40, false),
      ('report', '举报', 'Report of wrongdoing', 50, false),
      ('suggestion', '建议', 'Suggestion', 60, false),
      ('praise', '表扬', 'Praise', 70, false),
      ('emergency_transfer', '转110/119/120/122', 'Transferred to emergency services', 80, false),
      ('repeat_call', '重复来电', 'Repeat call about the same matter', 90, false),
      ('nuisance', '骚扰/无效来电', 'Nuisance or empty call', 100, false),
      ('dropped', '通话中断', 'Call dropped', 110, false),
      ('unselected', '未选择', 'Not chosen (wrap-up timed out)', 1000, true);

    alter table calls
      add column hold_seconds numeric(10, 3) not null default 0,
      add column held_since timestamptz,
      add column agent_muted boolean not null default false,
      add column carrier_checked_at timestamptz;

    -- The vanished-call sweep looks for open calls, oldest unchecked first.
    create index calls_open_idx on calls (coalesce(carrier_checked_at, offered_at))
      where status in ('ivr', 'queued', 'offering', 'talking', 'voicemail');

    create function calls_close_hold() returns trigger language plpgsql as $$
    begin
      if new.held_since is not null then
        new.hold_seconds := new.hold_seconds + greatest(0, extract(epoch from coalesce(new.ended_at, now()) - new.held_since));
        new.held_since := null;
      end if;
      new.agent_muted := false;
      return new;
    end $$;

    create trigger calls_close_hold_on_end before update of status on calls
      for each row when (new.status = 'ended' and old.status is distinct from 'ended')
      execute function calls_close_hold();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger calls_close_hold_on_end on calls;
    drop function calls_close_hold();
    drop index calls_open_idx;
    alter table calls drop column hold_seconds, drop column held_since, drop column agent_muted, drop column carrier_checked_at;
    drop table wrap_up_codes;
  `.execute(db);
}
