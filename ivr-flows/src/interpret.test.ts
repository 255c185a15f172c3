import { expect } from 'chai';
import { parseFlow } from './load.ts';
import { branchesOnFact, createCallState, isTerminalStep, startCall, step } from './interpret.ts';
import type { CallInput, CallState, Flow, FlowNode, Step } from './schema.ts';

const NOW = '2025-03-05T10:00:00+08:00'; // Wednesday 10:00 Beijing
const P = (zh: string, en: string): string => `{ zh-CN: "${zh}", en: "${en}" }`;
const APOLOGY_ZH = '抱歉，系统暂时无法处理您的操作，正在为您转接人工服务，请稍候。';
const APOLOGY_EN = 'Sorry, something went wrong. We are connecting you to an agent, please hold.';

function flowOf(yaml: string): Flow {
  return parseFlow(yaml, 'test.yaml').flow;
}

/** Runs inputs after start, returning each turn's steps and the final state (state JSON round-tripped). */
function run(flow: Flow, inputs: CallInput[], facts: Record<string, unknown> = {}): { turns: Step[][]; state: CallState } {
  let result = startCall(flow, { now: NOW, ...facts });
  const turns = [result.steps];
  for (const input of inputs) {
    result = step(flow, JSON.parse(JSON.stringify(result.state)) as CallState, input);
    turns.push(result.steps);
  }
  return { turns, state: result.state };
}

const last = <T>(list: readonly T[]): T | undefined => list.at(-1);

/** A hand-built flow that skips the loader, for failures the loader would have caught. */
function rawFlow(nodes: Record<string, unknown>, start = 'a'): Flow {
  return {
    id: 'raw',
    fileName: 'raw.yaml',
    language: 'zh-CN',
    start,
    fallback: { desk: 'general', priority: 0, prompt: [{ 'zh-CN': APOLOGY_ZH, en: APOLOGY_EN }] },
    nodes: nodes as Record<string, FlowNode>,
  };
}

const QUEUE_FALLBACK: Step[] = [
  { kind: 'say', text: APOLOGY_ZH, language: 'zh-CN' },
  { kind: 'enqueue', desk: 'general', priority: 0 },
];

describe('ivr-flows: interpreter', () => {
  describe('node kinds', () => {
    it('say speaks its prompt, pauses if asked, and moves on without input', () => {
      const flow = flowOf(`start: a
nodes:
  a: { kind: say, prompt: ${P('你好', 'Hi')}, pauseAfterSeconds: 2, next: b }
  b: { kind: hangup }
`);
      expect(startCall(flow, { now: NOW }).steps).to.deep.equal([
        { kind: 'say', text: '你好', language: 'zh-CN' },
        { kind: 'pause', seconds: 2 },
        { kind: 'hangup' },
      ]);
    });

    describe('menu', () => {
      const menu = (extra: string): Flow =>
        flowOf(`start: m
nodes:
  m:
    kind: menu
    prompt: ${P('请选择', 'Choose')}
    timeoutSeconds: 4
    retries: 2
    noInputPrompt: ${P('没听到', 'Did not hear you')}
    options:
      - { key: "1", next: one }
      - { key: "2", keywords: [投诉, complaint], language: en, next: two }
${extra}
  one: { kind: queue, desk: dialect }
  two: { kind: queue, desk: business, priority: 3 }
  three: { kind: hangup }
`);

      it('gathers keys and speech with hints, in the call language', () => {
        const [steps] = run(menu('    default: three'), []).turns;
        expect(steps).to.deep.equal([
          {
            kind: 'gather',
            input: ['dtmf', 'speech'],
            numDigits: 1,
            timeoutSeconds: 4,
            language: 'zh-CN',
            hints: ['投诉', 'complaint'],
            prompt: [{ kind: 'say', text: '请选择', language: 'zh-CN' }],
          },
        ]);
      });

      it('follows a key, a keyword or a spoken key, and switches language when the option says so', () => {
        const flow = menu('    default: three');
        expect(last(last(run(flow, [{ kind: 'digits', digits: '1' }]).turns) ?? [])).to.deep.equal({ kind: 'enqueue', desk: 'dialect', priority: 0 });
        const byWord = run(flow, [{ kind: 'speech', text: '我要投诉', confidence: 0.9 }]);
        expect(last(last(byWord.turns) ?? [])).to.deep.equal({ kind: 'enqueue', desk: 'business', priority: 3 });
        expect(byWord.state.language).to.equal('en');
        expect(last(last(run(flow, [{ kind: 'speech', text: '按1', confidence: 0.9 }]).turns) ?? [])).to.deep.include({ desk: 'dialect' });
      });

      it('asks again after silence with the no-input prompt, up to its retries, then takes the default', () => {
        const { turns, state } = run(menu('    default: three'), [{ kind: 'timeout' }, { kind: 'timeout' }, { kind: 'timeout' }]);
        expect(turns[1]?.map((s) => s.kind)).to.deep.equal(['say', 'gather']);
        expect(turns[1]?.[0]).to.deep.equal({ kind: 'say', text: '没听到', language: 'zh-CN' });
        expect(turns[2]?.map((s) => s.kind)).to.deep.equal(['say', 'gather']);
        expect(turns[3]).to.deep.equal([{ kind: 'hangup' }]);
        expect(state.failure).to.equal(undefined);
      });

      it('treats low-confidence speech as unrecognised', () => {
        const { turns, state } = run(menu('    default: three'), [{ kind: 'speech', text: '投诉', confidence: 0.1 }]);
        expect(turns[1]?.[0]).to.deep.equal({ kind: 'say', text: '对不起，您的输入有误。', language: 'zh-CN' });
        expect(state.retries).to.equal(1);
        expect(state.node).to.equal('m');
      });

      it('goes to noInput and speechNoMatch targets at once when they are set', () => {
        const flow = menu('    noInput: one\n    speechNoMatch: three');
        expect(last(last(run(flow, [{ kind: 'timeout' }]).turns) ?? [])).to.deep.include({ desk: 'dialect' });
        expect(last(run(flow, [{ kind: 'speech', text: '随便说说', confidence: 0.9 }]).turns)).to.deep.equal([{ kind: 'hangup' }]);
      });

      it('without a default, used-up retries fall back to the general desk with an apology', () => {
        const { turns, state } = run(menu(''), [{ kind: 'digits', digits: '9' }, { kind: 'digits', digits: '9' }, { kind: 'digits', digits: '9' }]);
        expect(last(turns)).to.deep.equal(QUEUE_FALLBACK);
        expect(state.failure).to.deep.equal({ reason: 'no valid choice after 3 tries', node: 'm' });
      });
    });

    describe('rating', () => {
      const flow = flowOf(`start: r
nodes:
  r:
    kind: rating
    outcome: score
    prompt: ${P('请评价', 'Rate us')}
    retries: 0
    choices:
      - { key: "1", value: good, keywords: [好] }
      - { key: "2", value: bad, next: sorry }
    next: bye
    noAnswer: { value: none, next: bye }
  sorry: { kind: hangup, prompt: ${P('抱歉', 'Sorry')} }
  bye: { kind: hangup }
`);

      it('records the chosen value as an outcome and goes to the choice\'s next or the node\'s', () => {
        const good = run(flow, [{ kind: 'speech', text: '挺好', confidence: 0.5 }]);
        expect(last(good.turns)).to.deep.equal([{ kind: 'outcome', name: 'score', value: 'good' }, { kind: 'hangup' }]);
        expect(good.state.outcomes).to.deep.equal({ score: 'good' });
        const bad = run(flow, [{ kind: 'digits', digits: '2' }]);
        expect(last(bad.turns)?.map((s) => s.kind)).to.deep.equal(['outcome', 'say', 'hangup']);
      });

      it('records the no-answer value when retries are used up, for silence and wrong keys alike', () => {
        for (const input of [{ kind: 'timeout' }, { kind: 'digits', digits: '5' }] as CallInput[]) {
          const { turns, state } = run(flow, [input]);
          expect(last(turns)).to.deep.equal([{ kind: 'outcome', name: 'score', value: 'none' }, { kind: 'hangup' }]);
          expect(state.outcomes.score).to.equal('none');
        }
      });
    });

    it('queue enqueues on its desk with its priority after its prompt and ends the flow', () => {
      const flow = flowOf(`start: q
nodes:
  q: { kind: queue, desk: foreign, priority: 2, prompt: ${P('请稍候', 'Please hold')} }
`);
      const { steps, state } = startCall(flow, { now: NOW, language: 'en' });
      expect(steps).to.deep.equal([{ kind: 'say', text: 'Please hold', language: 'en' }, { kind: 'enqueue', desk: 'foreign', priority: 2 }]);
      expect(state.status).to.equal('ended');
      expect(state.final).to.deep.equal({ kind: 'enqueue', desk: 'foreign', priority: 2 });
    });

    describe('voicebot', () => {
      const flow = (resolved: string): Flow =>
        flowOf(`start: bot
nodes:
  bot:
    kind: voicebot
    prompt: ${P('请说出您的问题', 'How can I help?')}
    unavailable: q-general
    wantsAgent: q-agent
${resolved}
  q-general: { kind: queue, desk: general }
  q-agent: { kind: queue, desk: general, priority: 1 }
  bye: { kind: hangup, prompt: ${P('再见', 'Bye')} }
`);

      it('hands the call to the bot, then routes by its result', () => {
        const f = flow('    resolved: bye');
        expect(run(f, []).turns[0]).to.deep.equal([{ kind: 'say', text: '请说出您的问题', language: 'zh-CN' }, { kind: 'voicebot', language: 'zh-CN' }]);
        expect(last(run(f, [{ kind: 'bot', result: 'wants-agent' }]).turns)).to.deep.equal([{ kind: 'enqueue', desk: 'general', priority: 1 }]);
        expect(last(run(f, [{ kind: 'bot', result: 'unavailable' }]).turns)).to.deep.equal([{ kind: 'enqueue', desk: 'general', priority: 0 }]);
        expect(last(run(f, [{ kind: 'bot', result: 'resolved' }]).turns)?.map((s) => s.kind)).to.deep.equal(['say', 'hangup']);
        expect(last(run(f, [{ kind: 'timeout' }]).turns)).to.deep.equal([{ kind: 'enqueue', desk: 'general', priority: 0 }]);
      });

      it('hangs up after a resolved question when no resolved node is named', () => {
        expect(last(run(flow(''), [{ kind: 'bot', result: 'resolved' }]).turns)).to.deep.equal([{ kind: 'hangup' }]);
      });
    });

    it('voicemail and record ask, record, store the recording as an outcome and move on', () => {
      const flow = flowOf(`start: vm
nodes:
  vm: { kind: voicemail, prompt: ${P('请留言', 'Leave a message')}, maxSeconds: 90, next: c }
  c: { kind: record, prompt: ${P('请评论', 'Comment')}, outcome: remark, next: bye }
  bye: { kind: hangup }
`);
      const { turns, state } = run(flow, [
        { kind: 'recorded', recordingId: 'RE1', durationSeconds: 30, url: 'http://127.0.0.1/r/RE1' },
        { kind: 'recorded', recordingId: 'RE2', durationSeconds: 5 },
      ]);
      expect(turns[0]).to.deep.equal([{ kind: 'say', text: '请留言', language: 'zh-CN' }, { kind: 'record', maxSeconds: 90, purpose: 'voicemail' }]);
      expect(turns[1]).to.deep.equal([
        { kind: 'outcome', name: 'voicemail', value: 'RE1' },
        { kind: 'say', text: '请评论', language: 'zh-CN' },
        { kind: 'record', maxSeconds: 60, purpose: 'comment' },
      ]);
      expect(turns[2]).to.deep.equal([{ kind: 'outcome', name: 'remark', value: 'RE2' }, { kind: 'hangup' }]);
      expect(state.recordings.map((r) => [r.node, r.purpose, r.recordingId])).to.deep.equal([['vm', 'voicemail', 'RE1'], ['c', 'comment', 'RE2']]);
    });

    it('transfer dials the outside number, recorded, after its prompt', () => {
      const flow = (number: string): Flow =>
        flowOf(`start: t
nodes:
  t: { kind: transfer, number: "${number}", prompt: ${P('正在为您转接110', 'Transferring you to 110')} }
`);
      expect(startCall(flow('110'), { now: NOW }).steps).to.deep.equal([
        { kind: 'say', text: '正在为您转接110', language: 'zh-CN' },
        { kind: 'dial', number: '110', record: true, purpose: 'emergency-transfer' },
      ]);
      expect(last(startCall(flow('96119'), { now: NOW }).steps)).to.deep.include({ purpose: 'outside-transfer' });
    });

    describe('hours', () => {
      const flow = flowOf(`start: h
nodes:
  h:
    kind: hours
    timezone: Asia/Shanghai
    weekly: { mon: ["08:30-12:00", "13:30-17:30"], sat: [], daily: ["09:00-17:00"] }
    holidays: ["10:00-12:00"]
    open: yes
    closed: no
  yes: { kind: queue, desk: general }
  no: { kind: hangup }
`);
      const openAt = (now: string, holiday = false): boolean => last(startCall(flow, { now, holiday }).steps)?.kind === 'enqueue';

      it('opens within a weekday\'s ranges in the desk\'s time zone, not the server\'s', () => {
        expect(openAt('2025-03-03T08:30:00+08:00')).to.equal(true); // Monday 08:30
        expect(openAt('2025-03-03T08:29:00+08:00')).to.equal(false);
        expect(openAt('2025-03-03T12:30:00+08:00')).to.equal(false); // lunch
        expect(openAt('2025-03-03T17:30:00+08:00')).to.equal(false); // the end is exclusive
        expect(openAt('2025-03-03T01:00:00Z')).to.equal(true); // 09:00 Monday in Beijing
        expect(openAt('2025-03-02T23:00:00Z')).to.equal(false); // 07:00 Monday in Beijing, still Sunday in UTC
      });

      it('uses daily for unlisted days, keeps an empty day closed, and holiday hours on holidays', () => {
        expect(openAt('2025-03-05T16:00:00+08:00')).to.equal(true); // Wednesday: daily
        expect(openAt('2025-03-08T10:00:00+08:00')).to.equal(false); // Saturday: []
        expect(openAt('2025-03-05T16:00:00+08:00', true)).to.equal(false); // holiday: 10-12 only
        expect(openAt('2025-03-05T11:00:00+08:00', true)).to.equal(true);
      });
    });

    it('branch tests facts, the call language and earlier outcomes, in order, with a default', () => {
      const flow = flowOf(`start: r
nodes:
  r:
    kind: rating
    outcome: mood
    prompt: ${P('心情', 'Mood')}
    choices: [{ key: "1", value: happy }, { key: "2", value: sad }]
    next: b
    noAnswer: { value: none, next: b }
  b:
    kind: branch
    cases:
      - { when: { fact: repeatCaller, equals: true }, next: repeat }
      - { when: { fact: language, equals: en }, next: english }
      - { when: { outcome: mood, equals: sad }, next: sad }
    default: other
  repeat: { kind: queue, desk: general, priority: 1 }
  english: { kind: queue, desk: foreign }
  sad: { kind: queue, desk: dialect }
  other: { kind: hangup }
`);
      const end = (facts: Record<string, unknown>, key: string): Step | undefined => last(last(run(flow, [{ kind: 'digits', digits: key }], facts).turns) ?? []);
      expect(end({ repeatCaller: true, language: 'en' }, '2')).to.deep.include({ priority: 1 });
      expect(end({ language: 'en' }, '2')).to.deep.include({ desk: 'foreign' });
      expect(end({}, '2')).to.deep.include({ desk: 'dialect' });
      expect(end({}, '1')).to.deep.equal({ kind: 'hangup' });
    });

    it('hangup says its prompt if any and ends the flow', () => {
      const flow = flowOf(`start: a\nnodes:\n  a: { kind: hangup, prompt: ${P('再见', 'Bye')} }\n`);
      const { steps, state } = startCall(flow, { now: NOW });
      expect(steps).to.deep.equal([{ kind: 'say', text: '再见', language: 'zh-CN' }, { kind: 'hangup' }]);
      expect(state.status).to.equal('ended');
    });
  });

  describe('call state', () => {
    const flow = flowOf(`start: g
nodes:
  g: { kind: say, prompt: ${P('你好', 'Hi')}, next: m }
  m:
    kind: menu
    prompt: ${P('请选择', 'Choose')}
    options: [{ key: "3", language: en, next: r }]
    default: q
  r:
    kind: rating
    outcome: score
    prompt: ${P('评价', 'Rate')}
    choices: [{ key: "1", value: good }]
    next: q
    noAnswer: { value: none, next: q }
  q: { kind: queue, desk: general }
`);

    it('says which facts a branch tests, so a fact no branch tests may be learnt after answering', () => {
      const branching = flowOf(`start: b
nodes:
  b:
    kind: branch
    cases: [{ when: { fact: repeatCaller, equals: true }, next: q }]
    default: q
  q: { kind: queue, desk: general }
`);
      expect(branchesOnFact(branching, 'repeatCaller')).to.equal(true);
      expect(branchesOnFact(branching, 'callerBlocked')).to.equal(false);
      expect(branchesOnFact(flow, 'repeatCaller')).to.equal(false);
    });

    it('survives a JSON round trip at every turn with the same result as the live object', () => {
      const inputs: CallInput[] = [{ kind: 'digits', digits: '7' }, { kind: 'digits', digits: '3' }, { kind: 'digits', digits: '1' }];
      let live = startCall(flow, { now: NOW, repeatCaller: true });
      let stored = startCall(flow, { now: NOW, repeatCaller: true });
      for (const input of inputs) {
        live = step(flow, live.state, input);
        stored = step(flow, JSON.parse(JSON.stringify(stored.state)) as CallState, input);
        expect(stored).to.deep.equal(live);
        expect(JSON.parse(JSON.stringify(stored.state))).to.deep.equal(stored.state);
      }
      expect(stored.state).to.deep.include({ status: 'ended', language: 'en', outcomes: { score: 'good' } });
      expect(stored.state.path).to.deep.equal(['g', 'm', 'r', 'q']);
      expect(stored.state.facts.repeatCaller).to.equal(true);
    });

    it('never changes the state it is given', () => {
      const { state } = startCall(flow, { now: NOW });
      const frozen = deepFreeze(JSON.parse(JSON.stringify(state)) as CallState);
      const before = JSON.stringify(frozen);
      const result = step(flow, frozen, { kind: 'digits', digits: '3' });
      expect(result.state.failure).to.equal(undefined);
      expect(result.state.node).to.equal('r');
      expect(JSON.stringify(frozen)).to.equal(before);
    });

    it('start on a waiting call repeats the question without resetting retries; an ended call repeats its final step', () => {
      const first = startCall(flow, { now: NOW });
      const wrong = step(flow, first.state, { kind: 'digits', digits: '9' });
      expect(wrong.state.retries).to.equal(1);
      const again = step(flow, wrong.state, { kind: 'start' });
      expect(again.steps.map((s) => s.kind)).to.deep.equal(['gather']);
      expect(again.state.retries).to.equal(1);
      expect(again.state.path).to.deep.equal(['g', 'm']);
      const ended = step(flow, again.state, { kind: 'digits', digits: '9' });
      expect(ended.steps).to.deep.equal([{ kind: 'enqueue', desk: 'general', priority: 0 }]);
      expect(step(flow, ended.state, { kind: 'digits', digits: '1' }).steps).to.deep.equal([{ kind: 'enqueue', desk: 'general', priority: 0 }]);
    });

    it('createCallState starts at the start node in the caller\'s language', () => {
      const state = createCallState(flow, { now: NOW, callerBlocked: false, repeatCaller: false, holiday: false, language: 'en' });
      expect(state).to.deep.include({ node: 'g', status: 'active', language: 'en', retries: 0 });
    });
  });

  describe('failures reach an agent, never silence', () => {
    it('an unknown node keeps what was said and adds the apology and the general queue', () => {
      const flow = rawFlow({ a: { kind: 'say', prompt: [{ 'zh-CN': '你好', en: 'Hi' }], next: 'missing' } });
      const { steps, state } = startCall(flow, { now: NOW });
      expect(steps).to.deep.equal([{ kind: 'say', text: '你好', language: 'zh-CN' }, ...QUEUE_FALLBACK]);
      expect(state).to.deep.include({ status: 'ended', failure: { reason: 'node "missing" does not exist', node: 'missing' } });
    });

    it('a loop without input is cut off', () => {
      const flow = rawFlow({ a: { kind: 'say', prompt: [{ 'zh-CN': '喂', en: 'Hello' }], next: 'a' } });
      const { steps, state } = startCall(flow, { now: NOW });
      expect(steps.slice(-2)).to.deep.equal(QUEUE_FALLBACK);
      expect(state.failure?.reason).to.match(/without input/);
    });

    it('a thrown error inside the flow', () => {
      const flow = rawFlow({});
      Object.defineProperty(flow.nodes, 'a', { get: () => { throw new TypeError('boom'); }, enumerable: true });
      const { steps, state } = startCall(flow, { now: NOW });
      expect(steps).to.deep.equal(QUEUE_FALLBACK);
      expect(state.failure?.reason).to.equal('boom');
    });

    it('a node name that exists only on Object.prototype', () => {
      const { steps } = startCall(rawFlow({}, 'constructor'), { now: NOW });
      expect(steps).to.deep.equal(QUEUE_FALLBACK);
    });

    it('even a missing flow (a server bug) gets the apology and the general queue', () => {
      const { steps, state } = startCall(undefined as unknown as Flow, { now: NOW });
      expect(steps).to.deep.equal(QUEUE_FALLBACK);
      expect(state.status).to.equal('ended');
    });

    it('a flow whose own fallback is broken still apologises with the built-in text', () => {
      const flow = { ...rawFlow({}), fallback: undefined } as unknown as Flow;
      expect(startCall(flow, { now: NOW }).steps).to.deep.equal(QUEUE_FALLBACK);
    });

    it('corrupt state, a state from another flow, bad facts and bad input', () => {
      const flow = rawFlow({ a: { kind: 'hangup' } });
      for (const state of [null, {}, { ...startCall(flow, { now: NOW }).state, version: 2 }]) {
        expect(step(flow, state as unknown as CallState, { kind: 'timeout' }).steps).to.deep.equal(QUEUE_FALLBACK);
      }
      const other = createCallState({ ...flow, id: 'other' }, { now: NOW, callerBlocked: false, repeatCaller: false, holiday: false });
      expect(step(flow, other, { kind: 'start' }).state.failure?.reason).to.match(/belongs to flow "other"/);
      const badFacts = startCall(flow, { now: 'yesterday' });
      expect(badFacts.steps).to.deep.equal(QUEUE_FALLBACK);
      expect(badFacts.state.failure?.reason).to.match(/invalid call facts/);
      const english = startCall(flow, { now: 'yesterday', language: 'en' });
      expect(english.steps[0]).to.deep.equal({ kind: 'say', text: APOLOGY_EN, language: 'en' });
      const menuFlow = flowOf(`start: m\nnodes:\n  m: { kind: menu, prompt: ${P('选', 'Pick')}, options: [{ key: "1", next: q }] }\n  q: { kind: queue, desk: dialect }\n`);
      const badInput = step(menuFlow, startCall(menuFlow, { now: NOW }).state, { kind: 'digits', digits: 'abc' } as CallInput);
      expect(badInput.steps).to.deep.equal(QUEUE_FALLBACK);
    });

    it('an apology is said in English once the caller chose English', () => {
      const flow = rawFlow({
        a: { kind: 'menu', prompt: [{ 'zh-CN': '选', en: 'Pick' }], input: ['dtmf'], timeoutSeconds: 3, retries: 0, minConfidence: 0.3, options: [{ key: '3', language: 'en', next: 'gone' }] },
      });
      const result = step(flow, startCall(flow, { now: NOW }).state, { kind: 'digits', digits: '3' });
      expect(result.steps).to.deep.equal([{ kind: 'say', text: APOLOGY_EN, language: 'en' }, { kind: 'enqueue', desk: 'general', priority: 0 }]);
    });

    it('isTerminalStep recognises the steps that hand a call on', () => {
      expect((['enqueue', 'dial', 'hangup', 'say', 'gather'] as const).map((kind) => isTerminalStep({ kind } as Step))).to.deep.equal([true, true, true, false, false]);
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
