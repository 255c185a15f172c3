import { expect } from 'chai';
import { analyseText, createMatcher } from '../src/index.ts';
import { WORD_CLASS, classifyTag } from '../src/analyse.ts';
import { FEATURE_NAMES, describePair, prepareText } from '../src/features.ts';
import type { Weights } from '../src/features.ts';
import { packTrees, scoreTrees } from '../src/boosted-trees.ts';
import { fitBoostedTrees } from '../tools/boosting.ts';

// Flat collection weights: the features under test are about which words differ, not how rare they are.
const flat: Weights = { unitIdf: () => 1, bigramIdf: () => 1 };

function featuresOf(query: string, text: string): Record<string, number> {
  const vector = describePair(prepareText(analyseText(query)), prepareText(analyseText(text)), flat);
  expect(vector).to.have.length(FEATURE_NAMES.length);
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, vector[i] as number]));
}

describe('knowledge-base pair features', () => {
  it('tags words with a word class from jieba parts of speech', () => {
    const analysed = analyseText('猪的护心肉怎么吃');
    expect(analysed.wordClasses).to.have.length(analysed.words.length);
    expect(analysed.wordClasses[analysed.words.indexOf('猪')]).to.equal(WORD_CLASS.noun);
    expect(analysed.wordClasses[analysed.words.indexOf('吃')]).to.equal(WORD_CLASS.verb);
    expect(classifyTag('eng')).to.equal(WORD_CLASS.noun);
    expect(classifyTag('a')).to.equal(WORD_CLASS.adjective);
    expect(classifyTag('d')).to.equal(WORD_CLASS.other);
  });

  it('weighs the noun only one side has (猫的表情 / 表情)', () => {
    const lookAlike = featuresOf('这个表情叫什么', '这个猫的表情叫什么');
    expect(lookAlike.unsharedNoun).to.be.greaterThan(0.3);
    expect(lookAlike.diffGaps).to.equal(1);
    expect(lookAlike.diffSubstitutions).to.equal(0);
    const same = featuresOf('这个表情叫什么', '这个表情叫什么？');
    expect(same.unsharedNoun).to.equal(0);
    expect(same.exact).to.equal(1);
  });

  it('sees a one-character swap and an opposite', () => {
    const swap = featuresOf('猪的护心肉怎么吃', '猪的护心肉怎么切');
    expect(swap.diffSingleSwaps).to.equal(1);
    expect(swap.diffLongest).to.be.closeTo(1 / 8, 1e-9);
    const opposite = featuresOf('左嘴角有痣的男人', '右嘴角有痣的男人');
    expect(opposite.antonymMismatch).to.equal(1);
    expect(featuresOf('左嘴角有痣的男人', '左边嘴角有痣的男人').antonymMismatch).to.equal(0);
  });

  it('counts shared words that come in the opposite order', () => {
    expect(featuresOf('成都到北京的火车票', '北京到成都的火车票').orderSwaps).to.be.greaterThan(0);
    expect(featuresOf('成都到北京的火车票', '成都到北京的火车票多少钱').orderSwaps).to.equal(0);
  });
});

describe('knowledge-base boosted trees', () => {
  it('scores by walking each tree to a leaf', () => {
    // One stump: x[0] ≤ 0.5 → -1, else +2; base 0.25.
    const model = packTrees({ base: 0.25, roots: [0], feature: [0, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -1, 2] });
    expect(scoreTrees(model, [0.5])).to.equal(-0.75);
    expect(scoreTrees(model, [0.6])).to.equal(2.25);
    expect(scoreTrees(model, [])).to.equal(-0.75); // a missing feature reads as 0
  });

  it('fits a rule that needs two features together', () => {
    // Label 1 only when both features are high: no single threshold separates it.
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) {
      xs.push([i / 20, j / 20]);
      ys.push(i >= 10 && j >= 10 ? 1 : 0);
    }
    const model = packTrees(fitBoostedTrees(xs, ys, { trees: 60, depth: 2, learningRate: 0.3, minLeaf: 5, lambda: 1, bins: 16 }));
    expect(scoreTrees(model, [0.9, 0.9])).to.be.greaterThan(1);
    expect(scoreTrees(model, [0.9, 0.1])).to.be.lessThan(-1);
    expect(scoreTrees(model, [0.1, 0.9])).to.be.lessThan(-1);
  });
});

describe('knowledge-base retrieval by sound', () => {
  it('finds a homophone through another spelling and forgets it when the entry goes', () => {
    const matcher = createMatcher([
      { id: 'gjj', question: '公积金怎么提取', answer: '到公积金中心办理。' },
      { id: 'jzz', question: '居住证怎么办理', answer: '到派出所申请。' },
    ]);
    expect(matcher.match('公基金提取').candidates[0]?.id).to.equal('gjj');
    matcher.remove('gjj');
    expect(matcher.match('公基金提取').candidates.map((c) => c.id)).to.not.include('gjj');
    matcher.upsert({ id: 'gjj2', question: '住房公积金提取条件', answer: '见细则。' });
    expect(matcher.match('公基金提取').candidates[0]?.id).to.equal('gjj2');
  });

  it('tells a look-alike from its partner by the one word that differs', () => {
    const matcher = createMatcher([
      { id: 'left', question: '左嘴角有痣的男人', answer: 'a' },
      { id: 'right', question: '右嘴角有痣的男人', answer: 'b' },
    ], { model: 'trees' });
    expect(matcher.match('右嘴角有痣的男人代表什么').candidates[0]?.id).to.equal('right');
    expect(matcher.match('左边嘴角有痣的男人').candidates[0]?.id).to.equal('left');
  });
});

describe('knowledge-base short questions (trees model)', () => {
  it('suggests, rather than hands off, an entry that contains the whole question', () => {
    const matcher = createMatcher([
      { id: 'jzz', question: '居住证怎么办理', answer: '到派出所申请。' },
      { id: 'sbk', question: '社保卡丢了怎么补办', answer: '先挂失再补办。' },
    ], { model: 'trees' });
    for (const [text, id] of [['居住证办理', 'jzz'], ['社保卡丢了', 'sbk']] as const) {
      const result = matcher.match(text);
      expect(result.outcome, text).to.equal('suggest');
      expect(result.suggestions[0], text).to.equal(id);
    }
    // An opposite or another number is not a shorter way of asking the same thing.
    const numbers = createMatcher([{ id: 'n', question: '3岁孩子上学需要什么材料', answer: 'x' }], { model: 'trees' });
    expect(numbers.match('5岁孩子上学').outcome).to.equal('handoff');
  });
});
