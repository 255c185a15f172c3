/** The default scheme's rules, pinned without a database: each rule's points, floors, caps and the total. */
import { expect } from 'chai';
import { baseOf, conductDeduction, defaultScheme, SchemeDefinitionSchema, scoreRule, totalOf } from '../../server/src/modules/assessment/assessment.scheme.ts';
import { parsePeriod, previousPeriod } from '../../server/src/modules/assessment/assessment.periods.ts';
import { periodsDueOn } from '../../server/src/modules/assessment/assessment.jobs.ts';

describe('assessment: scheme rules', () => {
  it('the default is a 95-point base with a 5-point bonus cap', () => {
    expect(baseOf(defaultScheme.definition)).to.equal(95);
    expect(defaultScheme.definition.bonusCap).to.equal(5);
    expect(SchemeDefinitionSchema.safeParse(defaultScheme.definition).success).to.equal(true);
  });

  it('proportional: weight × rate (按时办结率 25 × 18/20 = 22.5)', () => {
    expect(scoreRule({ type: 'proportional' }, 25, 18, 20)).to.equal(22.5);
    expect(scoreRule({ type: 'proportional' }, 15, 1, 3)).to.equal(5);
  });

  it('deductAbove: 1 point per percentage point over 5% (退单率 8% → 7; 5% → 10; 30% → 0, never negative)', () => {
    const rule = { type: 'deductAbove' as const, ceiling: 0.05, pointsPerPercent: 1 };
    expect(scoreRule(rule, 10, 8, 100)).to.equal(7);
    expect(scoreRule(rule, 10, 5, 100)).to.equal(10);
    expect(scoreRule(rule, 10, 3, 10)).to.equal(0);
  });

  it('deductBelow: full at the target, 2 points per percentage point under it', () => {
    const rule = { type: 'deductBelow' as const, target: 0.9, pointsPerPercent: 2 };
    expect(scoreRule(rule, 20, 95, 100)).to.equal(20);
    expect(scoreRule(rule, 20, 87, 100)).to.equal(14);
  });

  it('no denominator earns the full weight', () => {
    expect(scoreRule({ type: 'proportional' }, 25, 0, 0)).to.equal(25);
  });

  it('效能投诉: 2 points each, at most 10', () => {
    const item = defaultScheme.definition.items.find((i) => i.kind === 'conductComplaints')!;
    if (item.kind !== 'conductComplaints') throw new Error('no conduct item');
    expect(conductDeduction(item, 2)).to.equal(-4);
    expect(conductDeduction(item, 9)).to.equal(-10);
    expect(conductDeduction(item, 0)).to.equal(0);
  });

  it('bonus capped at 5, total within 0..100', () => {
    expect(totalOf({ itemPoints: [95], bonusRaw: 7, bonusCap: 5 })).to.deep.equal({ bonus: 5, total: 100 });
    expect(totalOf({ itemPoints: [3, -10], bonusRaw: 0, bonusCap: 5 })).to.deep.equal({ bonus: 0, total: 0 });
  });

  it('refuses schemes that are not coherent: unknown or non-department measures, base + cap over 100, duplicate keys', () => {
    const items = defaultScheme.definition.items;
    const valid = (d: unknown) => SchemeDefinitionSchema.safeParse(d).success;
    expect(valid({ bonusCap: 5, items: [{ kind: 'measure', key: 'x', label: { 'zh-CN': 'x', en: 'x' }, weight: 10, measure: 'averageWait', rule: { type: 'proportional' } }] })).to.equal(false);
    expect(valid({ bonusCap: 5, items: [{ kind: 'measure', key: 'x', label: { 'zh-CN': 'x', en: 'x' }, weight: 10, measure: 'serviceLevel', rule: { type: 'proportional' } }] })).to.equal(false);
    expect(valid({ bonusCap: 10, items })).to.equal(false);
    expect(valid({ bonusCap: 5, items: [...items, items[0]] })).to.equal(false);
  });

  it('periods: months, quarters, years and the ones the monthly job publishes', () => {
    expect(parsePeriod('2026-Q4')).to.include({ startDate: '2026-10-01', endDate: '2027-01-01', kind: 'quarter' });
    expect(parsePeriod('2026-02')).to.include({ startDate: '2026-02-01', endDate: '2026-03-01' });
    expect(parsePeriod('2026-13')).to.equal(undefined);
    expect(previousPeriod(parsePeriod('2026-01')!).key).to.equal('2025-12');
    expect(previousPeriod(parsePeriod('2026-Q1')!).key).to.equal('2025-Q4');
    expect(periodsDueOn('2026-11-10')).to.deep.equal(['2026-10']);
    expect(periodsDueOn('2027-01-10')).to.deep.equal(['2026-12', '2026-Q4', '2026']);
  });
});
