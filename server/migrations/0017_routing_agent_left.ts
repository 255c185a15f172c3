/**
 * Routing latency, the agent side (issue 3, "time from agent available to offer").
 *
 * An agent's softphone leg usually ends before the caller's final status arrives (the carrier tears the
 * conference down and sends both callbacks at once; they race). Until now the call stayed `talking` with that
 * agent in `agent_id`, so routing skipped the agent, and the unique index of 0003 would have refused a second
 * live call for them, until the caller's status came and the next routing pass ran after its commit: most
 * "agent available → offer" time in the benchmark was that wait. The agent is not on that call any more, so:
 *
 * - `calls.agent_left_at` marks a live call whose agent's leg has ended. `agent_id` keeps naming the agent (their
 *   wrap-up, the console, the ended-call event and the reports still attribute the call to them);
 * - "one live call per agent" (the unique index and routing's check) counts the calls the agent is still on;
 * - `routing_free_agent` makes an agent available and reserves their next call in one statement, so no round
 *   trip (each one a turn of a busy event loop) separates the two; it stamps the change with the database's
 *   clock like the reservation does. `routing_queue_call` does the same for a call entering the queue.
 *
 * `routing_reserve_calls` is the same as in 0015 but for the `agent_left_at` check and reset.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table calls add column agent_left_at timestamptz;
    drop index calls_one_live_call_per_agent;
    create unique index calls_one_live_call_per_agent on calls (agent_id) where status in ('offering', 'talking') and agent_left_at is null;

    create or replace function routing_reserve_calls(p_max int, p_callbacks_allowed boolean, p_withdraw_seconds int, p_dial_later boolean default false)
      returns table (call_id uuid, offer_id uuid, agent_id uuid, direction text, from_state text, at timestamptz)
      language plpgsql volatile as $fn$
    #variable_conflict use_column
    declare
      v_desks text[];
      v_free int;
      v_limit int;
      v_made int := 0;
      v_tried int := 0;
      v_call record;
      v_agent uuid;
      v_from text;
      v_offer uuid;
      v_at timestamptz;
    begin
      -- Who could take a call right now. Nobody: the pass ends here (the common case while every agent is busy).
      select array_agg(distinct s.desk_code), count(distinct a.user_id)::int
        into v_desks, v_free
        from agent_states a left join user_skills s on s.user_id = a.user_id
       where a.state = 'available';
      if v_free = 0 then return; end if;
      v_limit := least(p_max, v_free);
      v_desks := coalesce(v_desks, '{}');

      for v_call in
        select c.id, coalesce(c.desk, 'general') as desk, c.target_agent_id, c.direction
          from calls c
         where c.status = 'queued'
           and (c.target_agent_id is not null or coalesce(c.desk, 'general') = any (v_desks))
           and (p_callbacks_allowed or not (c.direction = 'callback' or c.callback_requested))
         order by c.priority desc, c.queued_at asc
      loop
        exit when v_made >= v_limit;
        -- Calls no free agent will take (each declined, missed, or the named agent is away): bounded work.
        v_tried := v_tried + 1;
        exit when v_tried > v_limit + 50;

        -- One pair at a time in a subtransaction: a pair that cannot be written (a warm transfer ringing the
        -- same agent at this moment trips the one-ringing-offer index) is skipped, and never fails the use
        -- case whose transaction the pass runs in.
        begin
          select a.user_id, a.state into v_agent, v_from
            from agent_states a
           where a.state = 'available'
             and (case when v_call.target_agent_id is not null then a.user_id = v_call.target_agent_id
                       else exists (select 1 from user_skills s where s.user_id = a.user_id and s.desk_code = v_call.desk) end)
             and not exists (select 1 from call_offers o where o.call_id = v_call.id and o.agent_id = a.user_id and o.status in ('declined', 'no_answer'))
             -- An agent still on a live call waits (one whose leg has ended is off it: agent_left_at, 0017),
             and not exists (select 1 from calls x where x.agent_id = a.user_id and x.status in ('offering', 'talking') and x.agent_left_at is null)
             -- and so does one whose answered leg is still up: an agent never rings while any offer of theirs is open.
             and not exists (select 1 from call_offers o2 where o2.agent_id = a.user_id and o2.status in ('ringing', 'accepted'))
           order by a.idle_since asc
           limit 1
             for update of a skip locked;
          continue when v_agent is null;

          perform 1 from calls c where c.id = v_call.id and c.status = 'queued' for update skip locked;
          continue when not found;

          v_at := clock_timestamp();
          update calls c
             set status = 'offering', agent_id = v_agent, agent_left_at = null, first_offered_at = coalesce(c.first_offered_at, v_at),
                 conference_name = 'call-' || c.id::text, updated_at = v_at
           where c.id = v_call.id;
          insert into call_offers (call_id, agent_id, status, offered_at, dial_pending)
          values (v_call.id, v_agent, 'ringing', v_at, p_dial_later)
          returning id into v_offer;
          update agent_states set state = 'ringing', reason = null, since = v_at, call_id = v_call.id, wrap_until = null
           where user_id = v_agent;
          insert into agent_state_changes (user_id, from_state, to_state, reason, call_id, at)
          values (v_agent, v_from, 'ringing', null, v_call.id, v_at);
          insert into call_events (call_id, kind, data)
          values (v_call.id, 'offered', jsonb_build_object('agentId', v_agent::text, 'offerId', v_offer::text));
          perform graphile_worker.add_job('routing.withdraw-offer', json_build_object('offerId', v_offer),
                                          run_at => v_at + make_interval(secs => p_withdraw_seconds),
                                          job_key => 'offer:' || v_offer::text, job_key_mode => 'replace');

          -- Delivered when (and only if) the transaction commits: some process claims the offer and dials it.
          if p_dial_later then perform pg_notify('routing_dial', v_offer::text); end if;

        exception when unique_violation or deadlock_detected then
          continue;
        end;

        v_made := v_made + 1;
        call_id := v_call.id; offer_id := v_offer; agent_id := v_agent; direction := v_call.direction; from_state := v_from; at := v_at;
        return next;
      end loop;
    end
    $fn$;


    -- The agent becomes available (state, log) and, in the same statement, is offered the next waiting call
    -- (dialled after commit, like every reservation made inside a use case's transaction).
    create function routing_free_agent(p_user uuid, p_reset_idle boolean, p_callbacks_allowed boolean, p_withdraw_seconds int)
      returns table (o_from_state text, o_at timestamptz, o_offered int)
      language plpgsql volatile as $fn$
    declare
      v_from text;
      v_at timestamptz;
      v_offered int;
    begin
      select s.state into v_from from agent_states s where s.user_id = p_user for update;
      v_at := clock_timestamp();
      if found then
        update agent_states s
           set state = 'available', reason = null, since = v_at, call_id = null, wrap_until = null,
               idle_since = case when p_reset_idle then v_at else s.idle_since end
         where s.user_id = p_user;
      else
        insert into agent_states (user_id, state, reason, since, idle_since, call_id, wrap_until)
        values (p_user, 'available', null, v_at, v_at, null, null);
      end if;
      insert into agent_state_changes (user_id, from_state, to_state, reason, call_id, at)
      values (p_user, v_from, 'available', null, null, v_at);
      select count(*)::int into v_offered from routing_reserve_calls(1, p_callbacks_allowed, p_withdraw_seconds, true);
      o_from_state := v_from; o_at := v_at; o_offered := v_offered;
      return next;
    end
    $fn$;

    -- A call entering the queue for the first time (queued in the caller's transaction): its place in line is
    -- stamped now, by the statement that offers the first call in line to the longest-idle free agent.
    create function routing_queue_call(p_call uuid, p_callbacks_allowed boolean, p_withdraw_seconds int)
      returns int
      language plpgsql volatile as $fn$
    declare
      v_offered int;
    begin
      update calls set queued_at = clock_timestamp() where id = p_call and status = 'queued';
      select count(*)::int into v_offered from routing_reserve_calls(1, p_callbacks_allowed, p_withdraw_seconds, true);
      return v_offered;
    end
    $fn$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function routing_queue_call(uuid, boolean, int);
    drop function routing_free_agent(uuid, boolean, boolean, int);
    drop index calls_one_live_call_per_agent;
    create unique index calls_one_live_call_per_agent on calls (agent_id) where status in ('offering', 'talking');
    alter table calls drop column agent_left_at;

    -- routing_reserve_calls as 0015 defined it.
    create or replace function routing_reserve_calls(p_max int, p_callbacks_allowed boolean, p_withdraw_seconds int, p_dial_later boolean default false)
      returns table (call_id uuid, offer_id uuid, agent_id uuid, direction text, from_state text, at timestamptz)
      language plpgsql volatile as $fn$
    #variable_conflict use_column
    declare
      v_desks text[];
      v_free int;
      v_limit int;
      v_made int := 0;
      v_tried int := 0;
      v_call record;
      v_agent uuid;
      v_from text;
      v_offer uuid;
      v_at timestamptz;
    begin
      -- Who could take a call right now. Nobody: the pass ends here (the common case while every agent is busy).
      select array_agg(distinct s.desk_code), count(distinct a.user_id)::int
        into v_desks, v_free
        from agent_states a left join user_skills s on s.user_id = a.user_id
       where a.state = 'available';
      if v_free = 0 then return; end if;
      v_limit := least(p_max, v_free);
      v_desks := coalesce(v_desks, '{}');

      for v_call in
        select c.id, coalesce(c.desk, 'general') as desk, c.target_agent_id, c.direction
          from calls c
         where c.status = 'queued'
           and (c.target_agent_id is not null or coalesce(c.desk, 'general') = any (v_desks))
           and (p_callbacks_allowed or not (c.direction = 'callback' or c.callback_requested))
         order by c.priority desc, c.queued_at asc
      loop
        exit when v_made >= v_limit;
        -- Calls no free agent will take (each declined, missed, or the named agent is away): bounded work.
        v_tried := v_tried + 1;
        exit when v_tried > v_limit + 50;

        -- One pair at a time in a subtransaction: a pair that cannot be written (a warm transfer ringing the
        -- same agent at this moment trips the one-ringing-offer index) is skipped, and never fails the use
        -- case whose transaction the pass runs in.
        begin
          select a.user_id, a.state into v_agent, v_from
            from agent_states a
           where a.state = 'available'
             and (case when v_call.target_agent_id is not null then a.user_id = v_call.target_agent_id
                       else exists (select 1 from user_skills s where s.user_id = a.user_id and s.desk_code = v_call.desk) end)
             and not exists (select 1 from call_offers o where o.call_id = v_call.id and o.agent_id = a.user_id and o.status in ('declined', 'no_answer'))
             -- An agent whose last call is still ending (their leg hung up before the caller's status came) waits,
             and not exists (select 1 from calls x where x.agent_id = a.user_id and x.status in ('offering', 'talking'))
             -- and so does one whose answered leg is still up: an agent never rings while any offer of theirs is open.
             and not exists (select 1 from call_offers o2 where o2.agent_id = a.user_id and o2.status in ('ringing', 'accepted'))
           order by a.idle_since asc
           limit 1
             for update of a skip locked;
          continue when v_agent is null;

          perform 1 from calls c where c.id = v_call.id and c.status = 'queued' for update skip locked;
          continue when not found;

          v_at := clock_timestamp();
          update calls c
             set status = 'offering', agent_id = v_agent, first_offered_at = coalesce(c.first_offered_at, v_at),
                 conference_name = 'call-' || c.id::text, updated_at = v_at
           where c.id = v_call.id;
          insert into call_offers (call_id, agent_id, status, offered_at, dial_pending)
          values (v_call.id, v_agent, 'ringing', v_at, p_dial_later)
          returning id into v_offer;
          update agent_states set state = 'ringing', reason = null, since = v_at, call_id = v_call.id, wrap_until = null
           where user_id = v_agent;
          insert into agent_state_changes (user_id, from_state, to_state, reason, call_id, at)
          values (v_agent, v_from, 'ringing', null, v_call.id, v_at);
          insert into call_events (call_id, kind, data)
          values (v_call.id, 'offered', jsonb_build_object('agentId', v_agent::text, 'offerId', v_offer::text));
          perform graphile_worker.add_job('routing.withdraw-offer', json_build_object('offerId', v_offer),
                                          run_at => v_at + make_interval(secs => p_withdraw_seconds),
                                          job_key => 'offer:' || v_offer::text, job_key_mode => 'replace');

          -- Delivered when (and only if) the transaction commits: some process claims the offer and dials it.
          if p_dial_later then perform pg_notify('routing_dial', v_offer::text); end if;

        exception when unique_violation or deadlock_detected then
          continue;
        end;

        v_made := v_made + 1;
        call_id := v_call.id; offer_id := v_offer; agent_id := v_agent; direction := v_call.direction; from_state := v_from; at := v_at;
        return next;
      end loop;
    end
    $fn$;
  `.execute(db);
}
