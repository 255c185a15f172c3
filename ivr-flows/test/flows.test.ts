/**
 * The shipped flows in ivr-flows/flows, played call by call.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { loadFlows, type Flow, type LoadedFlows } from '../src/index.ts';
import { allSteps, heard, lastStep, lastTurn, playCall } from './play.ts';

const FLOWS_DIR = fileURLToPath(new URL('../flows', import.meta.url));

describe('ivr-flows: shipped flows', () => {
  let loaded: LoadedFlows;
  const flow = (id: string): Flow => {
    const found = loaded.flows.get(id);
    if (found === undefined) throw new Error(`flow ${id} missing`);
    return found;
  };

  before(async () => {
    loaded = await loadFlows(FLOWS_DIR, { required: ['hotline', 'survey', 'post-call-rating', 'voicemail'] });
  });

  it('all load with no errors and no warnings', () => {
    expect([...loaded.flows.keys()].sort()).to.deep.equal(['hotline', 'post-call-rating', 'survey', 'voicemail']);
    expect(loaded.warnings).to.deep.equal([]);
  });

  describe('hotline', () => {
    it('greets with the standard greeting, then offers the short desk choice with a short timeout', () => {
      const turns = playCall(flow('hotline'), []);
      const [greeting, gather] = lastTurn(turns).steps;
      expect(greeting).to.deep.equal({ kind: 'say', text: '您好，这里是12345政务服务便民热线。', language: 'zh-CN' });
      expect(gather?.kind).to.equal('gather');
      if (gather?.kind !== 'gather') return;
      expect(gather.timeoutSeconds).to.be.at.most(5);
      expect(gather.numDigits).to.equal(1);
      expect(gather.input).to.deep.equal(['dtmf', 'speech']);
      expect(gather.prompt.map((s) => (s.kind === 'say' ? s.language : ''))).to.deep.equal(['zh-CN', 'en']);
      expect(gather.prompt.map((s) => (s.kind === 'say' ? s.text : '')).join('')).to.match(/方言.*1.*企业.*2.*智能语音问答.*9.*English.*3/);
    });

    it('key 9 (or asking for the 智能问答) reaches the voice bot, whose hand-off and failure both go to the general desk', () => {
      const bot = playCall(flow('hotline'), [{ kind: 'digits', digits: '9' }]);
      expect(lastStep(bot)).to.deep.equal({ kind: 'voicebot', language: 'zh-CN' });
      expect(heard(bot.slice(1))[0]).to.match(/请直接说出您要咨询的问题.*转人工请按0/);
      const spoken = playCall(flow('hotline'), [{ kind: 'speech', text: '我要智能问答', confidence: 0.8 }]);
      expect(lastStep(spoken)).to.deep.equal({ kind: 'voicebot', language: 'zh-CN' });
      for (const result of ['wants-agent', 'unavailable'] as const) {
        const turns = playCall(flow('hotline'), [{ kind: 'digits', digits: '9' }, { kind: 'bot', result }]);
        expect(lastStep(turns)).to.deep.equal({ kind: 'enqueue', desk: 'general', priority: 0 });
        expect(lastTurn(turns).state.failure).to.equal(undefined);
      }
    });

    it('no key goes straight to the general desk', () => {
      const turns = playCall(flow('hotline'), [{ kind: 'timeout' }]);
      expect(lastStep(turns)).to.deep.equal({ kind: 'enqueue', desk: 'general', priority: 0 });
      expect(lastTurn(turns).state.status).to.equal('ended');
      expect(lastTurn(turns).state.failure).to.equal(undefined);
    });

    for (const [key, desk] of [['1', 'dialect'], ['2', 'business']] as const) {
      it(`key ${key} goes to the ${desk} desk`, () => {
        const turns = playCall(flow('hotline'), [{ kind: 'digits', digits: key }]);
        expect(lastStep(turns)).to.deep.equal({ kind: 'enqueue', desk, priority: 0 });
        expect(lastTurn(turns).state.language).to.equal('zh-CN');
      });
    }

    it('key 3 switches to English and queues for the foreign desk in opening hours', () => {
      const turns = playCall(flow('hotline'), [{ kind: 'digits', digits: '3' }]);
      const steps = lastTurn(turns).steps;
      expect(steps.at(-1)).to.deep.equal({ kind: 'enqueue', desk: 'foreign', priority: 0 });
      const says = steps.filter((s) => s.kind === 'say');
      expect(says).to.have.length.greaterThan(0);
      expect(says.every((s) => s.kind === 'say' && s.language === 'en' && /^[\x20-\x7e]+$/.test(s.text))).to.equal(true);
      expect(lastTurn(turns).state.language).to.equal('en');
    });

    it('speech picks a desk by keyword, and other speech goes to the general desk at once', () => {
      const dialect = playCall(flow('hotline'), [{ kind: 'speech', text: '我要方言服务', confidence: 0.8 }]);
      expect(lastStep(dialect)).to.deep.equal({ kind: 'enqueue', desk: 'dialect', priority: 0 });
      const english = playCall(flow('hotline'), [{ kind: 'speech', text: 'English please', confidence: 0.7 }]);
      expect(lastStep(english)).to.deep.include({ kind: 'enqueue', desk: 'foreign' });
      const matter = playCall(flow('hotline'), [{ kind: 'speech', text: '我家楼下施工噪音太大了', confidence: 0.9 }]);
      expect(lastStep(matter)).to.deep.equal({ kind: 'enqueue', desk: 'general', priority: 0 });
      expect(lastTurn(matter).state.failure).to.equal(undefined);
    });

    it('after English is chosen out of hours, prompts are English and the caller can leave a message', () => {
      const night = '2025-03-05T22:30:00+08:00';
      const turns = playCall(
        flow('hotline'),
        [{ kind: 'digits', digits: '3' }, { kind: 'digits', digits: '1' }, { kind: 'recorded', recordingId: 'RE1', durationSeconds: 20 }],
        { now: night },
      );
      const afterChoice = allSteps(turns.slice(1));
      const says = afterChoice.filter((s) => s.kind === 'say');
      expect(says.every((s) => s.kind === 'say' && s.language === 'en')).to.equal(true);
      expect(heard(turns.slice(1))[0]).to.match(/English service is available from 8 am to 8 pm/);
      expect(turns[2]?.steps.at(-1)).to.deep.equal({ kind: 'record', maxSeconds: 120, purpose: 'voicemail' });
      expect(lastTurn(turns).steps).to.deep.include({ kind: 'outcome', name: 'voicemail', value: 'RE1' });
      expect(lastStep(turns)).to.deep.equal({ kind: 'hangup' });
    });

    it('after English is chosen out of hours, silence still reaches a (general desk) agent', () => {
      const turns = playCall(flow('hotline'), [{ kind: 'digits', digits: '3' }, { kind: 'timeout' }], { now: '2025-03-05T06:00:00+08:00' });
      expect(lastStep(turns)).to.deep.equal({ kind: 'enqueue', desk: 'general', priority: 0 });
    });

    it('on a holiday the foreign desk keeps holiday hours', () => {
      const holidayMorning = playCall(flow('hotline'), [{ kind: 'digits', digits: '3' }], { now: '2025-10-01T08:30:00+08:00', holiday: true });
      expect(lastStep(holidayMorning)?.kind).to.equal('gather'); // closed until 09:00: the message offer
      const holidayNoon = playCall(flow('hotline'), [{ kind: 'digits', digits: '3' }], { now: '2025-10-01T12:00:00+08:00', holiday: true });
      expect(lastStep(holidayNoon)).to.deep.include({ kind: 'enqueue', desk: 'foreign' });
    });

    it('a blocked number hears a polite refusal and the call hangs up, without the menu', () => {
      const turns = playCall(flow('hotline'), [], { callerBlocked: true });
      const steps = lastTurn(turns).steps;
      expect(steps.map((s) => s.kind)).to.deep.equal(['say', 'hangup']);
      expect(heard(turns)[0]).to.match(/^您好，这里是12345政务服务便民热线。/).and.match(/110/);
      expect(lastTurn(turns).state.status).to.equal('ended');
    });

    it('a wrong key is asked again once, then the caller is apologised to and queued for the general desk', () => {
      const turns = playCall(flow('hotline'), [{ kind: 'digits', digits: '7' }, { kind: 'digits', digits: '8' }]);
      expect(turns[1]?.steps.map((s) => s.kind)).to.deep.equal(['say', 'gather']);
      expect(heard(turns.slice(1, 2))[0]).to.equal('对不起，您的按键有误。');
      const steps = lastTurn(turns).steps;
      expect(steps.at(-2)).to.deep.include({ kind: 'say', text: '抱歉，系统暂时无法处理您的操作，正在为您转接人工服务，请稍候。' });
      expect(steps.at(-1)).to.deep.equal({ kind: 'enqueue', desk: 'general', priority: 1 });
      expect(lastTurn(turns).state.failure?.node).to.equal('desk-menu');
    });

    it('input the menu cannot take (a bot result) is a failure that reaches an agent', () => {
      const turns = playCall(flow('hotline'), [{ kind: 'bot', result: 'resolved' }]);
      expect(lastStep(turns)).to.deep.equal({ kind: 'enqueue', desk: 'general', priority: 1 });
      expect(lastTurn(turns).state.failure?.reason).to.match(/cannot take bot input/);
    });
  });

  describe('survey', () => {
    const values = [['1', 'satisfied'], ['2', 'basically_satisfied']] as const;
    for (const [key, value] of values) {
      it(`key ${key} records ${value}, thanks the caller and hangs up`, () => {
        const turns = playCall(flow('survey'), [{ kind: 'digits', digits: key }]);
        const steps = lastTurn(turns).steps;
        expect(steps[0]).to.deep.equal({ kind: 'outcome', name: 'satisfaction', value });
        expect(steps.at(-1)).to.deep.equal({ kind: 'hangup' });
        expect(heard(turns.slice(1))).to.deep.equal(['感谢您对12345热线工作的支持，再见。']);
        expect(lastTurn(turns).state.outcomes).to.deep.equal({ satisfaction: value });
      });
    }

    it('opens with the callback introduction and the 1/2/3 question', () => {
      const said = heard(playCall(flow('survey'), []));
      expect(said[0]).to.match(/^您好，这里是12345热线回访/);
      expect(said[1]).to.equal('对办理结果，满意请按1，基本满意请按2，不满意请按3。');
    });

    it('key 3 records unsatisfied and invites a short spoken comment, then thanks', () => {
      const turns = playCall(flow('survey'), [
        { kind: 'digits', digits: '3' },
        { kind: 'recorded', recordingId: 'RE42', durationSeconds: 12 },
      ]);
      expect(turns[1]?.steps[0]).to.deep.equal({ kind: 'outcome', name: 'satisfaction', value: 'unsatisfied' });
      expect(turns[1]?.steps.at(-1)).to.deep.equal({ kind: 'record', maxSeconds: 60, purpose: 'comment' });
      const end = lastTurn(turns);
      expect(end.steps[0]).to.deep.equal({ kind: 'outcome', name: 'comment', value: 'RE42' });
      expect(end.steps.at(-1)).to.deep.equal({ kind: 'hangup' });
      expect(end.state.outcomes).to.deep.equal({ satisfaction: 'unsatisfied', comment: 'RE42' });
      expect(end.state.recordings).to.deep.equal([{ node: 'ask-comment', purpose: 'comment', recordingId: 'RE42', durationSeconds: 12 }]);
    });

    it('the comment is optional: silence after 3 still thanks and hangs up', () => {
      const turns = playCall(flow('survey'), [{ kind: 'digits', digits: '3' }, { kind: 'timeout' }]);
      expect(lastTurn(turns).steps.some((s) => s.kind === 'outcome')).to.equal(false);
      expect(lastStep(turns)).to.deep.equal({ kind: 'hangup' });
      expect(lastTurn(turns).state.outcomes).to.deep.equal({ satisfaction: 'unsatisfied' });
    });

    it('no input twice records no-answer', () => {
      const turns = playCall(flow('survey'), [{ kind: 'timeout' }, { kind: 'timeout' }]);
      expect(turns[1]?.steps.map((s) => s.kind)).to.deep.equal(['say', 'gather']);
      expect(lastTurn(turns).steps[0]).to.deep.equal({ kind: 'outcome', name: 'satisfaction', value: 'no-answer' });
      expect(lastStep(turns)).to.deep.equal({ kind: 'hangup' });
    });

    it('a wrong key then a right one counts the right one', () => {
      const turns = playCall(flow('survey'), [{ kind: 'digits', digits: '7' }, { kind: 'digits', digits: '2' }]);
      expect(lastTurn(turns).state.outcomes).to.deep.equal({ satisfaction: 'basically_satisfied' });
    });

    it('understands spoken answers, negations included', () => {
      const said = (text: string): string | undefined =>
        lastTurn(playCall(flow('survey'), [{ kind: 'speech', text, confidence: 0.8 }])).state.outcomes.satisfaction;
      expect(said('满意')).to.equal('satisfied');
      expect(said('基本满意吧')).to.equal('basically_satisfied');
      expect(said('不满意')).to.equal('unsatisfied');
      expect(said('不太满意，问题还在')).to.equal('unsatisfied');
      expect(said('三')).to.equal('unsatisfied');
      expect(said('我不想评价')).to.equal('declined');
    });

    it('an English-speaking caller is surveyed in English', () => {
      const turns = playCall(flow('survey'), [{ kind: 'digits', digits: '1' }], { language: 'en' });
      const says = allSteps(turns).filter((s) => s.kind === 'say');
      expect(says.every((s) => s.kind === 'say' && s.language === 'en')).to.equal(true);
    });
  });

  describe('post-call rating (一次一评)', () => {
    it('one key records the rating of the call', () => {
      const turns = playCall(flow('post-call-rating'), [{ kind: 'digits', digits: '3' }]);
      expect(turns[0]?.steps[0]).to.deep.include({ kind: 'gather', input: ['dtmf'] });
      expect(lastTurn(turns).steps[0]).to.deep.equal({ kind: 'outcome', name: 'call-rating', value: 'unsatisfied' });
      expect(lastStep(turns)).to.deep.equal({ kind: 'hangup' });
    });

    it('silence asks once only and records no-answer', () => {
      const turns = playCall(flow('post-call-rating'), [{ kind: 'timeout' }]);
      expect(lastTurn(turns).steps).to.deep.equal([{ kind: 'outcome', name: 'call-rating', value: 'no-answer' }, { kind: 'hangup' }]);
    });
  });

  describe('voicemail', () => {
    it('explains, records a message for the ticket draft, thanks and hangs up', () => {
      const turns = playCall(flow('voicemail'), [{ kind: 'recorded', recordingId: 'RE7', durationSeconds: 30 }]);
      expect(turns[0]?.steps.at(-1)).to.deep.equal({ kind: 'record', maxSeconds: 120, purpose: 'voicemail' });
      expect(lastTurn(turns).steps[0]).to.deep.equal({ kind: 'outcome', name: 'voicemail', value: 'RE7' });
      expect(lastStep(turns)).to.deep.equal({ kind: 'hangup' });
    });

    it('an empty recording records no outcome but still ends politely', () => {
      const turns = playCall(flow('voicemail'), [{ kind: 'recorded', recordingId: 'RE8', durationSeconds: 0 }]);
      expect(lastTurn(turns).steps.map((s) => s.kind)).to.deep.equal(['say', 'hangup']);
      expect(lastTurn(turns).state.outcomes).to.deep.equal({});
    });
  });
});
