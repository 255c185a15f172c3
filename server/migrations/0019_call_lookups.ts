/**
 * Lookups by call that had no index, and a trigger that ran when it had nothing to do (issue 3, webhook cost).
 *
 * - Every call that ends in the IVR asks whether it left a voicemail (`endCallsLeftInIvr`), and the call page
 *   reads a call's recordings and conference legs: by `call_id`, which none of the three tables indexed, so each
 *   of those reads scanned the whole table, and the IVR one grows with every voicemail the hotline keeps.
 * - `calls_close_hold_on_end` (0014) closes an open hold and clears mute when a call ends. It ran for every
 *   ending call (a PL/pgSQL call, 8 µs of each ending's 230 µs in the calls benchmark), though for a call that
 *   was neither held nor muted it changes nothing; the trigger's condition now says so.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index voicemails_call_idx on voicemails (call_id);
    create index call_recordings_call_idx on call_recordings (call_id);
    create index call_legs_call_idx on call_legs (call_id);

    drop trigger calls_close_hold_on_end on calls;
    create trigger calls_close_hold_on_end before update of status on calls
      for each row when (new.status = 'ended' and old.status is distinct from 'ended' and (new.held_since is not null or new.agent_muted))
      execute function calls_close_hold();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger calls_close_hold_on_end on calls;
    create trigger calls_close_hold_on_end before update of status on calls
      for each row when (new.status = 'ended' and old.status is distinct from 'ended')
      execute function calls_close_hold();

    drop index call_legs_call_idx;
    drop index call_recordings_call_idx;
    drop index voicemails_call_idx;
  `.execute(db);
}
