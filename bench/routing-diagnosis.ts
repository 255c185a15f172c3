/**
 * Where routing's time goes, for part (b) of bench/calls.bench.ts (BENCH_DIAG=1): while the agents work
 * through the waiting calls, PostgreSQL's sessions are sampled every 20 ms (what each active backend waits
 * for, and on which statement) and the event loop's delay is recorded; afterwards each "agent available →
 * offer" is split by how the agent became free (signing in; the caller's end of the call first; or their own
 * leg first, before the caller's final status).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { offerWaitStarts, percentile, summarise } from './calls-support.ts';

type Sample = { wait: string; query: string };

export async function startRoutingDiagnosis(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-diagnosis' });
  await client.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  const transactionAges: number[] = [];
  let stopped = false;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const sample = async () => {
    while (!stopped) {
      // Active backends, and for each one waiting on a lock, what its blocker is doing (an idle-in-transaction
      // blocker is a transaction waiting for Node between statements).
      const { rows } = await client.query<Sample>(`
        select case when b.pid is null then coalesce(a.wait_event_type || ':' || a.wait_event, 'cpu')
                    else coalesce(a.wait_event_type || ':' || a.wait_event, 'cpu') || ' ← ' || b.state
               end as wait,
               regexp_replace(left(a.query, 60), '\\s+', ' ', 'g') ||
                 coalesce(' ← ' || regexp_replace(left(b.query, 60), '\\s+', ' ', 'g'), '') as query
          from pg_stat_activity a
          left join lateral (select * from pg_stat_activity x where x.pid = (pg_blocking_pids(a.pid))[1]) b on true
         where a.backend_type = 'client backend' and a.state = 'active' and a.pid <> pg_backend_pid()`);
      const held = await client.query<{ ms: number }>(`
        select extract(epoch from now() - xact_start) * 1000 as ms from pg_stat_activity
         where backend_type = 'client backend' and xact_start is not null and pid <> pg_backend_pid()`);
      for (const r of held.rows) transactionAges.push(Number(r.ms));
      samples++;
      for (const r of rows) {
        const key = `${r.wait.padEnd(28)} ${r.query}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const sampling = sample();

  /** Stops sampling and prints the waits, the event loop's delay and the per-offer split. */
  async function report(db: Kysely<any>, from: Date, to: Date): Promise<void> {
    stopped = true;
    await sampling;
    await client.end();
    loop.disable();
    console.log(`    [diag] event loop delay: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms  p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms  max ${(loop.max / 1e6).toFixed(1)} ms`);
    console.log(`    [diag] open transactions' age when sampled: ${summarise(transactionAges)}`);
    console.log(`    [diag] active PostgreSQL backends, mean per sample over ${samples} samples (wait · statement):`);
    for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`      ${(n / samples).toFixed(2).padStart(6)}  ${key}`);
    const { rows } = await sql<{ ms: number; avail: Date; prev_ended: Date | null; prev_leg_ended: Date | null; offered: Date }>`
      select extract(epoch from (o.offered_at - s.at)) * 1000 as ms, s.at as avail, o.offered_at as offered,
             p.ended_at as prev_ended, p.leg_ended as prev_leg_ended
        from call_offers o
        join calls c on c.id = o.call_id
        ${offerWaitStarts}
        left join lateral (select pc.ended_at, po.ended_at as leg_ended from call_offers po join calls pc on pc.id = po.call_id
                            where po.agent_id = o.agent_id and po.offered_at < o.offered_at and po.answered_at is not null
                            order by po.offered_at desc limit 1) p on true
       where o.offered_at >= ${from} and o.offered_at < ${to} and s.at > q.at`.execute(db);
    const groups = new Map<string, { ms: number[]; afterCaller: number[] }>();
    for (const r of rows) {
      const kind = !r.prev_ended ? 'sign-in' : r.prev_ended.getTime() <= r.avail.getTime() ? "caller's end first" : 'own leg first';
      const g = groups.get(kind) ?? { ms: [], afterCaller: [] };
      g.ms.push(Number(r.ms));
      if (r.prev_ended) g.afterCaller.push(r.offered.getTime() - r.prev_ended.getTime());
      groups.set(kind, g);
    }
    const statuses = await sql<{ status: string; outcome: string | null; n: number }>`select status, outcome, count(*)::int as n from calls group by 1, 2 order by 3 desc`.execute(db);
    const offers = await sql<{ status: string; n: number }>`select status, count(*)::int as n from call_offers group by 1 order by 2 desc`.execute(db);
    console.log(`    [diag] calls by status/outcome: ${statuses.rows.map((r) => `${r.status}/${r.outcome ?? '-'} ${r.n}`).join(', ')}; offers: ${offers.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    // The slowest offers, with what their agent went through from becoming available to the offer.
    const { rows: worst } = await sql<{ ms: number; agent_id: string; avail: Date; offered: Date; queued: Date; states: string }>`
      select extract(epoch from (o.offered_at - s.at)) * 1000 as ms, o.agent_id, s.at as avail, o.offered_at as offered, q.at as queued,
             (select string_agg(x.from_state || '→' || x.to_state || '@' || to_char(x.at, 'MI:SS.MS'), ' ' order by x.id)
                from agent_state_changes x where x.user_id = o.agent_id and x.at between s.at - interval '5 seconds' and o.offered_at) as states
        from call_offers o join calls c on c.id = o.call_id
        ${offerWaitStarts}
       where o.offered_at >= ${from} and o.offered_at < ${to} and s.at > q.at
       order by 1 desc limit 5`.execute(db);
    for (const w of worst) {
      const t = (d: Date) => d.toISOString().slice(14, 23);
      console.log(`    [diag] slow: ${Number(w.ms).toFixed(0)} ms, available ${t(w.avail)}, call queued ${t(w.queued)}, offered ${t(w.offered)}; states: ${w.states}`);
    }
    console.log(`    [diag] agent available → offer, by how the agent became free:`);
    for (const [kind, g] of groups) {
      console.log(`      ${kind.padEnd(20)} ${String(g.ms.length).padStart(4)} offers  ${summarise(g.ms)}` + (g.afterCaller.length ? `   (caller's end → offer p50 ${percentile(g.afterCaller, 0.5).toFixed(1)} p99 ${percentile(g.afterCaller, 0.99).toFixed(1)})` : ''));
    }
  }
  return { report };
}
