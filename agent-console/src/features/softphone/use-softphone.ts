/**
 * The softphone's live state and commands: loads the agent's state and current call, follows the socket
 * events, and sends every command through the platform's API. In Twilio mode it also runs the browser
 * softphone (Voice JS SDK); in simulator mode "answer" asks the platform to pick up the simulated handset.
 * State is reloaded whenever the live connection comes back, so nothing missed while offline lingers.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { api } from '../../lib/api.ts';
import { useConnectionState, useRealtimeEvent } from '../../lib/socket.ts';
import type { AgentState, AgentStateChanged, Call, CallOffered, CurrentCall, OfferEnded, TelephonyToken } from '../calls/types.ts';
import { initialSoftphoneState, softphoneReducer, type SoftphoneState } from './softphone-state.ts';
import { startBrowserPhone, type BrowserPhone, type BrowserPhoneStatus } from './twilio-device.ts';

export type SelfState = 'available' | 'break' | 'offline';
export type TransferTarget = { kind: 'agent'; agentId: string } | { kind: 'desk'; desk: string };
export type EmergencyNumber = '110' | '119' | '120' | '122';

export type Softphone = {
  state: SoftphoneState;
  /** null until the token endpoint answered. */
  mode: TelephonyToken['mode'] | null;
  /** Twilio mode only: the browser device. */
  phone: { status: BrowserPhoneStatus; message?: string } | null;
  setState(state: SelfState, reason?: string): Promise<void>;
  answer(): Promise<void>;
  decline(): Promise<void>;
  hold(on: boolean): Promise<void>;
  mute(on: boolean): Promise<void>;
  transfer(mode: 'cold' | 'warm', to: TransferTarget): Promise<void>;
  completeTransfer(): Promise<void>;
  conference(departmentId: string): Promise<{ department: { id: string; name: string } }>;
  emergency(number: EmergencyNumber): Promise<void>;
  hangup(): Promise<void>;
  wrapUp(callId: string, code: string, ready: boolean): Promise<void>;
  dismissWrapUp(callId: string): void;
};

const post = <T = unknown>(path: string, body?: unknown) => api.request<T>(path, { method: 'POST', ...(body === undefined ? {} : { body }) });

export function useSoftphone(me: string): Softphone {
  const [state, dispatch] = useReducer(softphoneReducer, me, initialSoftphoneState);
  const connection = useConnectionState();
  const [mode, setMode] = useState<TelephonyToken['mode'] | null>(null);
  const [phone, setPhone] = useState<Softphone['phone']>(null);
  const browserPhone = useRef<BrowserPhone | null>(null);
  const current = useRef(state);
  current.current = state;

  const resync = useCallback(async () => {
    try {
      const [agent, call] = await Promise.all([api.request<AgentState>('/api/agents/me/state'), api.request<CurrentCall>('/api/calls/current')]);
      dispatch({ type: 'loaded', agent, current: call, at: Date.now() });
    } catch {
      // The next reconnect or event tries again; the panel keeps what it had.
    }
  }, []);

  useEffect(() => {
    if (connection === 'connected') void resync();
  }, [connection, resync]);

  useEffect(() => {
    let stopped = false;
    api
      .request<TelephonyToken>('/api/telephony/token')
      .then(async (token) => {
        if (stopped) return;
        setMode(token.mode);
        if (token.mode !== 'twilio') return;
        if (!token.token) return setPhone({ status: 'error', message: token.message ?? '' });
        const started = await startBrowserPhone(token, (status, message) => !stopped && setPhone({ status, ...(message ? { message } : {}) }));
        if (stopped) started.destroy();
        else browserPhone.current = started;
      })
      .catch((error: unknown) => {
        if (!stopped) setPhone({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      stopped = true;
      browserPhone.current?.destroy();
      browserPhone.current = null;
    };
  }, []);

  useRealtimeEvent<[AgentStateChanged]>('agent.state_changed', (change) => {
    dispatch({ type: 'stateChanged', change });
    // The push does not carry the wrap-up deadline; the state endpoint does.
    if (change.userId === me && change.state === 'wrap_up') void api.request<AgentState>('/api/agents/me/state').then((agent) => dispatch({ type: 'agentState', agent }), () => undefined);
  });
  useRealtimeEvent<[CallOffered]>('call.offered', (offer) => dispatch({ type: 'offered', offer, at: Date.now() }));
  useRealtimeEvent<[OfferEnded]>('call.offer_ended', (ended) => dispatch({ type: 'offerEnded', ended }));
  useRealtimeEvent<[{ call: Call }]>('call.answered', ({ call }) => dispatch({ type: 'callEvent', event: 'call.answered', call }));
  useRealtimeEvent<[{ call: Call }]>('call.updated', ({ call }) => dispatch({ type: 'callEvent', event: 'call.updated', call }));
  useRealtimeEvent<[{ call: Call }]>('call.ended', ({ call }) => dispatch({ type: 'callEvent', event: 'call.ended', call }));

  const callId = () => {
    const id = current.current.call?.id;
    if (!id) throw new Error('no call');
    return id;
  };

  return {
    state,
    mode,
    phone,
    async setState(next, reason) {
      const agent = await api.request<AgentState>('/api/agents/me/state', { method: 'PUT', body: { state: next, ...(reason ? { reason } : {}) } });
      dispatch({ type: 'agentState', agent });
    },
    async answer() {
      const id = callId();
      dispatch({ type: 'answering', value: true });
      try {
        if (mode === 'twilio' && browserPhone.current) browserPhone.current.accept();
        else await post(`/api/calls/${id}/answer`);
      } catch (error) {
        dispatch({ type: 'answering', value: false });
        throw error;
      }
    },
    async decline() {
      browserPhone.current?.reject();
      await post(`/api/calls/${callId()}/decline`);
    },
    async hold(on) {
      const res = await post<{ hold: boolean; call?: Call }>(`/api/calls/${callId()}/hold`, { hold: on });
      dispatch({ type: 'held', value: res.call?.onHold ?? on });
    },
    async mute(on) {
      const res = await post<{ muted: boolean; call?: Call }>(`/api/calls/${callId()}/mute`, { muted: on });
      dispatch({ type: 'muted', value: res.call?.agentMuted ?? on });
    },
    async transfer(transferMode, to) {
      await post(`/api/calls/${callId()}/transfer`, { mode: transferMode, to });
      if (transferMode === 'warm') dispatch({ type: 'warmPending', value: true });
    },
    async completeTransfer() {
      await post(`/api/calls/${callId()}/transfer/complete`);
      dispatch({ type: 'warmPending', value: false });
    },
    async conference(departmentId) {
      return post<{ department: { id: string; name: string } }>(`/api/calls/${callId()}/conference`, { departmentId });
    },
    async emergency(number) {
      await post(`/api/calls/${callId()}/emergency-transfer`, { number });
    },
    async hangup() {
      await post(`/api/calls/${callId()}/hangup`);
    },
    async wrapUp(id, code, ready) {
      await post(`/api/calls/${id}/wrap-up`, { code, ready });
      dispatch({ type: 'wrappedUp', callId: id });
    },
    dismissWrapUp(id) {
      dispatch({ type: 'wrappedUp', callId: id });
    },
  };
}
