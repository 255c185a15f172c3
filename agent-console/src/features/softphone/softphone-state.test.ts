import { expect } from 'chai';
import type { AgentState, Call, CallOffered } from '../calls/types.ts';
import { formatDuration, secondsSince, ticketRegistrationPath } from '../calls/format.ts';
import { initialSoftphoneState, ringSecondsLeft, softphoneReducer, type SoftphoneAction, type SoftphoneState } from './softphone-state.ts';

const ME = 'agent-me';

function call(overrides: Partial<Call> = {}): Call {
  return {
    id: 'call-1',
    direction: 'inbound',
    status: 'offering',
    outcome: null,
    callerMasked: '138****8000',
    repeatCaller: false,
    desk: 'general',
    priority: 0,
    language: 'zh-CN',
    callbackRequested: false,
    agentId: ME,
    answeredBy: null,
    offeredAt: '2025-03-14T01:00:00.000Z',
    queuedAt: '2025-03-14T01:00:05.000Z',
    answeredAt: null,
    abandonedAt: null,
    transferredAt: null,
    endedAt: null,
    waitSeconds: null,
    talkSeconds: null,
    wrapUpCode: null,
    transferTarget: null,
    transcript: null,
    ...overrides,
  };
}

const offered = (c = call()): CallOffered => ({ offerId: 'offer-1', ringTimeoutSeconds: 20, call: c, screenPop: { repeatCaller: true, earlierCalls: [], tickets: [] } });
const stateChanged = (state: AgentState['state'], callId: string | null = 'call-1', userId = ME): SoftphoneAction => ({
  type: 'stateChanged',
  change: { userId, from: null, state, reason: null, callId, at: '2025-03-14T01:01:00.000Z' },
});

function run(actions: SoftphoneAction[], from: SoftphoneState = initialSoftphoneState(ME)): SoftphoneState {
  return actions.reduce(softphoneReducer, from);
}

describe('softphone state', () => {
  it('rings on an offer, talks once the agent is on the call, and asks for a wrap-up code when it ends', () => {
    const ringing = run([stateChanged('ringing'), { type: 'offered', offer: offered(), at: 1000 }]);
    expect(ringing.phase).to.equal('ringing');
    expect(ringing.screenPop?.repeatCaller).to.equal(true);
    expect(ringSecondsLeft(ringing.offer!, 6000)).to.equal(15);

    const talking = run([stateChanged('on_call'), { type: 'callEvent', event: 'call.answered', call: call({ status: 'talking', answeredAt: '2025-03-14T01:01:00.000Z' }) }], ringing);
    expect(talking.phase).to.equal('talking');
    expect(talking.offer).to.equal(null);
    expect(talking.call?.status).to.equal('talking');

    const ended = run([stateChanged('wrap_up'), { type: 'callEvent', event: 'call.ended', call: call({ status: 'ended', talkSeconds: 42 }) }], talking);
    expect(ended.phase).to.equal('idle');
    expect(ended.call).to.equal(null);
    expect(ended.wrapUp?.talkSeconds, 'the wrap-up call is refreshed by the later call.ended').to.equal(42);
    expect(run([{ type: 'wrappedUp', callId: 'call-1' }], ended).wrapUp).to.equal(null);
  });

  it('stops ringing when the offer ends (caller hung up, declined, ring-no-answer) without a wrap-up', () => {
    const ringing = run([{ type: 'offered', offer: offered(), at: 0 }]);
    expect(run([{ type: 'offerEnded', ended: { offerId: 'other', callId: 'call-1', status: 'canceled' } }], ringing).phase).to.equal('ringing');
    const ended = run([{ type: 'offerEnded', ended: { offerId: 'offer-1', callId: 'call-1', status: 'canceled' } }], ringing);
    expect(ended.phase).to.equal('idle');
    expect(ended.wrapUp).to.equal(null);
    const onBreak = run([stateChanged('break', null)], ringing);
    expect(onBreak.phase).to.equal('idle');
    expect(onBreak.agent?.state).to.equal('break');
  });

  it('ignores other agents’ state and call events (a supervisor hears the whole floor)', () => {
    const talking = run([{ type: 'offered', offer: offered(), at: 0 }, stateChanged('on_call')]);
    const after = run(
      [stateChanged('available', null, 'someone-else'), { type: 'callEvent', event: 'call.ended', call: call({ id: 'call-2', status: 'ended' }) }],
      talking,
    );
    expect(after.phase).to.equal('talking');
    expect(after.call?.id).to.equal('call-1');
  });

  it('a consulted agent in a warm transfer starts talking on their state change alone', () => {
    const consult = run([{ type: 'offered', offer: offered(call({ status: 'talking', agentId: 'first-agent' })), at: 0 }]);
    // The first agent's call.updated (consult answered) names another agent: it does not end the ring.
    const stillRinging = run([{ type: 'callEvent', event: 'call.updated', call: call({ status: 'talking', agentId: 'first-agent' }) }], consult);
    expect(stillRinging.phase).to.equal('ringing');
    expect(run([stateChanged('on_call')], stillRinging).phase).to.equal('talking');
  });

  it('restores a call in progress after a reload, and a pending wrap-up', () => {
    const agent: AgentState = { userId: ME, state: 'on_call', reason: null, since: '2025-03-14T01:01:00.000Z', callId: 'call-1', wrapUntil: null };
    const restored = run([{ type: 'loaded', agent, current: { call: call({ status: 'talking' }), offerId: 'offer-1', screenPop: null }, at: 0 }]);
    expect(restored.phase).to.equal('talking');
    const wrapping = run([{ type: 'loaded', agent: { ...agent, state: 'wrap_up' }, current: { call: call({ status: 'ended' }), offerId: null, screenPop: null }, at: 0 }]);
    expect(wrapping.phase).to.equal('idle');
    expect(wrapping.wrapUp?.id).to.equal('call-1');
    const ringing = run([{ type: 'loaded', agent: { ...agent, state: 'ringing' }, current: { call: call(), offerId: 'offer-1', screenPop: null }, at: 0 }]);
    expect(ringing.phase).to.equal('ringing');
    expect(ringSecondsLeft(ringing.offer!, 5000)).to.equal(null);
  });

  it('formats timers and builds the ticket registration link from the call', () => {
    expect(formatDuration(7)).to.equal('0:07');
    expect(formatDuration(754)).to.equal('12:34');
    expect(formatDuration(3723)).to.equal('1:02:03');
    expect(formatDuration(-3)).to.equal('0:00');
    expect(secondsSince('2025-03-14T01:00:00.000Z', Date.parse('2025-03-14T01:00:09.900Z'))).to.equal(9);
    expect(ticketRegistrationPath({ id: 'c1', callerMasked: '138****8000' })).to.equal('/tickets/new?callId=c1&phone=138****8000');
  });

  it('follows hold and mute as the server keeps them (another tab, a retry), not only this tab’s clicks', () => {
    const talking = run([{ type: 'offered', offer: offered(), at: 0 }, stateChanged('on_call')]);
    expect(talking.held).to.equal(false);
    const held = run([{ type: 'callEvent', event: 'call.updated', call: call({ status: 'talking', onHold: true, heldSince: '2025-03-14T01:02:00.000Z', agentMuted: true }) }], talking);
    expect(held).to.include({ held: true, muted: true });
    const resumed = run([{ type: 'callEvent', event: 'call.updated', call: call({ status: 'talking', onHold: false, agentMuted: false }) }], held);
    expect(resumed).to.include({ held: false, muted: false });
    // An older payload without the fields leaves the state as it was.
    const legacy = run([{ type: 'held', value: true }, { type: 'callEvent', event: 'call.updated', call: call({ status: 'talking' }) }], resumed);
    expect(legacy.held).to.equal(true);
    const reloaded = run([{ type: 'loaded', agent: { userId: ME, state: 'on_call', reason: null, since: '2025-03-14T01:01:00.000Z', callId: 'call-1', wrapUntil: null }, current: { call: call({ status: 'talking', onHold: true, agentMuted: false }), offerId: null, screenPop: null }, at: 0 }]);
    expect(reloaded).to.include({ phase: 'talking', held: true, muted: false });
  });
});
