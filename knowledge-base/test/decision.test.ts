import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseText, createMatcher, loadKnowledgeDir } from '../src/index.ts';
import { describeOffer, isBareTopic, needsHomophone, OFFER_DEPTH, offerFrom, offerProbability } from '../src/matcher.ts';
import { OFFER_CALIBRATION } from '../src/calibration-offer.ts';
import { evaluateContent, parseCitizenQuestions } from '../src/content-eval.ts';
import { prepareText } from '../src/features.ts';
import { CALIBRATION } from '../src/calibration.ts';

// The decision layer on the project's own content, which is what the chat bot and the agents' console search.
const entries = loadKnowledgeDir(fileURLToPath(new URL('../content', import.meta.url)));
const prepared = (text: string) => prepareText(analyseText(text));

describe('knowledge-base decision layer (default model: boosted trees)', () => {
  const matcher = createMatcher(entries);

  it('uses the boosted trees by default, and still answers plain questions outright', () => {
    const trees = createMatcher(entries, { model: 'trees' });
    for (const text of ['住房公积金怎么提取', '居住证怎么办理', '电费怎么交', '护照过期了怎么换']) {
      expect(matcher.match(text), text).to.deep.equal(trees.match(text));
      expect(matcher.match(text).outcome, text).to.equal('answer');
    }
    expect(matcher.match('住房公积金怎么提取').match).to.equal('gongjijin-001');
  });

  describe('guard 1: a bare topic is offered, never answered', () => {
    it('knows a bare topic by its content words', () => {
      expect(isBareTopic(analyseText('身份证'))).to.equal(true);
      expect(isBareTopic(analyseText('不动产登记'))).to.equal(true);
      expect(isBareTopic(analyseText('身份证丢了怎么补办'))).to.equal(false);
    });

    it('suggests the entries about one word however sure the model is', () => {
      for (const text of ['身份证', '护照']) {
        const result = matcher.match(text);
        expect(result.outcome, text).to.equal('suggest');
        expect(result.match, text).to.equal(null);
        expect(result.suggestions.length, text).to.be.within(2, 3);
        // The trees are sure enough to answer: only the guard stops them.
        expect(result.confidence, text).to.be.at.least(CALIBRATION.answerAt);
      }
      // Even with the answer threshold at zero a one-word question is not answered.
      expect(createMatcher(entries, { answerAt: 0 }).match('身份证').outcome).to.equal('suggest');
    });
  });

  describe('guard 2: a match that needs a homophone in a noun is confirmed', () => {
    it('tells a sound-alike noun from a spelling variant', () => {
      expect(needsHomophone(prepared('公基金怎么提取'), prepared('住房公积金怎么提取'))).to.equal(true);
      expect(needsHomophone(prepared('公积金怎么提取'), prepared('住房公积金怎么提取'))).to.equal(false);
      // 交 / 缴 sound alike in a verb: a variant spelling, answered as usual.
      expect(needsHomophone(prepared('水费怎么交'), prepared('水费怎么缴纳'))).to.equal(false);
    });

    it('offers the entry, confirmed rather than answered (the repaired question would be answered)', () => {
      const result = matcher.match('公基金怎么提取');
      expect(result.outcome).to.equal('suggest');
      expect(result.match).to.equal(null);
      expect(result.suggestions).to.deep.equal(['gongjijin-001']);
      expect(matcher.match('公积金怎么提取').outcome).to.equal('answer');
      expect(matcher.match('水费怎么交').outcome).to.equal('answer');
    });
  });

  describe('guard 3: free text keeps related entries in the suggest band', () => {
    it('ranks the entries an agent’s ticket description is about, with a usable score', () => {
      // The services show suggestions and a department hint from a score of 0.05 (knowledge.service.ts).
      for (const [text, prefix] of [
        ['市民来电反映想把公积金取出来付房租，问怎么办', 'gongjijin-'],
        ['来电人说想把公积金取出来交房租', 'gongjijin-'],
        ['楼下工地晚上施工太吵了', 'chengguan-'],
      ] as const) {
        const result = matcher.match(text);
        expect(result.candidates[0]?.id, text).to.match(new RegExp(`^${prefix}`));
        expect(result.candidates[0]?.score, text).to.be.at.least(0.05);
        expect(result.outcome, text).to.not.equal('answer');
      }
      const unrelated = matcher.match('今天天气怎么样');
      expect(unrelated.outcome).to.equal('handoff');
      expect(unrelated.confidence).to.be.below(0.05);
    });

    it('never answers on the related score alone, and keeps scores best first', () => {
      const strict = createMatcher(entries, { answerAt: 0.999 });
      for (const text of ['住房公积金怎么提取', '那需要什么材料', '身份证丢了', '来电人说想把公积金取出来交房租']) {
        const result = strict.match(text);
        expect(result.outcome, text).to.not.equal('answer');
        for (const c of result.candidates) expect(c.score, text).to.be.below(0.999);
        for (let i = 1; i < result.candidates.length; i++) {
          expect(result.candidates[i - 1]!.score, text).to.be.at.least(result.candidates[i]!.score);
        }
      }
    });
  });

  describe('the offer model: a caller describing a situation is offered the entry, never answered by it', () => {
    it('offers the entry that fits a described situation', () => {
      for (const [text, id] of [
        ['晚上楼下工地施工太吵了', 'chengguan-001'],
        ['楼下烧烤店的油烟天天往我家飘', 'chengguan-008'],
      ] as const) {
        const result = matcher.match(text);
        expect(result.outcome, text).to.equal('suggest');
        expect(result.match, text).to.equal(null);
        expect(result.suggestions, text).to.include(id);
      }
    });

    it('offers nothing to chit-chat or an empty question', () => {
      for (const text of ['讲个笑话', '你好', '今天天气怎么样', '火星上能种土豆吗', '']) {
        const result = matcher.match(text);
        expect(result.outcome, text).to.equal('handoff');
        expect(result.suggestions, text).to.deep.equal([]);
      }
    });

    it('offers at most three entries, each one the model rates at offerAt or more', () => {
      for (const text of ['公积金贷款能提前还吗，要不要手续费', '供暖费在哪里交', '孩子在学校被同学欺负']) {
        const ranked = matcher.inspect(text).slice(0, OFFER_DEPTH);
        const offered = offerFrom(ranked);
        expect(offered.length, text).to.be.at.most(3);
        for (const c of offered) expect(offerProbability(describeOffer(ranked, ranked.indexOf(c))), text).to.be.at.least(OFFER_CALIBRATION.offerAt);
      }
    });
  });

  describe("citizens' own phrasings of the sample content (knowledge-base/eval, never fitted on)", () => {
    const evaluation = evaluateContent(matcher, parseCitizenQuestions(readFileSync(fileURLToPath(new URL('../eval/citizen-questions.jsonl', import.meta.url)), 'utf8')));

    it('gives a useful first reply (the answer, or the right entry offered) to at least two in three', () => {
      const s = evaluation.inScope;
      expect(s.total).to.equal(304);
      expect((s.answeredRight + s.suggestedRight) / s.total).to.be.at.least(0.65);
    });

    it('almost never answers with the wrong entry, and answers few questions no entry answers', () => {
      expect(evaluation.inScope.answeredWrong / evaluation.inScope.total).to.be.at.most(0.01);
      expect(evaluation.outOfScope.answered / evaluation.outOfScope.total).to.be.at.most(0.03);
      expect(evaluation.outOfScope.handedOff / evaluation.outOfScope.total).to.be.at.least(0.5);
    });
  });
});
