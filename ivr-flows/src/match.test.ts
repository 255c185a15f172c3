import { expect } from 'chai';
import { collectHints, matchDigits, matchSpeech, normalizeSpeech, spokenKey } from './match.ts';
import { isOpen, localClock } from './hours.ts';

describe('ivr-flows: matching what the caller said', () => {
  const choices = [
    { key: '1', keywords: ['满意'] },
    { key: '2', keywords: ['基本满意'] },
    { key: '3', keywords: ['不满意', 'Not Satisfied'] },
  ];

  it('normalises width, case, spaces and punctuation', () => {
    expect(normalizeSpeech(' Ｎot  satisfied！ ')).to.equal('notsatisfied');
    expect(normalizeSpeech('不满意。')).to.equal('不满意');
  });

  it('prefers the longest keyword so negations and qualifiers win', () => {
    expect(matchSpeech(choices, '我很满意')).to.equal(0);
    expect(matchSpeech(choices, '基本满意吧')).to.equal(1);
    expect(matchSpeech(choices, '说实话不满意')).to.equal(2);
    expect(matchSpeech(choices, 'I am not satisfied.')).to.equal(2);
    expect(matchSpeech(choices, '随便')).to.equal(-1);
    expect(matchSpeech(choices, '   ')).to.equal(-1);
  });

  it('understands a key said aloud, and only a bare one', () => {
    expect(['三', '按3', '按三号键', '我选二', '3', 'press three', 'Two.', '幺'].map(spokenKey)).to.deep.equal(['3', '3', '3', '2', '3', '3', '2', '1']);
    expect(['三个月了还没解决', '一二', 'press', '', '我要投诉'].map(spokenKey)).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
    expect(matchSpeech(choices, '按二')).to.equal(1);
  });

  it('matches keys exactly and lists hints once', () => {
    expect(matchDigits(choices, '3')).to.equal(2);
    expect(matchDigits(choices, '33')).to.equal(-1);
    expect(collectHints([...choices, { keywords: ['满意'] }, {}])).to.deep.equal(['满意', '基本满意', '不满意', 'Not Satisfied']);
  });
});

describe('ivr-flows: opening hours', () => {
  it('reads the local weekday and time in the given zone', () => {
    expect(localClock(new Date('2025-03-02T16:30:00Z'), 'Asia/Shanghai')).to.deep.equal({ weekday: 'mon', minutes: 30 });
    expect(localClock(new Date('2025-03-02T16:30:00Z'), 'UTC')).to.deep.equal({ weekday: 'sun', minutes: 16 * 60 + 30 });
  });

  it('closes at the end of a range and accepts 24:00', () => {
    const node = { timezone: 'Asia/Shanghai', weekly: { daily: ['00:00-24:00'], sun: ['08:00-20:00'] }, holidays: [] };
    expect(isOpen(node, new Date('2025-03-05T23:59:00+08:00'), false)).to.equal(true);
    expect(isOpen(node, new Date('2025-03-09T20:00:00+08:00'), false)).to.equal(false);
    expect(isOpen(node, new Date('2025-03-05T12:00:00+08:00'), true)).to.equal(false);
  });
});
