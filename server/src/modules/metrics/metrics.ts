/**
 * Operations metrics for Prometheus (prom-client): calls waiting, agents by state, Twilio webhook latency,
 * job queue lag, database pool use. Gauges are read from the database at scrape time (one small query each),
 * so every server process reports the same queue figures and nothing is kept in step by hand.
 *
 * One registry per platform instance (not prom-client's global one): tests start several platforms in one
 * process, and a second registration of the same metric name in a global registry would throw.
 */
import type { RequestHandler } from 'express';
import { sql } from 'kysely';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';

/** What the pool gauges read (node-postgres `Pool` has these). */
export type PoolStats = { totalCount: number; idleCount: number; waitingCount: number };

type Metrics = { registry: Registry; webhookSeconds: Histogram<'route' | 'status'>; pool: PoolStats | undefined };

const byContext = new WeakMap<AppContext, Metrics>();

function metricsOf(ctx: AppContext): Metrics {
  let m = byContext.get(ctx);
  if (m) return m;
  const registry = new Registry();
  const metrics: Metrics = {
    registry,
    pool: undefined,
    webhookSeconds: new Histogram({
      name: 'hotline_webhook_duration_seconds',
      help: 'Time to answer a Twilio webhook (after the signature check), by route and status',
      labelNames: ['route', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
  };
  // One query per scrape (shared by the gauges below, kept for a second), so a scrape takes one pooled
  // connection instead of one per gauge and does not itself make queries wait for the pool.
  let cached: { at: number; value: Promise<Snapshot> } | undefined;
  const snapshot = () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), value: readSnapshot(ctx) };
    return cached.value;
  };
  new Gauge({
    name: 'hotline_calls_waiting',
    help: 'Calls waiting in the queue now, by desk',
    labelNames: ['desk'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const [desk, n] of Object.entries(s.waiting)) this.set({ desk }, n);
    },
  });
  new Gauge({
    name: 'hotline_calls_longest_wait_seconds',
    help: 'How long the longest-waiting queued call has waited',
    registers: [registry],
    async collect() {
      this.set(Math.max(0, (await snapshot()).longestWait ?? 0));
    },
  });
  new Gauge({
    name: 'hotline_agents',
    help: 'Agents by state (available, ringing, on_call, wrap_up, break, offline)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const state of ['available', 'ringing', 'on_call', 'wrap_up', 'break', 'offline']) this.set({ state }, s.agents[state] ?? 0);
    },
  });
  new Gauge({
    name: 'hotline_jobs_due',
    help: 'Background jobs due and not yet taken by a worker',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).jobsDue);
    },
  });
  new Gauge({
    name: 'hotline_jobs_lag_seconds',
    help: 'Job queue lag: how long the oldest due, untaken job has been due (0 when none)',
    registers: [registry],
    async collect() {
      this.set(Math.max(0, (await snapshot()).jobsLag ?? 0));
    },
  });
  new Gauge({
    name: 'hotline_db_pool_connections',
    help: 'Database pool: total and idle connections, and queries waiting for a connection',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = metrics.pool;
      if (!p) return;
      this.set({ state: 'total' }, p.totalCount);
      this.set({ state: 'idle' }, p.idleCount);
      this.set({ state: 'waiting' }, p.waitingCount);
    },
  });
  byContext.set(ctx, metrics);
  return metrics;
}

type Snapshot = { waiting: Record<string, number>; longestWait: number | null; agents: Record<string, number>; jobsDue: number; jobsLag: number | null };

async function readSnapshot(ctx: AppContext): Promise<Snapshot> {
  // Jobs due and not locked are waiting for a worker; the table is graphile-worker's own (v0.16+ layout).
  const r = await sql<{ waiting: Record<string, number> | null; longest: number | null; agents: Record<string, number> | null; due: number; lag: number | null }>`
    select (select json_object_agg(desk, n) from (select coalesce(desk, 'general') as desk, count(*)::int as n from calls where status = 'queued' group by 1) w) as waiting,
           (select extract(epoch from now() - min(queued_at))::float8 from calls where status = 'queued') as longest,
           (select json_object_agg(state, n) from (select state, count(*)::int as n from agent_states group by state) a) as agents,
           j.due, j.lag
      from (select count(*)::int as due, extract(epoch from now() - min(run_at))::float8 as lag
              from graphile_worker._private_jobs where is_available and run_at <= now()) j`.execute(ctx.db);
  const row = r.rows[0]!;
  return { waiting: row.waiting ?? {}, longestWait: row.longest, agents: row.agents ?? {}, jobsDue: row.due, jobsLag: row.lag };
}

/** Lets the pool gauges read this platform's database pool (called once by server.ts). */
export function observePool(ctx: AppContext, pool: PoolStats): void {
  metricsOf(ctx).pool = pool;
}

/**
 * Middleware timing every webhook on the Twilio router, labelled by the matched route (not the raw URL, so
 * query strings and call ids do not explode the label set).
 */
export function timeWebhooks(ctx: AppContext): RequestHandler {
  const { webhookSeconds } = metricsOf(ctx);
  return (req, res, next) => {
    const end = webhookSeconds.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      end({ route: route ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) });
    });
    next();
  };
}

/** The Prometheus text exposition of this platform's metrics. */
export async function renderMetrics(ctx: AppContext): Promise<{ contentType: string; body: string }> {
  const { registry } = metricsOf(ctx);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
