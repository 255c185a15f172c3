/**
 * Routing latency, the call side (issue 3, "time from call queued to offer", goal p99 < 50 ms).
 *
 * A call entering the queue is stamped and offered by one statement (`routing_queue_call`, 0017), and the time
 * between the two is the pass's own work: 1.2 ms of 2.2 with 500 free agents on fresh statistics, and 20–35 ms
 * in the benchmark, where the planner, with statistics taken while few agents were free, joined every free
 * agent to every live call and open offer. This version of `routing_reserve_calls` keeps the rules and the
 * locks of 0017 and drops that work:
 *
 * - "Is anyone free, and on which desks" was an aggregate over every free agent and their skills, run first.
 *   Now "anyone free" is an index probe, and a desk is found to have nobody free when a call of that desk finds
 *   no agent (and no agent had been excluded for that call alone); later calls of that desk are then passed
 *   over without a query, as the desk filter passed them over before.
 * - "Never an agent with a ringing or answered offer" was one `status in (…)` test that the planner answered
 *   with a scan of every offer ever made (no index covers both states); two tests now use the partial indexes
 *   of 0003 and 0013. A call for a named agent and a call for a desk have a query each.
 * - Each test on a free agent (skill, live call, open offer, declined this call) is a subquery the planner keeps
 *   as a per-agent index probe (OFFSET 0), so the plan walks the free agents in idle order and stops at the
 *   first who qualifies, whatever the statistics say; see the comment at the query.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function routing_reserve_calls(p_max int, p_callbacks_allowed boolean, p_withdraw_seconds int, p_dial_later boolean default false)
      returns table (call_id uuid, offer_id uuid, agent_id uuid, direction text, from_state text, at timestamptz)
      language plpgsql volatile as $fn$
    #variable_conflict use_column
    declare
      v_limit int;
      v_made int := 0;
      v_tried int := 0;
      v_no_free_agent text[] := '{}';
      v_call record;
      v_agent uuid;
      v_from text;
      v_offer uuid;
      v_at timestamptz;
    begin
      -- Nobody free: the pass ends here (the common case while every agent is busy). At most p_max pairs, and no
      -- more than there are free agents.
      select count(*)::int into v_limit from (select 1 from agent_states where state = 'available' limit p_max) free;
      if v_limit = 0 then return; end if;

      for v_call in
        select c.id, coalesce(c.desk, 'general') as desk, c.target_agent_id, c.direction
          from calls c
         where c.status = 'queued'
           and (p_callbacks_allowed or not (c.direction = 'callback' or c.callback_requested))
         order by c.priority desc, c.queued_at asc
      loop
        exit when v_made >= v_limit;
        continue when v_call.target_agent_id is null and v_call.desk = any (v_no_free_agent);
        -- Calls no free agent will take (each declined, missed, or the named agent is away): bounded work.
        v_tried := v_tried + 1;
        exit when v_tried > v_limit + 50;

        -- One pair at a time in a subtransaction: a pair that cannot be written (a warm transfer ringing the
        -- same agent at this moment trips the one-ringing-offer index) is skipped, and never fails the use
        -- case whose transaction the pass runs in.
        begin
          -- The longest-idle free agent for this call who did not decline or miss it, is on no live call (one
          -- whose leg has ended is off it: agent_left_at, 0017) and has no offer ringing or answered. Each test
          -- is a subquery with OFFSET 0, which PostgreSQL keeps as a per-agent index probe instead of turning it
          -- into a join: planned as joins, with statistics taken while few agents were free (agent_states
          -- changes faster than ANALYZE runs), a pass scanned every live call and ringing offer once per free
          -- agent, 18,000 buffers and 35 ms for 250 agents, where walking the free agents in idle order stops
          -- at the first who qualifies.
          if v_call.target_agent_id is not null then
            select a.user_id, a.state into v_agent, v_from
              from agent_states a
             where a.user_id = v_call.target_agent_id and a.state = 'available'
               and not exists (select 1 from call_offers o where o.call_id = v_call.id and o.agent_id = a.user_id and o.status in ('declined', 'no_answer') offset 0)
               and not exists (select 1 from calls x where x.agent_id = a.user_id and x.status in ('offering', 'talking') and x.agent_left_at is null offset 0)
               and not exists (select 1 from call_offers o2 where o2.agent_id = a.user_id and o2.status = 'ringing' offset 0)
               and not exists (select 1 from call_offers o3 where o3.agent_id = a.user_id and o3.status = 'accepted' offset 0)
               for update of a skip locked;
          else
            select a.user_id, a.state into v_agent, v_from
              from agent_states a
             where a.state = 'available'
               and exists (select 1 from user_skills s where s.user_id = a.user_id and s.desk_code = v_call.desk offset 0)
               and not exists (select 1 from call_offers o where o.call_id = v_call.id and o.agent_id = a.user_id and o.status in ('declined', 'no_answer') offset 0)
               and not exists (select 1 from calls x where x.agent_id = a.user_id and x.status in ('offering', 'talking') and x.agent_left_at is null offset 0)
               and not exists (select 1 from call_offers o2 where o2.agent_id = a.user_id and o2.status = 'ringing' offset 0)
               and not exists (select 1 from call_offers o3 where o3.agent_id = a.user_id and o3.status = 'accepted' offset 0)
             order by a.idle_since asc
             limit 1
               for update of a skip locked;
            -- Nobody on this desk can take a call now, unless agents were passed over for this call alone.
            if v_agent is null and not exists (select 1 from call_offers o where o.call_id = v_call.id and o.status in ('declined', 'no_answer')) then
              v_no_free_agent := v_no_free_agent || v_call.desk;
            end if;
          end if;
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
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- routing_reserve_calls as 0017 defined it.
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
        v_tried := v_tried + 1;
        exit when v_tried > v_limit + 50;
        begin
          select a.user_id, a.state into v_agent, v_from
            from agent_states a
           where a.state = 'available'
             and (case when v_call.target_agent_id is not null then a.user_id = v_call.target_agent_id
                       else exists (select 1 from user_skills s where s.user_id = a.user_id and s.desk_code = v_call.desk) end)
             and not exists (select 1 from call_offers o where o.call_id = v_call.id and o.agent_id = a.user_id and o.status in ('declined', 'no_answer'))
             and not exists (select 1 from calls x where x.agent_id = a.user_id and x.status in ('offering', 'talking') and x.agent_left_at is null)
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
