/**
 * Figures from the measure definitions: values per cut, the items behind a figure, the period a request
 * names. Every query wraps a definition's facts query, so figure and drill-down always agree.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { createZonedClock, parseIsoDate } from '../calendar/zoned-time.ts';
import { cutColumn, defaultMeasureOptions, measures, type Cut, type MeasureDefinition, type MeasureOptions, type MeasurePeriod } from './measures.ts';
import type { ReportScope } from './reports.policy.ts';
import { loadRolledDays, planFromRollups, rolledHoursWhere, rolledRowsWhere, type RolledDays } from './rollups.ts';

export type Figure = { numerator: number; denominator: number; value: number | null };
export type CutFigure = Figure & { key: string | null; label: string | null };
export type Filters = Partial<Record<Cut, string>>;

/** A period from dates (local midnight in the hotline's zone) or instants; `to` is exclusive. */
export function resolvePeriod(timezone: string, from: string, to: string, now = new Date()): MeasurePeriod {
  const clock = createZonedClock(timezone);
  const instant = (s: string) => {
    const day = parseIsoDate(s);
    return day === undefined ? new Date(s) : new Date(clock.instantAt(day, 0));
  };
  const start = instant(from);
  const end = instant(to);
  // An empty or reversed period would quietly give every figure as 0 of 0: refuse it, naming the field.
  if (!(end > start)) throw new AppError('VALIDATION', { messageKey: 'reports.error.range_order', field: 'to' });
  return { from: start, to: end, asOf: end < now ? end : now };
}

/** The month 'YYYY-MM' as a period in the hotline's zone. */
export function monthPeriod(timezone: string, month: string, now = new Date()): MeasurePeriod {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return resolvePeriod(timezone, `${month}-01`, next, now);
}

/**
 * One figure from two disjoint parts of a period (e.g. the days before today and today), exactly as if
 * computed at once: counts add; sums of seconds carry at most 3 decimals (numeric(10,3)), so the float sum is
 * rounded back to them.
 */
export function addFigures(m: MeasureDefinition, a: Figure, b: Figure): Figure {
  const numerator = Math.round((a.numerator + b.numerator) * 1000) / 1000;
  const denominator = a.denominator + b.denominator;
  return { numerator, denominator, value: round(m, numerator, denominator) };
}

function round(m: MeasureDefinition, num: number, den: number): number | null {
  if (den === 0) return null;
  const v = num / den;
  return m.unit === 'ratio' ? Math.round(v * 10000) / 10000 : Math.round(v * 10) / 10;
}

/**
 * WHERE over the facts `f` (or rollup rows `r`, which carry the same columns): the reader's scope and the
 * requested filters (column names come from `cutColumn`).
 */
export function factsWhere(scope: ReportScope, filters: Filters, alias: 'f' | 'r' = 'f') {
  const parts = [sql`true`];
  if (scope.kind === 'department') parts.push(sql`${sql.ref(`${alias}.department_id`)} = ${scope.departmentId}::uuid`);
  for (const [cut, value] of Object.entries(filters) as [Cut, string][]) {
    if (value === 'none') parts.push(sql`${sql.ref(`${alias}.${cutColumn[cut]}`)} is null`);
    else parts.push(sql`${sql.ref(`${alias}.${cutColumn[cut]}`)}::text = ${value}`);
  }
  return sql.join(parts, sql` and `);
}

export type ComputeInput = {
  cut?: Cut | undefined;
  filters?: Filters;
  options?: Partial<MeasureOptions>;
  /** Read whole past days from the rollups (default). False: compute every fact live, as the definition says. */
  useRollups?: boolean;
  /** The rollup state of the period's days, when the caller already loaded it (computeMeasures does). */
  rolledDays?: RolledDays;
};

/**
 * The facts of `m` over the period, counted (`n`) and summed (`s`) per key of the cut (one null key without a
 * cut). Rolled-up whole days come from `report_rollups`, the rest from the facts query live, in one statement.
 */
async function measureGroups(ctx: AppContext, scope: ReportScope, m: MeasureDefinition, period: MeasurePeriod, input: ComputeInput) {
  const options = { ...defaultMeasureOptions, ...input.options };
  const filters = input.filters ?? {};
  const key = (alias: 'f' | 'r') => (input.cut ? sql`${sql.ref(`${alias}.${cutColumn[input.cut]}`)}::text` : sql`null::text`);
  const live = (p: MeasurePeriod) => sql`select ${key('f')} as key, count(*) as n, sum(f.num) as s from (${m.facts(p, options)}) f where ${factsWhere(scope, filters)} group by 1`;
  const needed: Cut[] = [...(input.cut ? [input.cut] : []), ...(Object.keys(filters) as Cut[]), ...(scope.kind === 'department' ? (['department'] as const) : [])];
  const plan =
    input.useRollups === false ? undefined : planFromRollups(ctx.config.timezone, m, period, options, needed, input.rolledDays ?? (await loadRolledDays(ctx, period)));
  const parts = plan
    ? [
        ...(Object.keys(plan.days).length > 0
          ? [sql`select ${key('r')} as key, sum(r.n) as n, sum(r.s) as s from report_rollups r where ${rolledRowsWhere(m, plan)} and ${factsWhere(scope, filters, 'r')} group by 1`]
          : []),
        ...(Object.keys(plan.hours).length > 0
          ? [sql`select ${key('r')} as key, sum(r.n) as n, sum(r.s) as s from report_rollup_hours r where ${rolledHoursWhere(m, plan)} and ${factsWhere(scope, filters, 'r')} group by 1`]
          : []),
        ...plan.live.map(live),
      ]
    : [live(period)];
  const rows = await sql<{ key: string | null; n: number; s: string | null }>`
    select g.key, sum(g.n)::int as n, sum(g.s) as s from (${sql.join(parts, sql` union all `)}) g group by 1 order by 2 desc, 1`.execute(ctx.db);
  return rows.rows;
}

/** One measure over a period: the total, and per key of `cut` when asked. */
export async function computeMeasure(
  ctx: AppContext,
  scope: ReportScope,
  m: MeasureDefinition,
  period: MeasurePeriod,
  input: ComputeInput = {},
): Promise<Figure & { cuts?: CutFigure[] }> {
  const groups = await measureGroups(ctx, scope, m, period, input);
  if (!input.cut) {
    const t = groups[0] ?? { n: 0, s: null };
    return { numerator: Number(t.s ?? 0), denominator: t.n, value: round(m, Number(t.s ?? 0), t.n) };
  }
  // The total is the sum of the groups (every fact falls in exactly one group).
  const rows = { rows: groups };
  const numerator = rows.rows.reduce((a, r) => a + Number(r.s ?? 0), 0);
  const denominator = rows.rows.reduce((a, r) => a + r.n, 0);
  const figure = { numerator, denominator, value: round(m, numerator, denominator) };
  const labels = await labelsFor(ctx, input.cut, rows.rows.map((r) => r.key).filter((k): k is string => k !== null));
  return {
    ...figure,
    cuts: rows.rows.map((r) => ({ key: r.key, label: r.key === null ? null : (labels.get(r.key) ?? r.key), numerator: Number(r.s ?? 0), denominator: r.n, value: round(m, Number(r.s ?? 0), r.n) })),
  };
}

/**
 * Every measure over the period (or only the keys in `only`, e.g. the call measures the wallboard shows), each
 * with its cut breakdown. The rollup state is loaded once for all of them.
 */
export async function computeMeasures(ctx: AppContext, scope: ReportScope, period: MeasurePeriod, input: ComputeInput & { only?: readonly string[] } = {}) {
  const out: Record<string, Figure & { cuts?: CutFigure[] }> = {};
  const { only, ...rest } = input;
  const rolledDays = rest.useRollups === false ? [] : (rest.rolledDays ?? (await loadRolledDays(ctx, period)));
  for (const m of measures) if (!only || only.includes(m.key)) out[m.key] = await computeMeasure(ctx, scope, m, period, { ...rest, rolledDays });
  return out;
}

export type MeasureItem = { id: string; ref: string | null; inNumerator: boolean; value: number; at: string; departmentId: string | null; agentId: string | null };

/** The rows behind a figure (optionally only those in the numerator), oldest first. */
export async function listMeasureItems(
  ctx: AppContext,
  scope: ReportScope,
  m: MeasureDefinition,
  period: MeasurePeriod,
  input: { filters?: Filters; options?: Partial<MeasureOptions>; numeratorOnly?: boolean; limit: number; offset: number },
): Promise<{ items: MeasureItem[]; total: number }> {
  const facts = m.facts(period, { ...defaultMeasureOptions, ...input.options });
  const where = sql`${factsWhere(scope, input.filters ?? {})} and ${input.numeratorOnly ? sql`f.num > 0` : sql`true`}`;
  const count = await sql<{ n: number }>`select count(*)::int as n from (${facts}) f where ${where}`.execute(ctx.db);
  const rows = await sql<{ id: string; ref: string | null; num: string; at: Date; department_id: string | null; agent_id: string | null }>`
    select f.id, f.ref, f.num, f.at, f.department_id, f.agent_id from (${facts}) f where ${where}
     order by f.at, f.id limit ${input.limit} offset ${input.offset}`.execute(ctx.db);
  return {
    total: count.rows[0]!.n,
    items: rows.rows.map((r) => ({
      id: r.id,
      ref: r.ref,
      inNumerator: Number(r.num) > 0,
      value: Number(r.num),
      at: new Date(r.at).toISOString(),
      departmentId: r.department_id,
      agentId: r.agent_id,
    })),
  };
}

/** Display names of cut keys (departments, agents, categories, desks); channels and types show their codes. */
export async function labelsFor(ctx: AppContext, cut: Cut, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const q =
    cut === 'department'
      ? sql<{ k: string; l: string }>`select id::text as k, name as l from departments where id::text in (${sql.join(keys)})`
      : cut === 'agent'
        ? sql<{ k: string; l: string }>`select id::text as k, display_name as l from users where id::text in (${sql.join(keys)})`
        : cut === 'category'
          ? sql<{ k: string; l: string }>`select id::text as k, name as l from ticket_categories where id::text in (${sql.join(keys)})`
          : cut === 'desk'
            ? sql<{ k: string; l: string }>`select code as k, name_zh as l from desks where code in (${sql.join(keys)})`
            : undefined;
  if (!q) return new Map();
  const rows = await q.execute(ctx.db);
  return new Map(rows.rows.map((r) => [r.k, r.l]));
}
