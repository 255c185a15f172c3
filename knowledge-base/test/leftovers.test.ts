import { expect } from 'chai';
import { analyseText } from '../src/analyse.ts';
import { countLeftovers, describeLeftovers, LEFTOVER_FEATURE_NAMES, LEFTOVER_MIN_PAIRS, leftoverText, leftoverUnits, leftoverWords, oddsFromCounts, weighLeftovers } from '../src/leftovers.ts';
import { describePair, FEATURE_NAMES, LEFTOVER_FEATURES_AT, prepareText } from '../src/features.ts';

const side = (text: string) => leftoverText(analyseText(text));
const pair = (a: string, b: string, same: boolean) => ({ a: side(a), b: side(b), same });

/** Features by name for one comparison. */
function describe2(odds: ReturnType<typeof oddsFromCounts>, query: string, text: string): Record<string, number> {
  const weighed = (t: string) => ({ ...side(t), ...weighLeftovers(side(t), odds) });
  const vector = describeLeftovers(weighed(query), weighed(text));
  expect(vector).to.have.length(LEFTOVER_FEATURE_NAMES.length);
  return Object.fromEntries(LEFTOVER_FEATURE_NAMES.map((name, i) => [name, vector[i] as number]));
}

describe('knowledge-base leftover odds', () => {
  it('finds the words and characters one side has and the other lacks', () => {
    const [left, right] = leftoverWords(side('北京哪里有好吃的海鲜'), side('北京哪里有便宜的海鲜'));
    expect(left).to.include('好吃');
    expect(right).to.include('便宜');
    expect(left).to.not.include('北京');
    expect(leftoverUnits(side('左脸长痘'), side('右脸长痘')).sort()).to.deep.equal(['右', '左']);
  });

  it('learns that a filler word is left out freely and a place is not, from enough pairs only', () => {
    const pairs = [];
    for (let i = 0; i < LEFTOVER_MIN_PAIRS + 1; i++) {
      pairs.push(pair(`请推荐一下好看的小说${i}`, `请推荐好看的小说${i}`, true)); // 一下 left out: same question
      pairs.push(pair(`上海哪里有好吃的海鲜${i}`, `哪里有好吃的海鲜${i}`, false)); // 上海 left out: another question
    }
    // A word seen in fewer pairs than LEFTOVER_MIN_PAIRS is not kept (that would be remembering the pair).
    pairs.push(pair('手机壳哪里买', '手机哪里买', true));
    const counts = countLeftovers(pairs);
    const words = new Map(counts.words.map(([key, n, same]) => [key, [n, same]]));
    expect(words.get('一下')).to.deep.equal([LEFTOVER_MIN_PAIRS + 1, LEFTOVER_MIN_PAIRS + 1]);
    expect(words.get('上海')).to.deep.equal([LEFTOVER_MIN_PAIRS + 1, 0]);
    expect(words.has('手机壳')).to.equal(false);
    const odds = oddsFromCounts(counts);
    const filler = describe2(odds, '推荐一下好看的电影', '推荐好看的电影');
    const place = describe2(odds, '上海有什么好看的电影', '有什么好看的电影');
    expect(filler.leftoverWordOdds).to.be.greaterThan(0.5);
    expect(filler.leftoverWordKnown).to.equal(1);
    expect(place.leftoverWordOdds).to.be.lessThan(-0.5);
    expect(place.leftoverWordWorst).to.equal(place.leftoverWordOdds);
    // A word the table never saw gives no evidence either way.
    const unseen = describe2(odds, '推荐好看的纪录片', '推荐好看的电影');
    expect(unseen.leftoverWordOdds).to.equal(0);
    expect(unseen.leftoverWordKnown).to.equal(0);
  });

  it('does not count names and rare words, however often they are left over', () => {
    const pairs = Array.from({ length: 2 * LEFTOVER_MIN_PAIRS }, (_, i) => pair(`特斯拉怎么样${i}`, `怎么样${i}`, false));
    expect(leftoverWords(side('特斯拉怎么样'), side('怎么样'))[0]).to.deep.equal(['特斯拉']);
    const words = countLeftovers(pairs).words.map(([key]) => key);
    expect(words).to.not.include('特斯拉');
  });

  it('scores swapped words from the pairs they were swapped in', () => {
    const pairs = [];
    for (let i = 0; i < LEFTOVER_MIN_PAIRS; i++) pairs.push(pair(`什么牌子的手机好${i}`, `什么品牌的手机好${i}`, true));
    const odds = oddsFromCounts(countLeftovers(pairs));
    const swap = describe2(odds, '什么牌子的电脑好', '什么品牌的电脑好');
    expect(swap.swapOdds).to.be.greaterThan(0);
    expect(swap.swapBest).to.equal(swap.swapOdds);
  });

  it('gives the matcher (unit marks, shipped table) the numbers the fitting tool computes (sets)', () => {
    const flat = { unitIdf: () => 1, bigramIdf: () => 1 };
    const texts = ['推荐一下好看的电影', '上海有什么好看的电影', '什么牌子的手机好', '什么品牌的手机好呢', '左脸长痘痘是什么原因', '脸上长痘痘什么原因'];
    // Entry texts first, so their units have ids; the query's unknown units then read as -1.
    const entries = texts.map((t) => prepareText(analyseText(t)));
    let nonZero = 0;
    for (const query of ['推荐好看的电影啊', '上海什么电影好看', '哪个牌子的手机好', '右脸长痘是什么原因嘞']) {
      const prepared = prepareText(analyseText(query), false);
      for (const entry of entries) {
        const fromMatcher = describePair(prepared, entry, flat).slice(LEFTOVER_FEATURES_AT);
        expect(fromMatcher).to.deep.equal(describeLeftovers(prepared, entry));
        if (fromMatcher.some((v) => v !== 0 && v !== 1)) nonZero++;
      }
    }
    expect(nonZero, 'the shipped table says something about these pairs').to.be.greaterThan(5);
  });

  it('sits at the end of the pair feature vector, after the features the linear model reads', () => {
    expect(FEATURE_NAMES.slice(LEFTOVER_FEATURES_AT)).to.deep.equal([...LEFTOVER_FEATURE_NAMES]);
    expect(LEFTOVER_FEATURES_AT).to.be.greaterThan(25);
  });
});
