/** Small helpers of the calls benchmark: percentiles, a fixed-width worker pool, polling, CPU use. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';


export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** "p50 … p99 … max …" in milliseconds. */
export function summarise(values: number[]): string {
  if (values.length === 0) return '(no samples)';
  const f = (q: number) => percentile(values, q).toFixed(1);
  return `p50 ${f(0.5)} ms  p99 ${f(0.99)} ms  max ${Math.max(...values).toFixed(1)} ms`;
}

/** Runs `op(0…n-1)` with at most `width` in flight. */
export async function runConcurrently(n: number, width: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await op(next++);
    }),
  );
}

/** Polls `check` every 50 ms until it holds; throws after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * CPU seconds used so far by this process (server and load generator) and by the PostgreSQL server whose
 * data directory is `dataDir` (postmaster and its backends, from /proc; 0 where /proc is missing). On a
 * shared machine, CPU per request is the figure other processes' load does not move.
 */
export function cpuSeconds(dataDir: string): { node: number; postgres: number } {
  const usage = process.cpuUsage();
  const node = (usage.user + usage.system) / 1e6;
  let postgres = 0;
  try {
    const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name (which may hold spaces): state ppid … utime (14th) stime (15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) !== postmaster && Number(fields[1]) !== postmaster) continue;
      postgres += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    }
  } catch {
    // No /proc or no pid file: PostgreSQL's share is unknown and reported as 0.
  }
  return { node, postgres };
}

/** USER_HZ: 100 on every Linux build this runs on. */
const CLOCK_TICKS = 100;

/**
 * The two starts of part (b)'s measure, for an offer `o` of call `c` (joined as `calls c on c.id = o.call_id`):
 * `s.at`, when its agent last became available, and `q.at`, when its call last entered the queue, both before
 * the offer. "Entered the queue" is queued_at (its place in line, kept when a call comes back from the voice bot
 * or after an offer that was not answered), or a later `queued` or `offer_…` event (its time is its
 * transaction's start, a little early).
 */
export const offerWaitStarts = sql`
  cross join lateral (select max(x.at) as at from agent_state_changes x
                       where x.user_id = o.agent_id and x.to_state = 'available' and x.at <= o.offered_at) s
  cross join lateral (select greatest(c.queued_at, max(e.at)) as at from call_events e
                       where e.call_id = c.id and e.kind in ('queued', 'offer_no_answer', 'offer_declined', 'offer_failed') and e.at <= o.offered_at) q`;
