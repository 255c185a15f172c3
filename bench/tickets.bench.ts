/**
 * Work-order benchmark: node bench/tickets.bench.ts   (prints figures and ratios; asserts nothing)
 *
 * Runs on an embedded PostgreSQL of its own (a temporary folder, removed afterwards).
 * 1. Write path: registering + dispatching a ticket (number, ticket row, lead + assist assignments with
 *    calendar deadlines, events, audit rows, reminder jobs — one use case, one transaction) against plain
 *    single-row inserts into a one-column table, measured in the same run, sequentially and 8 at a time.
 * 2. Read path with 1,000,000 tickets (bulk-generated with generate_series; the time it takes is printed):
 *    the supervision board, a department inbox (all open, overdue only, one state) and a department's ticket
 *    list, each through the real use case (scope, SQL, presenter). Goal p99 < 100 ms.
 *
 * Options: BENCH_TICKETS (default 1000000), BENCH_WRITES (default 300).
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
import type { UserActor } from '../server/src/platform/actor.ts';
import { insertDepartment, insertUser } from '../server/src/modules/directory/index.ts';
import { registerTicket } from '../server/src/modules/tickets/index.ts';
import { RegisterTicketBody } from '../server/src/modules/tickets/tickets.schema.ts';
import { listAssignments, listTickets, supervisionBoard } from '../server/src/modules/tickets/tickets.queries.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 300);

const dir = mkdtempSync(path.join(tmpdir(), 'hotline-bench-'));
chmodSync(dir, 0o755);
const logger = createLogger('silent');
const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), database: 'bench', logger });
const pool = createPool(embedded.url, 12, () => undefined);
const db = createDb(pool);

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

  // 20 departments, an agent, and a clerk in each department.
  const departments: string[] = [];
  for (let i = 0; i < 20; i++) departments.push((await insertDepartment(db, { code: `bench${i}`, name: `压测部门${i}`, kind: 'bureau', contactPhone: '057100000000' })).id);
  const agentRow = await insertUser(db, { username: 'bench-agent', displayName: '压测坐席', employeeNo: null, role: 'agent', departmentId: null, passwordHash: 'x' });
  const supervisorRow = await insertUser(db, { username: 'bench-supervisor', displayName: '压测班长', employeeNo: null, role: 'supervisor', departmentId: null, passwordHash: 'x' });
  const clerkRow = await insertUser(db, { username: 'bench-clerk', displayName: '压测科员', employeeNo: null, role: 'department_staff', departmentId: departments[3]!, passwordHash: 'x' });
  const actor = (id: string, role: UserActor['role'], departmentId: string | null): UserActor => ({
    kind: 'user', id, username: role, displayName: role, role, departmentId, sessionId: '00000000-0000-0000-0000-000000000000', ip: null, userAgent: null, language: 'zh-CN',
  });
  const agent = actor(agentRow.id, 'agent', null);
  const supervisor = actor(supervisorRow.id, 'supervisor', null);
  const clerk = actor(clerkRow.id, 'department_staff', departments[3]!);

  // ── 1. Write path ─────────────────────────────────────────────────────────────────────────────────────────
  await sql`create table bench_plain (id bigint generated always as identity primary key, title text not null, created_at timestamptz not null default now())`.execute(db);
  const plainInsert = (i: number) => sql`insert into bench_plain (title) values (${`plain ${i}`})`.execute(db);
  const input = (i: number) =>
    RegisterTicketBody.parse({
      type: 'complaint',
      title: `压测工单 ${i}：小区噪音扰民`,
      description: '夜间施工噪音扰民，影响居民休息，请相关部门处理。',
      district: '东城区',
      caller: { name: '压测', phone: `138${String(10_000_000 + i).slice(-8)}` },
      disposition: 'dispatch',
      dispatch: { leadDepartmentId: departments[i % 20]!, assistDepartmentIds: [departments[(i + 7) % 20]!] },
    });
  const registerAndDispatch = (i: number) => registerTicket(ctx, agent, input(i));

  // Warm-up (connections, plans, the calendar's memo).
  for (let i = 0; i < 20; i++) await plainInsert(i);
  for (let i = 0; i < 20; i++) await registerAndDispatch(i);

  const timeSequential = async (n: number, op: (i: number) => Promise<unknown>) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) await op(1000 + i);
    return (performance.now() - start) / n;
  };
  const timeConcurrent = async (n: number, width: number, op: (i: number) => Promise<unknown>) => {
    let next = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < n) await op(100_000 + next++);
    }));
    return (performance.now() - start) / n;
  };
  const plainSeq = await timeSequential(WRITES * 3, plainInsert);
  const ticketSeq = await timeSequential(WRITES, registerAndDispatch);
  const plainPar = await timeConcurrent(WRITES * 3, 8, plainInsert);
  const ticketPar = await timeConcurrent(WRITES, 8, registerAndDispatch);
  console.log('write path (register + dispatch to lead + assist, one transaction each)');
  console.log(`  sequential: plain insert ${plainSeq.toFixed(3)} ms/op, register+dispatch ${ticketSeq.toFixed(3)} ms/op → ratio ${(ticketSeq / plainSeq).toFixed(1)}×`);
  console.log(`  8 at a time: plain insert ${plainPar.toFixed(3)} ms/op, register+dispatch ${ticketPar.toFixed(3)} ms/op → ratio ${(ticketPar / plainPar).toFixed(1)}× (${(1000 / ticketPar).toFixed(0)} tickets/s)`);

  // ── 2. Read path over 1,000,000 tickets ───────────────────────────────────────────────────────────────────
  const genStart = performance.now();
  await sql`
    insert into tickets (number, channel, type, urgency, title, description, district, state, closure, created_at, updated_at, closed_at)
    select '9' || lpad(g::text, 18, '0'),
           'phone',
           (array['consult','help','complaint','report','suggestion','praise'])[1 + g % 6],
           case when g % 50 = 0 then 'critical' when g % 10 = 1 then 'urgent' else 'normal' end,
           '生成工单 ' || g, '批量生成的工单内容，用于列表与看板压测。', '东城区',
           s.state,
           case when s.state = 'closed' then 'handled' end,
           now() - ((g % 525600) * interval '1 minute'),
           now(),
           case when s.state = 'closed' then now() end
    from generate_series(1, ${TICKETS}::int) g
    cross join lateral (select case when g % 10 < 7 then 'closed' when g % 10 = 7 then 'in_progress' when g % 10 = 8 then 'dispatched' else 'reply_review' end as state) s`.execute(db);
  const ticketsDone = performance.now();
  await sql`
    with d as (select array_agg(id order by code) as ids from departments where code like 'bench%')
    insert into ticket_assignments (ticket_id, department_id, role, state, urgency, dispatched_at, sign_by, handle_by, return_by, warn_at, signed_at)
    select t.id, d.ids[1 + (abs(hashtext(t.number)) % 20)], 'lead',
           case t.state when 'closed' then 'done' when 'in_progress' then 'signed' when 'dispatched' then 'dispatched' else 'replied' end,
           t.urgency, t.created_at, t.created_at + interval '2 hours', h.handle_by, t.created_at + interval '2 days', h.handle_by - interval '1 day',
           case when t.state <> 'dispatched' then t.created_at + interval '1 hour' end
    from tickets t cross join d
    cross join lateral (select case when t.state in ('in_progress', 'dispatched')
                                    then now() + ((abs(hashtext(t.number)) % 2000) - 500) * interval '10 minutes'
                                    else t.created_at + interval '5 days' end as handle_by) h
    where t.number like '9%'`.execute(db);
  const assignmentsDone = performance.now();
  await sql`analyze tickets; analyze ticket_assignments`.execute(db);
  const analyzed = performance.now();
  const counts = await sql<{ tickets: number; assignments: number; open: number; warned: number }>`
    select (select count(*)::int from tickets) as tickets, (select count(*)::int from ticket_assignments) as assignments,
           (select count(*)::int from ticket_assignments where state in ('dispatched','signed')) as open,
           (select count(*)::int from ticket_assignments where state in ('dispatched','signed') and warn_at <= now()) as warned`.execute(db);
  const c = counts.rows[0]!;
  console.log(`\ngenerated ${c.tickets.toLocaleString()} tickets and ${c.assignments.toLocaleString()} assignments (${c.open.toLocaleString()} open, ${c.warned.toLocaleString()} warned or overdue)`);
  console.log(`  tickets ${((ticketsDone - genStart) / 1000).toFixed(1)} s, assignments ${((assignmentsDone - ticketsDone) / 1000).toFixed(1)} s, analyze ${((analyzed - assignmentsDone) / 1000).toFixed(1)} s`);

  const measure = async (label: string, op: () => Promise<{ items: unknown[] }>, runs = 200) => {
    for (let i = 0; i < 10; i++) await op();
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      size = (await op()).items.length;
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    console.log(`  ${label.padEnd(44)} p50 ${p(0.5).toFixed(2)} ms  p99 ${p(0.99).toFixed(2)} ms  (${size} rows/page)${p(0.99) < 100 ? '' : '  ← over the 100 ms goal'}`);
  };
  console.log('\nread path, 50 rows per page, through the use cases (scope + SQL + presenter):');
  await measure('supervision board (hotline)', () => supervisionBoard(ctx, supervisor, { limit: 50 }));
  const page1 = await supervisionBoard(ctx, supervisor, { limit: 50 });
  await measure('supervision board, page 2 (keyset)', () => supervisionBoard(ctx, supervisor, { limit: 50, ...(page1.nextCursor ? { cursor: page1.nextCursor } : {}) }));
  await measure('department inbox, all open', () => listAssignments(ctx, clerk, { limit: 50 }));
  await measure('department inbox, overdue only', () => listAssignments(ctx, clerk, { limit: 50, deadline: 'overdue' }));
  await measure('department inbox, state = dispatched', () => listAssignments(ctx, clerk, { limit: 50, state: 'dispatched' }));
  await measure('department ticket list (scoped), newest first', () => listTickets(ctx, clerk, { limit: 50 }));
  await measure('hotline ticket list, state = reply_review', () => listTickets(ctx, supervisor, { limit: 50, state: ['reply_review'] }));
} finally {
  await db.destroy();
  await embedded.stop();
  rmSync(dir, { recursive: true, force: true });
}
