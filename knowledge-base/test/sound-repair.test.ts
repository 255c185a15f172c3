import { expect } from 'chai';
import { createSoundRepair } from '../src/sound-repair.ts';
import { createMatcher } from '../src/index.ts';

describe('sound-alike repair of known terms (speech recognition and typing slips)', () => {
  const repair = createSoundRepair();

  it('repairs government terms misspelt with same-sounding characters, inside longer questions', () => {
    expect(repair.repair('电飞突然好贵')).to.equal('电费突然好贵');
    expect(repair.repair('我户照签证页快盖满了')).to.equal('我护照签证页快盖满了');
    expect(repair.repair('劳动中裁的时效是多久')).to.equal('劳动仲裁的时效是多久');
    expect(repair.repair('湿业金怎么领')).to.equal('失业金怎么领');
    // Fuzzy pinyin: zh/z, sh/s, -ng/-n are merged as speech recognition confuses them.
    expect(repair.repair('驾驶正找不到了')).to.equal('驾驶证找不到了');
  });

  it('leaves correct terms, real words that sound like a term, and texts without terms alone', () => {
    expect(repair.repair('住房公积金怎么提取')).to.equal(null);
    expect(repair.repair('只是问一下')).to.equal(null);
    expect(repair.repair('今天天气怎么样')).to.equal(null);
    expect(repair.repair('')).to.equal(null);
  });

  it('learns the knowledge base’s keywords', () => {
    expect(repair.repair('广场五噪音')).to.equal(null);
    repair.add(['广场舞']);
    expect(repair.repair('广场五噪音')).to.equal('广场舞噪音');
  });

  it('makes the matcher offer, never answer, what only the repaired question matches', () => {
    const matcher = createMatcher([
      { id: 'e1', question: '电费突然很高怎么办？', answer: '核对电表读数，或申请校验电表。', keywords: ['电费'] },
      { id: 'e2', question: '护照过期了怎么换？', answer: '到出入境接待大厅申请换发。', keywords: ['护照'] },
    ]);
    const result = matcher.match('这个月电飞突然很高，是不是电表坏了');
    expect(result.outcome).to.equal('suggest');
    expect(result.match).to.equal(null);
    expect(result.suggestions[0]).to.equal('e1');
  });
});
