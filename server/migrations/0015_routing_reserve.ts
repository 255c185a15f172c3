/**
 * Routing in one round trip (issue 3, "time from call queued / agent available to offer").
 *
 * A routing pass used to be a transaction of 3 + 3·N statements (free desks, BEGIN, waiting calls, then per
 * pair: the agent, the call, the reservation, then COMMIT). Under load each round trip waits for the event
 * loop and a pool connection, and passes run one after another, so an agent who became available waited for
 * every pass queued before theirs. `routing_reserve_calls` does the same pass inside PostgreSQL, as one
 * statement (its own transaction when sent alone, or part of the caller's):
 *
 * - the same order: highest priority, then longest waiting; for each call the longest-idle available agent
 *   with the desk skill (or the named agent), never one who declined or missed this call, never one with an
 *   open offer or a live call;
 * - the same exactness: the agent row and the call row are taken `FOR UPDATE SKIP LOCKED`, so passes in several
 *   processes never reserve one agent or one call twice (the unique indexes of 0003 stay the last guard);
 * - the same writes per pair: call → offering, a ringing offer stamped with `clock_timestamp()`, agent → ringing
 *   with its state log, the `offered` event, and the `routing.withdraw-offer` safety-net job.
 *
 * A use case that makes an agent available (or queues a call) may run the pass in its own transaction, so the
 * offer is reserved the moment the agent is free rather than after a commit and a trigger. With `p_dial_later`
 * the new offers are marked `dial_pending` and announced on the `routing_dial` channel: the caller is inside
 * another use case's transaction and must not ring anyone before it commits, and NOTIFY is delivered exactly
 * then (and never after a rollback). Every process listens; the one whose `routing_claim_dials` takes the offer
 * first dials it, exactly once. Other ringing offers (a warm transfer's) are never pending.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table call_offers add column dial_pending boolean not null default false;
    -- Reservations made inside another transaction, waiting for a process to dial them (a handful at most).
    create index call_offers_dial_pending on call_offers (offered_at) where dial_pending;

    create function routing_reserve_calls(p_max int, p_callbacks_allowed boolean, p_withdraw_seconds int, p_dial_later boolean default false)
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

    -- Ringing offers nobody has dialled yet (reserved inside another transaction): claimed once, by one process.
    create function routing_claim_dials(p_max int)
      returns table (call_id uuid, offer_id uuid, agent_id uuid, direction text)
      language sql volatile as $fn$
      update call_offers o
         set dial_pending = false
        from calls c
       where o.id in (select u.id from call_offers u
                       where u.dial_pending and u.status = 'ringing'
                       order by u.offered_at
                       limit p_max
                         for update skip locked)
         and c.id = o.call_id
         and o.dial_pending
      returning o.call_id, o.id, o.agent_id, c.direction
    $fn$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function routing_claim_dials(int);
    drop function routing_reserve_calls(int, boolean, int, boolean);
    drop index call_offers_dial_pending;
    alter table call_offers drop column dial_pending;
  `.execute(db);
}
