/**
 * The live connection to the platform (socket.io). One socket per signed-in session: it authenticates
 * with the in-memory access token, picks up every refreshed token, and comes back by itself after the
 * server drops it for an expired token. Its state drives the header's connection indicator.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError } from './api.ts';

/** 已连接 / 正在重连 / 已断开 in the header. */
export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected';

type Handler = (...args: unknown[]) => void;

/** After this many refused handshakes in a row with a freshly refreshed token, stop and show 已断开. */
const MAX_AUTH_RETRIES = 3;
const OFFLINE_RETRY_MS = 10_000;

let socket: Socket | null = null;
let state: ConnectionState = 'disconnected';
let authRetries = 0;
let stopSessionWatch: (() => void) | null = null;
const stateListeners = new Set<() => void>();
const eventHandlers = new Map<string, Set<Handler>>();

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  for (const listener of [...stateListeners]) listener();
}

/** Opens the live connection for the signed-in user; calling it again while open does nothing. */
export function startRealtime(): void {
  if (socket) return;
  const current = io({ auth: { token: api.getAccessToken() }, transports: ['websocket', 'polling'] });
  socket = current;
  authRetries = 0;
  setState('reconnecting');

  current.on('connect', () => {
    authRetries = 0;
    setState('connected');
  });
  current.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') setState('disconnected');
    // The server hung up on purpose (for instance the token ran out): it will not be retried by itself.
    else if (reason === 'io server disconnect') void reauthenticate(current);
    else setState('reconnecting');
  });
  current.on('connect_error', (error) => {
    // While `active` the manager keeps retrying (network trouble); a middleware refusal stops it.
    if (current.active) setState('reconnecting');
    else if (error.message === 'UNAUTHENTICATED') void reauthenticate(current);
    else setState('disconnected');
  });
  current.io.on('reconnect_attempt', () => setState('reconnecting'));
  current.io.on('reconnect_failed', () => setState('disconnected'));
  current.onAny((event: string, ...args: unknown[]) => {
    for (const handler of [...(eventHandlers.get(event) ?? [])]) handler(...args);
  });

  stopSessionWatch = api.onSessionEvent((event) => {
    if (event.type !== 'refreshed' && event.type !== 'signedIn') return;
    current.auth = { token: event.accessToken };
    // Dropped for an old token: come back with the new one. A live socket keeps going untouched.
    if (!current.connected && !current.active) current.connect();
  });
}

/** Closes the live connection (on sign-out). */
export function stopRealtime(): void {
  stopSessionWatch?.();
  stopSessionWatch = null;
  const current = socket;
  socket = null;
  if (current) {
    current.removeAllListeners();
    current.io.removeAllListeners();
    current.disconnect();
  }
  setState('disconnected');
}

/** Refreshes the access token and reconnects with it (the session watch above does the connect). */
async function reauthenticate(current: Socket): Promise<void> {
  if (socket !== current) return;
  authRetries += 1;
  if (authRetries > MAX_AUTH_RETRIES) {
    setState('disconnected');
    return;
  }
  setState('reconnecting');
  try {
    await api.refreshSession();
  } catch (error) {
    if (socket !== current) return;
    const serverAway = error instanceof ApiError && (error.isNetworkError || error.status >= 500 || error.status === 429);
    if (serverAway) {
      // Not the token's fault: try again later without using up an auth retry.
      authRetries -= 1;
      setTimeout(() => void reauthenticate(current), OFFLINE_RETRY_MS);
      return;
    }
    // A refused refresh ends the session; the app returns to sign-in and calls stopRealtime.
    setState('disconnected');
  }
}

/** The socket of the current session, for features that emit; null when signed out. */
export function getSocket(): Socket | null {
  return socket;
}

/** The connection state now, for components. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeState, () => state);
}

function subscribeState(listener: () => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

/**
 * Calls `handler` for every `event` the server pushes while the component is mounted. Handlers outlive
 * reconnects and token refreshes, so features subscribe once.
 */
export function useRealtimeEvent<Args extends unknown[]>(event: string, handler: (...args: Args) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const relay: Handler = (...args) => latest.current(...(args as Args));
    let handlers = eventHandlers.get(event);
    if (!handlers) eventHandlers.set(event, (handlers = new Set()));
    handlers.add(relay);
    return () => {
      handlers.delete(relay);
    };
  }, [event]);
}
