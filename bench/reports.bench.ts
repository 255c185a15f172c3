/**
 * Reports benchmark: node bench/reports.bench.ts   (prints figures and ratios from one run; asserts nothing)
 *
 * Runs on an embedded PostgreSQL of its own (a temporary folder, removed afterwards). Generates, with
 * set-based SQL (generate_series, in chunks): BENCH_TICKETS tickets (default 1,000,000) spread evenly over the
 * last 365 days with their assignments (lead, some assists) and the events the measures read (registration,
 * 直接办结, returns, rejected replies, survey ratings), and BENCH_CALL_EVENTS inbound calls (default 10,000,000:
 * the call records every call measure reads, each carrying its offered / answered / abandoned / ended events)
 * over the same year. Prints the generation time, then times:
 *  1. the first roll-up of the whole year (the job's first run);
 *  2. the monthly report (last full month, every department, 7 measures per department) from rollups vs the
 *     live facts queries (goal < 5 s);
 *  3. the dashboard figures (reports page headline: all 14 measures today and this month, judged now)
 *     repeated BENCH_RUNS times, p50/p99, from rollups vs live (goal p99 < 300 ms);
 *  4. an incremental run of the job after 1,000 late ratings (tickets closed in the last week) and 1,000
 *     late call ends (yesterday), and a run right after it (the look-back rolls the same days again);
 * and checks that rollup and live figures are identical.
 *
 * BENCH_DAYS (default 365) shortens the span: the same daily volume in less time, e.g. the last 45 days of the
 * full-size year: BENCH_DAYS=45 BENCH_TICKETS=123288 BENCH_CALL_EVENTS=1232877.
 * Quick smoke run: BENCH_TICKETS=20000 BENCH_CALL_EVENTS=200000 BENCH_RUNS=20 node bench/reports.bench.ts
 * BENCH_PROFILE=1 also prints each measure's time over today and over the month before today, and how many
 * hours of each run live (not from the daily or hour rollups).
 */
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../server/src/config.ts';
import { silentPublisher, type AppContext } from '../server/src/context.ts';
import { createDb, createPool, migrateToLatest } from '../server/src/platform/db/database.ts';
import { startEmbeddedPostgres } from '../server/src/platform/db/embedded.ts';
import { migrateJobQueue } from '../server/src/platform/jobs.ts';
import { createLogger } from '../server/src/platform/logger.ts';
import { createPiiVault, newDataKey } from '../server/src/platform/pii.ts';
import { insertDepartment, insertUser } from '../server/src/modules/directory/index.ts';
import { buildDashboard, buildMonthlyReport, computeMeasure, defaultMeasureOptions, measures, refreshRollups, resolvePeriod } from '../server/src/modules/reports/index.ts';
import { loadRolledDays, planFromRollups } from '../server/src/modules/reports/rollups.ts';
import { createZonedClock, formatDayNumber } from '../server/src/modules/calendar/zoned-time.ts';
import { percentile } from './calls-support.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const CALLS = Number(process.env.BENCH_CALL_EVENTS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const LIVE_RUNS = Number(process.env.BENCH_LIVE_RUNS ?? 3);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const CHUNK = 1_000_000;
const DEPARTMENTS = 20;
const AGENTS = 100;
const CATEGORIES = 30;

const dir = mkdtempSync(path.join(tmpdir(), 'hotline-reports-bench-'));
chmodSync(dir, 0o755);
const logger = createLogger('silent');
const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), database: 'bench', logger });
const pool = createPool(embedded.url, 8, () => undefined);
const db = createDb(pool);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const timed = async <T>(op: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await op();
  return [result, performance.now() - start];
};

try {
  await migrateToLatest(db);
  await migrateJobQueue(pool, logger);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: embedded.url, LOG_LEVEL: 'silent', SEED_DEMO: '0' });
  const ctx: AppContext = {
    config,
    db,
    logger,
    publish: silentPublisher,
    jwtSecret: 'bench-only-secret-bench-only-secret',
    pii: createPiiVault(newDataKey()),
    ports: { sms: { send: async () => ({ providerId: 'bench', status: 'queued' }) }, speech: undefined },
    publicUrl: 'http://127.0.0.1',
  };

  for (let i = 0; i < DEPARTMENTS; i++) await insertDepartment(db, { code: `bench${i}`, name: `压测部门${String(i).padStart(2, '0')}`, kind: 'bureau', contactPhone: '057100000000' });
  for (let i = 0; i < AGENTS; i++) await insertUser(db, { username: `bench-agent-${i}`, displayName: `压测坐席${i}`, employeeNo: null, role: 'agent', departmentId: null, passwordHash: 'x' });
  await sql`insert into ticket_categories (code, name) select 'bench.c' || g, '压测分类' || g from generate_series(1, ${CATEGORIES}::int) g`.execute(db);

  // ── Generation ─────────────────────────────────────────────────────────────────────────────────────────────
  // Everything spread evenly over [now − BENCH_DAYS days, now − 1 minute]; item g of n sits at start + g/n of the span.
  const now = new Date();
  const start = new Date(now.getTime() - DAYS * 86_400_000);
  const span = sql`(${now}::timestamptz - interval '1 minute' - ${start}::timestamptz)`;
  const at = (g: unknown, n: number) => sql`${start}::timestamptz + ${span} * (${g}::float8 / ${n}::float8)`;
  // The ids as array parameters (a scalar subquery in the join would be evaluated again for every row).
  const ids = async (q: string) => (await sql<{ id: string }>`${sql.raw(q)}`.execute(db)).rows.map((r) => r.id);
  const depts = await ids(`select id from departments where code like 'bench%' order by code`);
  const agents = await ids(`select id from users where username like 'bench-agent-%' order by username`);
  const cats = await ids(`select id from ticket_categories where code like 'bench.c%' order by code`);
  const dims = sql`${depts}::uuid[] as depts, ${agents}::uuid[] as agents, ${cats}::uuid[] as cats`;
  const genStart = performance.now();
  let callsDone = 0;
  let ticketsDone = 0;
  let assignmentsDone = 0;
  // Bulk load as a DBA would: one session without foreign-key triggers (the generated ids are valid by
  // construction), the calls table's secondary indexes dropped during the load and built again after it.
  await db.connection().execute(async (conn) => {
    await sql`set session_replication_role = replica; set maintenance_work_mem = '1GB'`.execute(conn);
    const callIndexes = (
      await sql<{ name: string; def: string }>`
        select indexname as name, indexdef as def from pg_indexes
         where tablename = 'calls' and indexname not in (select conname from pg_constraint)`.execute(conn)
    ).rows;
    for (const i of callIndexes) await sql`drop index ${sql.ref(i.name)}`.execute(conn);
    // Calls: 5% never queued (IVR only), 10% abandoned (some short), 5% asked for a callback, the rest answered.
    for (let lo = 1; lo <= CALLS; lo += CHUNK) {
      const hi = Math.min(CALLS, lo + CHUNK - 1);
      await sql`
        insert into calls (caller_hash, caller_encrypted, caller_masked, direction, status, caller_location, desk, offered_at, queued_at,
                           answered_at, abandoned_at, ended_at, wait_seconds, talk_seconds, answered_by, outcome, callback_requested, created_at, updated_at)
        select 'h' || (g % 400000), 'x', '139****0000', 'inbound', 'ended', 'none', (array['general','general','general','dialect','business'])[1 + g % 5],
               o, case when k <> 0 then o + interval '3 seconds' end,
               case when k >= 4 then o + interval '3 seconds' + w * interval '1 second' end,
               case when k in (1, 2) then o + interval '3 seconds' + w * interval '1 second' end,
               o + interval '3 seconds' + (w + case when k >= 4 then talk else 0 end) * interval '1 second',
               case when k <> 0 and k <> 3 then w end, case when k >= 4 then talk end,
               case when k >= 4 then d.agents[1 + g % ${AGENTS}::int] end,
               case when k = 0 then 'ivr_ended' when k in (1, 2) then 'abandoned' when k = 3 then 'callback_requested' else 'answered' end,
               k = 3, o, o + interval '3 seconds' + (w + talk) * interval '1 second'
          from generate_series(${lo}::int, ${hi}::int) g
          cross join (select ${dims}) d
          cross join lateral (select ${at(sql`g`, CALLS)} as o, g % 20 as k, ((g::bigint * 7919) % 45)::int as w, (30 + (g::bigint * 104729) % 600)::int as talk) x`.execute(conn);
    }
    for (const i of callIndexes) await sql.raw(i.def).execute(conn);
    callsDone = performance.now();
    // Tickets: 15% resolved on the call; the rest dispatched, closed after handling unless registered in the last 10 days.
    for (let lo = 1; lo <= TICKETS; lo += CHUNK) {
      const hi = Math.min(TICKETS, lo + CHUNK - 1);
      await sql`
        insert into tickets (number, channel, type, urgency, category_id, title, description, district, state, closure, registered_by, created_at, updated_at, closed_at)
        select 'B' || lpad(g::text, 9, '0'),
               (array['phone','phone','phone','web','sms','chat'])[1 + g % 6],
               (array['consult','help','complaint','report','suggestion','praise'])[1 + (g / 7) % 6],
               'normal', d.cats[1 + g % ${CATEGORIES}::int], '压测工单 ' || g, '批量生成的工单，用于报表压测。', '东城区',
               s.state, s.closure, d.agents[1 + g % ${AGENTS}::int], c, coalesce(s.closed_at, c), s.closed_at
          from generate_series(${lo}::int, ${hi}::int) g
          cross join (select ${dims}) d
          cross join lateral (select ${at(sql`g`, TICKETS)} as c) t
          cross join lateral (select case when g % 20 < 3 then 'closed' when c > ${now}::timestamptz - interval '10 days' then 'in_progress' else 'closed' end as state,
                                     case when g % 20 < 3 then 'resolved_on_call' when c > ${now}::timestamptz - interval '10 days' then null else 'handled' end as closure,
                                     case when g % 20 < 3 then c + interval '5 minutes'
                                          when c > ${now}::timestamptz - interval '10 days' then null
                                          else c + (1 + g % 9) * interval '1 day' end as closed_at) s`.execute(conn);
    }
    ticketsDone = performance.now();
    // Leads for every dispatched ticket (sign within 2 h, some late; handle within 5 days, some late), an assist for one in five.
    await sql`
      insert into ticket_assignments (ticket_id, department_id, role, state, urgency, dispatched_at, sign_by, handle_by, return_by, warn_at, signed_at, replied_at, created_at, updated_at)
      select t.id, d.depts[1 + (x.g + r.k * 7) % ${DEPARTMENTS}::int], r.role,
             case when t.state = 'closed' then 'done' when x.g % 3 = 0 then 'dispatched' else 'signed' end,
             'normal', t.created_at + interval '10 minutes', t.created_at + interval '130 minutes', t.created_at + interval '5 days 10 minutes',
             t.created_at + interval '2 days', t.created_at + interval '4 days',
             case when t.state = 'closed' or x.g % 3 <> 0 then t.created_at + interval '10 minutes' + ((x.g::bigint * 31) % 150) * interval '1 minute' end,
             case when t.state = 'closed' then t.closed_at - interval '1 hour' end,
             t.created_at, coalesce(t.closed_at, t.created_at)
        from tickets t
       cross join (select ${dims}) d
       cross join lateral (select substr(t.number, 2)::int as g) x
       cross join lateral (select 'lead' as role, 0 as k union all select 'assist', 1 where x.g % 5 = 0) r
       where t.closure is distinct from 'resolved_on_call'`.execute(conn);
    assignmentsDone = performance.now();
    // Events: registration for every ticket, 直接办结, a return request on one assignment in 25, a rejected reply on
    // one ticket in 15, and a survey rating for every ticket closed after handling (6:2:1 satisfied / basically / not, 1 unreachable).
    await sql`
      insert into ticket_events (ticket_id, assignment_id, at, actor_name, actor_role, action, data)
      select t.id, null::uuid, t.created_at, 'bench', 'agent', 'register', '{}'::jsonb from tickets t
      union all
      select t.id, null::uuid, t.closed_at, 'bench', 'agent', 'resolveOnCall', '{}'::jsonb from tickets t where t.closure = 'resolved_on_call'
      union all
      select a.ticket_id, a.id, a.dispatched_at + interval '1 hour', 'bench', 'department_staff', 'return', '{}'::jsonb
        from ticket_assignments a where abs(hashtext(a.id::text)) % 25 = 0
      union all
      select t.id, null::uuid, t.created_at + interval '2 days', 'bench', 'agent', 'rejectReview', '{}'::jsonb
        from tickets t where t.closure = 'handled' and substr(t.number, 2)::int % 15 = 0
      union all
      select t.id, null::uuid, t.closed_at, 'bench', 'agent', 'recordSurvey',
             jsonb_build_object('result', (array['satisfied','satisfied','satisfied','satisfied','satisfied','satisfied','basically_satisfied','basically_satisfied','unsatisfied','unreachable'])[1 + substr(t.number, 2)::int % 10])
        from tickets t where t.closure = 'handled'`.execute(conn);
    await sql`set session_replication_role = origin`.execute(conn);
  });
  const eventsDone = performance.now();
  await sql`analyze`.execute(db);
  const analyzed = performance.now();
  const counts = (
    await sql<{ calls: number; tickets: number; assignments: number; events: number }>`
      select (select count(*)::int from calls) as calls, (select count(*)::int from tickets) as tickets,
             (select count(*)::int from ticket_assignments) as assignments, (select count(*)::int from ticket_events) as events`.execute(db)
  ).rows[0]!;
  console.log(`generated ${counts.calls.toLocaleString()} calls, ${counts.tickets.toLocaleString()} tickets, ${counts.assignments.toLocaleString()} assignments, ${counts.events.toLocaleString()} ticket events over ${DAYS} days`);
  console.log(`  calls ${seconds(callsDone - genStart)}, tickets ${seconds(ticketsDone - callsDone)}, assignments ${seconds(assignmentsDone - ticketsDone)}, events ${seconds(eventsDone - assignmentsDone)}, analyze ${seconds(analyzed - eventsDone)}`);

  // ── 1. Roll-up ─────────────────────────────────────────────────────────────────────────────────────────────
  const [first, firstMs] = await timed(() => refreshRollups(ctx));
  const rollupRows = (await sql<{ n: number }>`select count(*)::int as n from report_rollups`.execute(db)).rows[0]!.n;
  console.log(`\nfirst roll-up of every day: ${seconds(firstMs)} (days: ${first.rolled.additive} additive, ${first.rolled.current} current, ${first.rolled.month_end} month-end; ${rollupRows.toLocaleString()} rollup rows)`);
  // ── 2. Monthly report, last full month ────────────────────────────────────────────────────────────────────
  const clock = createZonedClock(config.timezone);
  const today = clock.dayNumberOf(Date.now());
  const d = new Date(today * 86_400_000);
  const lastMonth = formatDayNumber(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) / 86_400_000).slice(0, 7);
  const all = { kind: 'all' as const };
  const monthly = async (useRollups: boolean) => buildMonthlyReport(ctx, all, lastMonth, new Date(), { useRollups });
  const liveMonthly: number[] = [];
  let liveRows: unknown;
  for (let i = 0; i < LIVE_RUNS; i++) {
    const [rows, ms] = await timed(() => monthly(false));
    liveRows = rows;
    liveMonthly.push(ms);
  }
  const rolledMonthly: number[] = [];
  let rolledRows: unknown;
  for (let i = 0; i < Math.max(LIVE_RUNS, 10); i++) {
    const [rows, ms] = await timed(() => monthly(true));
    rolledRows = rows;
    rolledMonthly.push(ms);
  }
  const med = (v: number[]) => percentile(v, 0.5);
  console.log(`\nmonthly report ${lastMonth} (${(rolledRows as unknown[]).length} rows, all departments + hotline):`);
  console.log(`  live facts queries  median ${seconds(med(liveMonthly))} over ${LIVE_RUNS} runs`);
  console.log(`  from rollups        median ${(med(rolledMonthly)).toFixed(1)} ms, max ${Math.max(...rolledMonthly).toFixed(1)} ms → ${(med(liveMonthly) / med(rolledMonthly)).toFixed(0)}× faster${med(rolledMonthly) < 5000 ? '' : '  ← over the 5 s goal'}`);
  console.log(`  identical to live: ${JSON.stringify(liveRows) === JSON.stringify(rolledRows) ? 'yes' : 'NO'}`);

  // ── 3. Dashboard figures ──────────────────────────────────────────────────────────────────────────────────
  const strip = (x: Awaited<ReturnType<typeof buildDashboard>>) => JSON.stringify({ today: x.today.measures, month: x.month.measures });
  const at0 = new Date();
  const liveDash = await buildDashboard(ctx, all, at0, { useRollups: false });
  const rolledDash = await buildDashboard(ctx, all, at0, { useRollups: true });
  const liveTimes: number[] = [];
  for (let i = 0; i < LIVE_RUNS; i++) liveTimes.push((await timed(() => buildDashboard(ctx, all, new Date(), { useRollups: false })))[1]);
  for (let i = 0; i < 5; i++) await buildDashboard(ctx, all);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await timed(() => buildDashboard(ctx, all)))[1]);
  const p99 = percentile(times, 0.99);
  console.log(`\ndashboard figures (14 measures × today and this month, judged now):`);
  console.log(`  live facts queries  median ${seconds(med(liveTimes))} over ${LIVE_RUNS} runs`);
  console.log(`  from rollups        p50 ${percentile(times, 0.5).toFixed(1)} ms  p99 ${p99.toFixed(1)} ms over ${RUNS} runs → ${(med(liveTimes) / percentile(times, 0.5)).toFixed(0)}× faster${p99 < 300 ? '' : '  ← over the 300 ms goal'}`);
  console.log(`  identical to live: ${strip(liveDash) === strip(rolledDash) ? 'yes' : 'NO'}`);
  if (process.env.BENCH_PROFILE) {
    // Where the dashboard's time goes: each measure over today and the days before it, and what runs live.
    const profileAt = new Date();
    const todayP = resolvePeriod(config.timezone, formatDayNumber(today), formatDayNumber(today + 1), profileAt);
    const monthP = { from: new Date(clock.instantAt(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 86_400_000, 0)), to: todayP.from, asOf: profileAt };
    for (const [name, p] of [['today', todayP], ['month before today', monthP]] as const) {
      const [rolled, loadMs] = await timed(() => loadRolledDays(ctx, p));
      console.log(`  ${name}: rollup state ${loadMs.toFixed(1)} ms`);
      for (const m of measures) {
        const plan = planFromRollups(config.timezone, m, p, defaultMeasureOptions, [], rolled);
        const [, ms] = await timed(() => computeMeasure(ctx, all, m, p, { rolledDays: rolled }));
        const liveHours = (plan?.live ?? [p]).reduce((h, r) => h + (r.to.getTime() - r.from.getTime()) / 3_600_000, 0);
        console.log(`    ${m.key.padEnd(17)} ${ms.toFixed(1).padStart(7)} ms  live ${liveHours.toFixed(1)} h`);
      }
    }
  }

  // ── 4. Incremental roll-up ────────────────────────────────────────────────────────────────────────────────
  // A minute's worth of late changes as they come: ratings of tickets closed in the last week (the callback
  // survey follows the reply by a day or so) and call ends reported late for yesterday's calls.
  await sql`
    insert into ticket_events (ticket_id, at, actor_name, actor_role, action, data)
    select t.id, now(), 'bench', 'agent', 'recordSurvey', '{"result":"satisfied"}'::jsonb
      from tickets t where t.closure = 'handled' and t.closed_at > now() - interval '7 days' limit 1000`.execute(db);
  await sql`
    update calls set talk_seconds = talk_seconds + 1, updated_at = now()
     where id in (select id from calls where answered_at is not null and offered_at < now() - interval '1 day' order by offered_at desc limit 1000)`.execute(db);
  const [incremental, incrementalMs] = await timed(() => refreshRollups(ctx));
  console.log(`incremental roll-up after 1,000 late ratings (tickets closed last week) and 1,000 late call ends: ${seconds(incrementalMs)} (${incremental.dirtyDays} days touched)`);
  const [, quietMs] = await timed(() => refreshRollups(ctx));
  console.log(`the next run (same days again, within the look-back): ${seconds(quietMs)}`);

} finally {
  await db.destroy();
  await embedded.stop();
  rmSync(dir, { recursive: true, force: true });
}
