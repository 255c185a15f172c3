/**
 * Fixed-window request counters shared by every server process (they live in PostgreSQL), for the
 * endpoints citizens reach without signing in. Keys carry their own prefix per use (`web:ip:…`, `sms:…`,
 * `status:number:…`), so one table serves them all.
 */
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

export type WindowCount = { count: number; resetInSeconds: number };

/** Counts one hit in `key`'s window and returns the count so far and the seconds until the window resets. */
export async function countHit(db: Executor, key: string, windowSeconds: number): Promise<WindowCount> {
  const { rows } = await sql<{ count: number; reset_in: number }>`
    insert into rate_limits as r (key, window_start, count) values (${key}, now(), 1)
    on conflict (key) do update set
      window_start = case when r.window_start <= now() - make_interval(secs => ${windowSeconds}) then now() else r.window_start end,
      count = case when r.window_start <= now() - make_interval(secs => ${windowSeconds}) then 1 else r.count + 1 end
    returning count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as reset_in`.execute(db);
  const row = rows[0]!;
  return { count: row.count, resetInSeconds: Math.max(1, row.reset_in) };
}

/** The current count of `key`'s window without counting (0 when the window has passed). */
export async function peekHits(db: Executor, key: string, windowSeconds: number): Promise<WindowCount> {
  const { rows } = await sql<{ count: number; reset_in: number }>`
    select count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as reset_in
      from rate_limits where key = ${key} and window_start > now() - make_interval(secs => ${windowSeconds})`.execute(db);
  const row = rows[0];
  return row ? { count: row.count, resetInSeconds: Math.max(1, row.reset_in) } : { count: 0, resetInSeconds: 0 };
}

/** Forgets windows nobody has touched for a day (callers do it now and then, not on every request). */
export async function forgetStaleWindows(db: Executor): Promise<void> {
  await sql`delete from rate_limits where window_start < now() - interval '1 day'`.execute(db);
}
