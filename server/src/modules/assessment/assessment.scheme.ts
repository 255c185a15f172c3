/**
 * The scoring scheme: what a department is assessed on and how each point is earned or lost. Admins save new
 * versions; the one in force for a period is the latest version effective on or before the period's first day.
 *
 * Total = Σ weighted items (the base, 95 points by default) − 效能投诉 deductions + min(bonuses, cap), kept within
 * 0..100. Pure code: no database, so the rules are pinned by unit tests as well as by the integration tests.
 */
import * as z from 'zod';
import { findMeasure } from '../reports/index.ts';

const Text = z.object({ 'zh-CN': z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) });
const itemKey = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/, '项目键须为字母开头的字母、数字、下划线 (item key: letters, digits, _ and -)');
const weight = z.number().positive().max(100);
const rate = z.number().min(0).max(1);

/**
 * How a measure's rate becomes points:
 *  - `proportional`: points = weight × rate. Used for rates where every ticket counts the same (按时签收率,
 *    按时办结率, 满意率): a department loses exactly its share of the weight for each late or unsatisfied item,
 *    which is how most centres' 考核细则 score them ("得分 = 分值 × 率") and is easy to explain line by line.
 *  - `deductBelow`: full weight at or above `target`; `pointsPerPercent` off per percentage point below it.
 *  - `deductAbove`: full weight at or below `ceiling`; `pointsPerPercent` off per percentage point above it. Used
 *    for rates where lower is better (退单率, 重办率): some returns are legitimate, so only the excess costs.
 * Points never go below 0 or above the weight.
 */
export const RuleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('proportional') }),
  z.object({ type: z.literal('deductBelow'), target: rate, pointsPerPercent: z.number().positive().max(100) }),
  z.object({ type: z.literal('deductAbove'), ceiling: rate, pointsPerPercent: z.number().positive().max(100) }),
]);
export type Rule = z.infer<typeof RuleSchema>;

export const SchemeItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('measure'), key: itemKey, label: Text, weight, measure: z.string().min(1).max(40), rule: RuleSchema }),
  /** Scored by supervisors with a note and evidence; unscored it counts its full weight (nothing found wrong). */
  z.object({ kind: z.literal('supervisor'), key: itemKey, label: Text, weight }),
  /** A deduction per substantiated 效能投诉 decided in the period, up to `maxDeduction`; adds nothing to the base. */
  z.object({ kind: z.literal('conductComplaints'), key: itemKey, label: Text, pointsEach: z.number().positive().max(100), maxDeduction: z.number().positive().max(100) }),
]);
export type SchemeItem = z.infer<typeof SchemeItemSchema>;

export const SchemeDefinitionSchema = z
  .object({
    /** Most bonus points a department can earn in one period (加分上限). */
    bonusCap: z.number().min(0).max(20),
    items: z.array(SchemeItemSchema).min(1).max(30),
  })
  .superRefine((s, ctx) => {
    const keys = s.items.map((i) => i.key);
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', message: '项目键重复 (item keys must be unique)', path: ['items'] });
    for (const [i, item] of s.items.entries()) {
      if (item.kind !== 'measure') continue;
      const m = findMeasure(item.measure);
      // Only department ratios can score a department: averages (seconds) and call measures have no department.
      if (!m || m.unit !== 'ratio' || !m.cuts.includes('department')) {
        ctx.addIssue({ code: 'custom', message: `指标 ${item.measure} 不能用于部门考核 (not a department ratio measure)`, path: ['items', i, 'measure'] });
      }
    }
    if (baseOf(s) + s.bonusCap > 100) ctx.addIssue({ code: 'custom', message: '基础分与加分上限之和不能超过100 (base + bonus cap must not exceed 100)', path: ['bonusCap'] });
  });
export type SchemeDefinition = z.infer<typeof SchemeDefinitionSchema>;

export type Scheme = { version: number; effectiveFrom: string | null; note: string | null; definition: SchemeDefinition };

/** The base: the weights of the items that earn points (measure and supervisor items). */
export function baseOf(s: Pick<SchemeDefinition, 'items'>): number {
  return s.items.reduce((sum, i) => sum + (i.kind === 'conductComplaints' ? 0 : i.weight), 0);
}

/**
 * The built-in default (version 0), shaped like common practice: a 95-point base — 按时签收率 15, 按时办结率 25,
 * 满意率 25 (each weight × rate), 退单率 10 and 重办率 10 (1 point per percentage point above 5%), 办理质量 10
 * scored by supervisors — minus 2 points per substantiated 效能投诉 (at most 10), plus up to 5 bonus points.
 */
export const defaultScheme: Scheme = {
  version: 0,
  effectiveFrom: null,
  note: '默认方案 Built-in default',
  definition: {
    bonusCap: 5,
    items: [
      { kind: 'measure', key: 'signedOnTime', label: { 'zh-CN': '按时签收率', en: 'Signed on time' }, weight: 15, measure: 'signedOnTime', rule: { type: 'proportional' } },
      { kind: 'measure', key: 'finishedOnTime', label: { 'zh-CN': '按时办结率', en: 'Finished on time' }, weight: 25, measure: 'finishedOnTime', rule: { type: 'proportional' } },
      { kind: 'measure', key: 'satisfaction', label: { 'zh-CN': '满意率', en: 'Satisfaction' }, weight: 25, measure: 'satisfaction', rule: { type: 'proportional' } },
      { kind: 'measure', key: 'returnRate', label: { 'zh-CN': '退单率', en: 'Return rate' }, weight: 10, measure: 'returnRate', rule: { type: 'deductAbove', ceiling: 0.05, pointsPerPercent: 1 } },
      { kind: 'measure', key: 'reopenRate', label: { 'zh-CN': '重办率', en: 'Reopen rate' }, weight: 10, measure: 'reopenRate', rule: { type: 'deductAbove', ceiling: 0.05, pointsPerPercent: 1 } },
      { kind: 'supervisor', key: 'quality', label: { 'zh-CN': '办理质量（督查评分）', en: 'Handling quality (supervisor score)' }, weight: 10 },
      { kind: 'conductComplaints', key: 'conduct', label: { 'zh-CN': '效能投诉查实扣分', en: 'Substantiated conduct complaints' }, pointsEach: 2, maxDeduction: 10 },
    ],
  },
};

/** Two decimals, the precision points are shown and stored with. */
export function roundPoints(n: number): number {
  return Math.round(n * 100 + Number.EPSILON * 100) / 100;
}

/**
 * Points of a measure item. With no denominator (nothing of that kind happened to the department in the period)
 * the item earns its full weight: a department is not penalised for work it was never given.
 */
export function scoreRule(rule: Rule, weightOf: number, numerator: number, denominator: number): number {
  if (denominator === 0) return weightOf;
  const r = numerator / denominator;
  let points: number;
  switch (rule.type) {
    case 'proportional':
      points = weightOf * r;
      break;
    case 'deductBelow':
      points = weightOf - Math.max(0, (rule.target - r) * 100) * rule.pointsPerPercent;
      break;
    case 'deductAbove':
      points = weightOf - Math.max(0, (r - rule.ceiling) * 100) * rule.pointsPerPercent;
      break;
  }
  return roundPoints(Math.min(weightOf, Math.max(0, points)));
}

/** The rule in plain words, for the department's breakdown. */
export function describeRule(rule: Rule, weightOf: number): { 'zh-CN': string; en: string } {
  const pct = (x: number) => `${roundPoints(x * 100)}%`;
  switch (rule.type) {
    case 'proportional':
      return { 'zh-CN': `得分 = ${weightOf} × 率`, en: `points = ${weightOf} × rate` };
    case 'deductBelow':
      return {
        'zh-CN': `达到 ${pct(rule.target)} 得满分 ${weightOf}，每低 1 个百分点扣 ${rule.pointsPerPercent} 分，扣完为止`,
        en: `full ${weightOf} at ${pct(rule.target)} or more; ${rule.pointsPerPercent} off per percentage point below, down to 0`,
      };
    case 'deductAbove':
      return {
        'zh-CN': `不超过 ${pct(rule.ceiling)} 得满分 ${weightOf}，每超 1 个百分点扣 ${rule.pointsPerPercent} 分，扣完为止`,
        en: `full ${weightOf} at ${pct(rule.ceiling)} or less; ${rule.pointsPerPercent} off per percentage point above, down to 0`,
      };
  }
}

/** The 效能投诉 deduction (a negative number or 0). */
export function conductDeduction(item: Extract<SchemeItem, { kind: 'conductComplaints' }>, substantiated: number): number {
  return -roundPoints(Math.min(item.maxDeduction, substantiated * item.pointsEach));
}

/** Base + deductions + capped bonus, kept within 0..100. */
export function totalOf(parts: { itemPoints: number[]; bonusRaw: number; bonusCap: number }): { bonus: number; total: number } {
  const bonus = roundPoints(Math.min(parts.bonusCap, parts.bonusRaw));
  const sum = parts.itemPoints.reduce((a, b) => a + b, 0) + bonus;
  return { bonus, total: roundPoints(Math.min(100, Math.max(0, sum))) };
}
