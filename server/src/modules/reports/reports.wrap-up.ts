/**
 * 话后小结统计: the calls agents answered in a period, by the wrap-up code recorded on each (咨询已解答, 投诉,
 * 未选择 …), optionally per desk or per agent, with each code's share and average talk time.
 *
 * The rows are 接通率's numerator (`answeredCallFacts` in measures.ts: answered inbound calls offered to the queue
 * in the period), so the report's total is the number of answered calls on every other call figure, and the
 * reader's scope applies exactly as it does to them (department staff see no calls). A call not coded yet
 * (its agent still in wrap-up, or answered before codes existed) counts under `none` (未小结).
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { answeredCallFacts, defaultMeasureOptions, type MeasurePeriod } from './measures.ts';
import type { ReportScope } from './reports.policy.ts';
import { factsWhere, labelsFor, type Filters } from './reports.service.ts';
import { toCsv } from './csv.ts';

/** The breakdowns the wrap-up report offers (the call cuts that name a person or a desk). */
export const wrapUpCuts = ['desk', 'agent'] as const;
export type WrapUpCut = (typeof wrapUpCuts)[number];

/** The key of calls that carry no code yet. */
export const NO_WRAP_UP_CODE = 'none';

type Text = { 'zh-CN': string; en: string };

export type WrapUpCodeFigure = {
  code: string;
  label: Text;
  /** Still offered to agents (retired codes appear only while they have calls in the period). */
  active: boolean;
  system: boolean;
  calls: number;
  /** calls / total, 4 decimals; null when no call was answered. */
  share: number | null;
  /** Mean answer-to-hang-up seconds of this code's ended calls, 1 decimal. */
  averageTalkSeconds: number | null;
};

export type WrapUpGroup = { key: string | null; label: string | null; total: number; calls: Record<string, number> };

export type WrapUpReport = {
  from: string;
  to: string;
  asOf: string;
  total: number;
  /** Mean talk seconds over every answered call that ended (all codes). */
  averageTalkSeconds: number | null;
  codes: WrapUpCodeFigure[];
  cut: WrapUpCut | null;
  /** Per desk or agent (with `cut`), most calls first: calls per code key. */
  groups: WrapUpGroup[];
};

const noCodeLabel: Text = { 'zh-CN': '未小结', en: 'Not coded yet' };

const cutColumns: Record<WrapUpCut, string> = { desk: 'desk', agent: 'agent_id' };

/** The report over `period` in the reader's scope; `filters` narrow it to a desk or an agent like the measures. */
export async function buildWrapUpReport(
  ctx: AppContext,
  scope: ReportScope,
  period: MeasurePeriod,
  input: { cut?: WrapUpCut | undefined; filters?: Filters } = {},
): Promise<WrapUpReport> {
  const key = input.cut ? sql`${sql.ref(`f.${cutColumns[input.cut]}`)}::text` : sql`null::text`;
  const { rows } = await sql<{ key: string | null; code: string; n: number; talk: string | null; talked: number }>`
    select ${key} as key, coalesce(f.wrap_up_code, ${NO_WRAP_UP_CODE}) as code, count(*)::int as n,
           sum(f.talk_seconds) as talk, count(f.talk_seconds)::int as talked
      from (${answeredCallFacts(period, defaultMeasureOptions)}) f
     where ${factsWhere(scope, input.filters ?? {})}
     group by 1, 2`.execute(ctx.db);
  const known = await ctx.db.selectFrom('wrap_up_codes').select(['code', 'label_zh', 'label_en', 'active', 'system', 'sort_order']).orderBy('sort_order').orderBy('code').execute();

  const total = rows.reduce((n, r) => n + r.n, 0);
  const byCode = new Map<string, { n: number; talk: number; talked: number }>();
  for (const r of rows) {
    const c = byCode.get(r.code) ?? { n: 0, talk: 0, talked: 0 };
    c.n += r.n;
    c.talk += Number(r.talk ?? 0);
    c.talked += r.talked;
    byCode.set(r.code, c);
  }
  const average = (talk: number, talked: number) => (talked === 0 ? null : Math.round((talk / talked) * 10) / 10);
  const figure = (code: string, label: Text, active: boolean, system: boolean): WrapUpCodeFigure => {
    const c = byCode.get(code) ?? { n: 0, talk: 0, talked: 0 };
    return {
      code,
      label,
      active,
      system,
      calls: c.n,
      share: total === 0 ? null : Math.round((c.n / total) * 10000) / 10000,
      averageTalkSeconds: average(c.talk, c.talked),
    };
  };
  // Every code agents may choose (a zero says something too), the platform's own 未选择 (a quality figure, so
  // always listed), and retired codes that still have calls.
  const codes = known.filter((k) => k.active || k.system || byCode.has(k.code)).map((k) => figure(k.code, { 'zh-CN': k.label_zh, en: k.label_en }, k.active, k.system));
  // A code missing from the table cannot be chosen today, but its calls must still add up to the total.
  for (const code of byCode.keys()) {
    if (code !== NO_WRAP_UP_CODE && !known.some((k) => k.code === code)) codes.push(figure(code, { 'zh-CN': code, en: code }, false, false));
  }
  if (byCode.has(NO_WRAP_UP_CODE)) codes.push(figure(NO_WRAP_UP_CODE, noCodeLabel, false, true));

  const groups: WrapUpGroup[] = [];
  if (input.cut) {
    const byKey = new Map<string | null, WrapUpGroup>();
    for (const r of rows) {
      const g = byKey.get(r.key) ?? { key: r.key, label: null, total: 0, calls: {} };
      g.total += r.n;
      g.calls[r.code] = (g.calls[r.code] ?? 0) + r.n;
      byKey.set(r.key, g);
    }
    const labels = await labelsFor(ctx, input.cut, [...byKey.keys()].filter((k): k is string => k !== null));
    for (const g of byKey.values()) groups.push({ ...g, label: g.key === null ? null : (labels.get(g.key) ?? g.key) });
    groups.sort((a, b) => b.total - a.total || String(a.label ?? '').localeCompare(String(b.label ?? ''), 'zh-CN'));
  }
  const all = [...byCode.values()].reduce((a, c) => ({ talk: a.talk + c.talk, talked: a.talked + c.talked }), { talk: 0, talked: 0 });
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    asOf: period.asOf.toISOString(),
    total,
    averageTalkSeconds: average(all.talk, all.talked),
    codes,
    cut: input.cut ?? null,
    groups,
  };
}

export type WrapUpCall = { id: string; ref: string | null; at: string; desk: string | null; agentId: string | null; agentName: string | null; talkSeconds: number | null; code: string };

/** The calls behind one code's count (`none` for 未小结), oldest first: the report's drill-down, the same rows. */
export async function listWrapUpCalls(
  ctx: AppContext,
  scope: ReportScope,
  period: MeasurePeriod,
  input: { code: string; filters?: Filters; limit: number; offset: number },
): Promise<{ total: number; items: WrapUpCall[] }> {
  const where = sql`${factsWhere(scope, input.filters ?? {})} and coalesce(f.wrap_up_code, ${NO_WRAP_UP_CODE}) = ${input.code}`;
  const facts = answeredCallFacts(period, defaultMeasureOptions);
  const count = await sql<{ n: number }>`select count(*)::int as n from (${facts}) f where ${where}`.execute(ctx.db);
  const rows = await sql<{ id: string; ref: string | null; at: Date; desk: string | null; agent_id: string | null; agent_name: string | null; talk_seconds: string | null; code: string }>`
    select f.id, f.ref, f.at, f.desk, f.agent_id::text as agent_id, u.display_name as agent_name, f.talk_seconds,
           coalesce(f.wrap_up_code, ${NO_WRAP_UP_CODE}) as code
      from (${facts}) f left join users u on u.id = f.agent_id
     where ${where}
     order by f.at, f.id limit ${input.limit} offset ${input.offset}`.execute(ctx.db);
  return {
    total: count.rows[0]!.n,
    items: rows.rows.map((r) => ({
      id: r.id,
      ref: r.ref,
      at: new Date(r.at).toISOString(),
      desk: r.desk,
      agentId: r.agent_id,
      agentName: r.agent_name,
      talkSeconds: r.talk_seconds === null ? null : Number(r.talk_seconds),
      code: r.code,
    })),
  };
}

/**
 * The report as CSV (UTF-8 with a BOM, like the monthly report): one row per code with its calls, share and
 * average talk time, a column per desk or agent when cut, and a total row.
 */
export function wrapUpCsv(report: WrapUpReport): string {
  const groupName = (g: WrapUpGroup) => g.label ?? g.key ?? '（无）';
  const header = ['话后小结 Wrap-up code', '编码 Code', '来电数 Calls', '占比 Share', '平均通话(秒) Average talk (s)', ...report.groups.map(groupName)];
  const lines = report.codes.map((c) => [`${c.label['zh-CN']}`, c.code, c.calls, c.share, c.averageTalkSeconds, ...report.groups.map((g) => g.calls[c.code] ?? 0)]);
  lines.push(['合计 Total', '', report.total, report.total === 0 ? null : 1, report.averageTalkSeconds, ...report.groups.map((g) => g.total)]);
  return toCsv(header, lines);
}
