/**
 * The softphone's state machine, pure so it can be tested without a browser: what the agent's phone is
 * doing (idle, ringing, talking), the call and screen pop on it, and the call waiting for its wrap-up code.
 *
 * The server's agent state is the truth about whether this agent is on a call: a supervisor also receives
 * every other agent's call events (role room), and a consulted agent in a warm transfer gets no
 * `call.answered` of their own, so "talking" follows `agent.state_changed` to `on_call`, and call events
 * only refresh the call they name.
 */
import type { AgentState, AgentStateChanged, Call, CallOffered, CurrentCall, OfferEnded, ScreenPop } from '../calls/types.ts';

export type Phase = 'idle' | 'ringing' | 'talking';

export type Offer = { offerId: string; callId: string; ringTimeoutSeconds: number | null; receivedAt: number };

export type SoftphoneState = {
  me: string;
  agent: AgentState | null;
  phase: Phase;
  offer: Offer | null;
  call: Call | null;
  screenPop: ScreenPop | null;
  /** The answer was sent and the carrier has not confirmed yet. */
  answering: boolean;
  held: boolean;
  muted: boolean;
  /** A warm transfer was started and is waiting for "complete". */
  warmPending: boolean;
  /** A call this agent talked on that has no wrap-up code yet. */
  wrapUp: Call | null;
};

export type SoftphoneAction =
  | { type: 'loaded'; agent: AgentState; current: CurrentCall; at: number }
  | { type: 'agentState'; agent: AgentState }
  | { type: 'stateChanged'; change: AgentStateChanged }
  | { type: 'offered'; offer: CallOffered; at: number }
  | { type: 'offerEnded'; ended: OfferEnded }
  | { type: 'callEvent'; event: 'call.answered' | 'call.updated' | 'call.ended'; call: Call }
  | { type: 'answering'; value: boolean }
  | { type: 'held'; value: boolean }
  | { type: 'muted'; value: boolean }
  | { type: 'warmPending'; value: boolean }
  | { type: 'wrappedUp'; callId: string };

export function initialSoftphoneState(me: string): SoftphoneState {
  return { me, agent: null, phase: 'idle', offer: null, call: null, screenPop: null, answering: false, held: false, muted: false, warmPending: false, wrapUp: null };
}

const cleared = { phase: 'idle' as const, offer: null, call: null, screenPop: null, answering: false, held: false, muted: false, warmPending: false };

/** The call is over for this agent: it waits for its wrap-up code unless it has one already. */
function finishTalking(state: SoftphoneState, call: Call | null): SoftphoneState {
  const last = call ?? state.call;
  return { ...state, ...cleared, wrapUp: last && !last.wrapUpCode ? last : state.wrapUp };
}

export function softphoneReducer(state: SoftphoneState, action: SoftphoneAction): SoftphoneState {
  switch (action.type) {
    case 'loaded': {
      const { agent, current } = action;
      const base = { ...state, agent };
      const call = current.call;
      if (agent.state === 'ringing' && call && current.offerId && call.status !== 'ended') {
        // Reloaded while ringing: the ring time left is unknown, so no countdown.
        return {
          ...base,
          ...cleared,
          phase: 'ringing',
          call,
          screenPop: current.screenPop,
          offer: { offerId: current.offerId, callId: call.id, ringTimeoutSeconds: state.offer?.offerId === current.offerId ? state.offer.ringTimeoutSeconds : null, receivedAt: state.offer?.receivedAt ?? action.at },
        };
      }
      if (agent.state === 'on_call' && call) {
        const same = state.call?.id === call.id;
        return { ...base, phase: 'talking', offer: null, call, screenPop: current.screenPop, answering: false, held: call.onHold ?? (same && state.held), muted: call.agentMuted ?? (same && state.muted), warmPending: same && state.warmPending };
      }
      const wrapUp = agent.state === 'wrap_up' && call && !call.wrapUpCode ? call : state.wrapUp;
      return { ...base, ...cleared, wrapUp };
    }
    case 'agentState':
      return applyAgentState(state, action.agent);
    case 'stateChanged': {
      const { change } = action;
      if (change.userId !== state.me) return state;
      const agent: AgentState = { userId: change.userId, state: change.state, reason: change.reason, since: change.at, callId: change.callId, wrapUntil: change.state === 'wrap_up' ? (state.agent?.wrapUntil ?? null) : null };
      return applyAgentState(state, agent);
    }
    case 'offered': {
      const { offer } = action;
      return {
        ...state,
        ...cleared,
        phase: 'ringing',
        offer: { offerId: offer.offerId, callId: offer.call.id, ringTimeoutSeconds: offer.ringTimeoutSeconds, receivedAt: action.at },
        call: offer.call,
        screenPop: offer.screenPop,
      };
    }
    case 'offerEnded': {
      if (state.phase !== 'ringing' || state.offer?.offerId !== action.ended.offerId) return state;
      return { ...state, ...cleared };
    }
    case 'callEvent': {
      const { call } = action;
      let next = state;
      if (state.wrapUp?.id === call.id) next = { ...next, wrapUp: call.wrapUpCode ? null : call };
      if (state.call?.id !== call.id) return next;
      if (state.phase === 'ringing') {
        if (action.event === 'call.answered' && call.agentId === state.me) return { ...next, phase: 'talking', offer: null, call, answering: false };
        if (call.status === 'ended') return { ...next, ...cleared };
        return { ...next, call };
      }
      if (state.phase === 'talking' && call.status === 'ended') return finishTalking(next, call);
      // Hold and mute are kept on the server: a second tab, a supervisor's action or a retry all agree.
      return { ...next, call, held: call.onHold ?? next.held, muted: call.agentMuted ?? next.muted };
    }
    case 'answering':
      return { ...state, answering: action.value };
    case 'held':
      return { ...state, held: action.value };
    case 'muted':
      return { ...state, muted: action.value };
    case 'warmPending':
      return { ...state, warmPending: action.value };
    case 'wrappedUp':
      return state.wrapUp?.id === action.callId ? { ...state, wrapUp: null } : state;
  }
}

/** A new agent state, from the server's answer or its push: ringing ends, talking starts or ends. */
function applyAgentState(state: SoftphoneState, agent: AgentState): SoftphoneState {
  const next = { ...state, agent };
  if (agent.state === 'on_call') {
    if (state.phase === 'ringing' && state.offer && (agent.callId === null || agent.callId === state.offer.callId)) return { ...next, phase: 'talking', offer: null, answering: false };
    return next;
  }
  if (state.phase === 'talking') return finishTalking(next, null);
  if (state.phase === 'ringing' && agent.state !== 'ringing') return { ...next, ...cleared };
  return next;
}

/** Seconds of ringing left for an offer, or null when unknown (offer restored after a reload). */
export function ringSecondsLeft(offer: Offer, now: number): number | null {
  if (offer.ringTimeoutSeconds === null) return null;
  return Math.max(0, Math.ceil(offer.ringTimeoutSeconds - (now - offer.receivedAt) / 1000));
}
