/**
 * The hotspot rule on hand-built windows: each expectation is worked out by hand in the comment beside it.
 */
import { expect } from 'chai';
import { assessWindow, defaultHotspotRules, detectHotspots, HotspotRulesSchema, type GroupCounts } from '../../server/src/modules/hotspots/detection.ts';

const rules = defaultHotspotRules; // minCount 5, minRatio 2, minScore 3, expectedFloor 0.5
const days = (values: number[], length = 28) => Array.from({ length }, (_, i) => values[i % values.length]!);
const group = (categoryId: string, district: string, windows: GroupCounts['windows']): GroupCounts => ({ key: { categoryId, district }, windows });

describe('hotspots: the detection rule', () => {
  it('flags a burst well above a quiet but non-zero history', () => {
    // baseline 1,0,1,2 repeated: mean 1, sample sd ≈ 0.72 → spread = max(0.72, √1) = 1; 9 tickets → score 8, ratio 9
    const a = assessWindow({ windowHours: 6, count: 9, baseline: days([1, 0, 1, 2]) }, rules);
    expect(a.expected).to.equal(1);
    expect(a.spread).to.equal(1);
    expect(a.score).to.equal(8);
    expect(a.ratio).to.equal(9);
    expect(a.verdict).to.equal('burst');
  });

  it('does not flag a busy group within its usual ups and downs', () => {
    // baseline 16 and 24 alternating: mean 20, sd ≈ 4.07 → spread = max(4.07, √20 ≈ 4.47); 26 tickets → score ≈ 1.34, ratio 1.3
    const a = assessWindow({ windowHours: 24, count: 26, baseline: days([16, 24]) }, rules);
    expect(a.expected).to.equal(20);
    expect(a.score).to.be.closeTo(1.34, 0.01);
    expect(a.verdict).to.equal('ratio_too_low');
    // with the ratio rule relaxed, the score rule still holds it back
    expect(assessWindow({ windowHours: 24, count: 26, baseline: days([16, 24]) }, { ...rules, minRatio: 1 }).verdict).to.equal('score_too_low');
  });

  it('never calls a handful of tickets a burst, however quiet the group was', () => {
    // 0 → 3 and 0 → 4: scores 3.54 and 4.95 pass, but fewer than minCount (5) tickets
    for (const count of [3, 4]) {
      const a = assessWindow({ windowHours: 1, count, baseline: days([0]) }, rules);
      expect(a.score, `count ${count}`).to.be.greaterThan(rules.minScore);
      expect(a.verdict).to.equal('too_few');
    }
    expect(assessWindow({ windowHours: 1, count: 2, baseline: days([0]) }, rules).verdict).to.equal('too_few');
    expect(assessWindow({ windowHours: 1, count: 5, baseline: days([0]) }, rules).verdict).to.equal('burst');
  });

  it('scores a new category with no history against the floor, not against zero', () => {
    // no baseline at all: mean 0 → expected 0.5, spread √0.5 ≈ 0.71; 6 tickets → score (6 − 0.5)/0.707 ≈ 7.78
    const a = assessWindow({ windowHours: 24, count: 6, baseline: [] }, rules);
    expect(a.mean).to.equal(0);
    expect(a.expected).to.equal(0.5);
    expect(a.score).to.be.closeTo(7.78, 0.01);
    expect(Number.isFinite(a.score)).to.equal(true);
    expect(a.verdict).to.equal('burst');
  });

  it('needs the count to be well above usual even when the history is very flat', () => {
    // exactly 10 every day: sd 0 → spread √10 ≈ 3.16; 18 tickets → score 2.53 and ratio 1.8: neither rule passes
    const a = assessWindow({ windowHours: 24, count: 18, baseline: days([10]) }, rules);
    expect(a.spread).to.be.closeTo(3.16, 0.01);
    expect(a.verdict).to.equal('ratio_too_low');
    // 21 tickets: ratio 2.1, score 3.48 → a burst
    expect(assessWindow({ windowHours: 24, count: 21, baseline: days([10]) }, rules).verdict).to.equal('burst');
  });

  it('reports each hotspot group once, headed by its strongest window, strongest group first', () => {
    const found = detectHotspots(
      [
        group('cat-a', '东城区', [
          { windowHours: 1, count: 5, baseline: days([0]) }, // score (5−0.5)/0.707 ≈ 6.36
          { windowHours: 6, count: 8, baseline: days([0]) }, // ≈ 10.61, the strongest
          { windowHours: 24, count: 9, baseline: days([1]) }, // (9−1)/1 = 8
        ]),
        group('cat-b', '西城区', [{ windowHours: 24, count: 26, baseline: days([16, 24]) }]), // no burst
        group('cat-c', '南城区', [{ windowHours: 24, count: 30, baseline: days([2]) }]), // (30−2)/1.41 ≈ 19.8
      ],
      rules,
    );
    expect(found.map((h) => h.key.categoryId)).to.deep.equal(['cat-c', 'cat-a']);
    expect(found[1]!.strongest.windowHours).to.equal(6);
    expect(found[1]!.windows.map((w) => w.verdict)).to.deep.equal(['burst', 'burst', 'burst']);
  });

  it('follows configured thresholds', () => {
    const groups = [group('cat-a', '东城区', [{ windowHours: 6, count: 9, baseline: days([1, 0, 1, 2]) }])];
    expect(detectHotspots(groups, rules)).to.have.length(1);
    expect(detectHotspots(groups, { ...rules, minCount: 10 })).to.have.length(0);
    expect(detectHotspots(groups, { ...rules, minScore: 9 })).to.have.length(0);
    expect(detectHotspots(groups, { ...rules, minRatio: 10 })).to.have.length(0);
  });

  it('refuses rules that cannot work', () => {
    expect(HotspotRulesSchema.safeParse(defaultHotspotRules).success).to.equal(true);
    expect(HotspotRulesSchema.safeParse({ ...defaultHotspotRules, windowsHours: [48] }).success).to.equal(false);
    expect(HotspotRulesSchema.safeParse({ ...defaultHotspotRules, windowsHours: [6, 6] }).success).to.equal(false);
    expect(HotspotRulesSchema.safeParse({ ...defaultHotspotRules, minCount: 1 }).success).to.equal(false);
  });
});
