/**
 * The interpreter's promise, checked on random calls: whatever the caller (or a confused server) does, every
 * answer has steps, ends waiting for the caller or handing the call on, and every call ends in a queue, an
 * outside number or a hangup. Seeded, so a failure is reproducible.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DESKS, LANGUAGES, loadFlows, startCall, step, type CallInput, type CallState, type Flow, type Step } from '../src/index.ts';

const FLOWS_DIR = fileURLToPath(new URL('../flows', import.meta.url));
const CALLS_PER_FLOW = 400;
const MAX_INPUTS = 30;

/** mulberry32: a tiny deterministic generator. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPOKEN = ['方言', '企业', 'English please', '满意', '不满意', '基本满意', '三', '按2', '我要投诉', '', '留言', 'message', '嗯', 'one'];

function randomInput(random: () => number): CallInput {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const roll = random();
  if (roll < 0.3) return { kind: 'digits', digits: pick(['1', '2', '3', '0', '9', '*', '#', '12', '3#']) };
  if (roll < 0.5) return { kind: 'timeout' };
  if (roll < 0.7) return { kind: 'speech', text: pick(SPOKEN), confidence: Math.round(random() * 100) / 100 };
  if (roll < 0.82) return { kind: 'recorded', recordingId: `RE${Math.floor(random() * 1000)}`, durationSeconds: pick([0, 3, 40]) };
  if (roll < 0.94) return { kind: 'bot', result: pick(['resolved', 'wants-agent', 'unavailable'] as const) };
  return { kind: 'start' };
}

function checkTurn(steps: readonly Step[], state: CallState, where: string): void {
  expect(steps, where).to.not.be.empty;
  const lastKind = steps.at(-1)?.kind;
  if (state.status === 'active') expect(['gather', 'record', 'voicebot'], where).to.include(lastKind);
  else expect(['enqueue', 'dial', 'hangup'], where).to.include(lastKind);
  for (const s of steps.flatMap((x): Step[] => (x.kind === 'gather' ? [x, ...x.prompt] : [x]))) {
    if (s.kind === 'say') {
      expect(s.text.trim(), where).to.not.equal('');
      expect(LANGUAGES, where).to.include(s.language);
    }
    if (s.kind === 'gather') expect(s.prompt, where).to.not.be.empty;
    if (s.kind === 'enqueue') expect(DEFAULT_DESKS, where).to.include(s.desk);
  }
  expect(JSON.parse(JSON.stringify(state)), where).to.deep.equal(state);
}

describe('ivr-flows: random calls never end in silence', () => {
  let flows: ReadonlyMap<string, Flow>;
  before(async () => {
    ({ flows } = await loadFlows(FLOWS_DIR));
  });

  for (const [flowId, seed] of [['hotline', 12345], ['survey', 96196], ['post-call-rating', 110], ['voicemail', 120]] as const) {
    it(`${flowId}: ${CALLS_PER_FLOW} random calls each end in enqueue, dial or hangup`, () => {
      const flow = flows.get(flowId);
      if (flow === undefined) throw new Error(`flow ${flowId} missing`);
      const random = generator(seed);
      const endings = new Map<string, number>();
      for (let call = 0; call < CALLS_PER_FLOW; call++) {
        const hour = Math.floor(random() * 24);
        const facts = {
          now: `2025-03-0${1 + Math.floor(random() * 7)}T${String(hour).padStart(2, '0')}:15:00+08:00`,
          callerBlocked: random() < 0.1,
          repeatCaller: random() < 0.3,
          holiday: random() < 0.2,
          ...(random() < 0.2 ? { language: 'en' as const } : {}),
        };
        let result = startCall(flow, facts);
        const where = (): string => `${flowId} call ${call} at ${result.state.path.join('>')}`;
        checkTurn(result.steps, result.state, where());
        for (let i = 0; i < MAX_INPUTS && result.state.status === 'active'; i++) {
          result = step(flow, JSON.parse(JSON.stringify(result.state)) as CallState, randomInput(random));
          checkTurn(result.steps, result.state, where());
        }
        expect(result.state.status, where()).to.equal('ended');
        const final = result.steps.at(-1);
        const key = final?.kind === 'enqueue' ? `enqueue:${final.desk}` : (final?.kind ?? 'none');
        endings.set(key, (endings.get(key) ?? 0) + 1);
      }
      // The random calls must actually explore the flow, not all fall into one ending.
      expect(endings.size, JSON.stringify([...endings])).to.be.at.least(2);
      if (flowId === 'hotline') {
        for (const ending of ['enqueue:general', 'enqueue:dialect', 'enqueue:business', 'enqueue:foreign', 'hangup']) {
          expect(endings.has(ending), `${ending} in ${JSON.stringify([...endings])}`).to.equal(true);
        }
      }
    });
  }
});
