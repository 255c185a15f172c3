/**
 * The session store: who is signed in, and why the sign-in page is showing (expired, signed out,
 * server unreachable). It follows the API client's session events, so a refused silent refresh
 * anywhere in the console lands here and sends the user back to sign-in.
 */
import { useSyncExternalStore } from 'react';
import { api, ApiError, REFRESH_TOKEN_KEY, type SessionUser } from '../../lib/api.ts';
import { startRealtime, stopRealtime } from '../../lib/socket.ts';

/** Why the sign-in page shows a notice. `detail` is the server's own explanation when it gave one. */
export type SessionNotice = { kind: 'expired' | 'signedOut' | 'unreachable'; detail?: string };

export type SessionState =
  | { status: 'restoring'; user: null; notice: null }
  | { status: 'signedOut'; user: null; notice: SessionNotice | null }
  | { status: 'signedIn'; user: SessionUser; notice: null };

let state: SessionState = { status: 'restoring', user: null, notice: null };
const listeners = new Set<() => void>();

function setState(next: SessionState): void {
  state = next;
  for (const listener of [...listeners]) listener();
}

api.onSessionEvent((event) => {
  if (event.type === 'signedIn' || event.type === 'refreshed') {
    // A refresh also brings the user afresh: abilities and department may have changed.
    setState({ status: 'signedIn', user: event.user, notice: null });
    startRealtime();
  } else if (event.type === 'expired') {
    stopRealtime();
    const notice: SessionNotice = { kind: 'expired' };
    if (event.reason.message) notice.detail = event.reason.message;
    setState({ status: 'signedOut', user: null, notice });
  } else {
    stopRealtime();
    setState({ status: 'signedOut', user: null, notice: { kind: 'signedOut' } });
  }
});

// Signing out in one tab signs out every tab: the shared refresh token disappears from storage.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === REFRESH_TOKEN_KEY && event.newValue === null && state.status === 'signedIn') api.forgetSession();
  });
}

/** The current session, re-rendering on every change. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, () => state);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Resumes a stored session on page load; ends in signedIn or signedOut, never throws. */
export async function restoreSession(): Promise<void> {
  try {
    const user = await api.restoreSession();
    // On success the 'refreshed' event has already signed in; on a refusal 'expired' has signed out.
    if (!user && state.status === 'restoring') setState({ status: 'signedOut', user: null, notice: null });
  } catch (error) {
    const notice: SessionNotice = { kind: 'unreachable' };
    if (error instanceof ApiError && error.message) notice.detail = error.message;
    setState({ status: 'signedOut', user: null, notice });
  }
}

/** Signs in; throws the server's error for the form to show. */
export async function signIn(username: string, password: string): Promise<SessionUser> {
  return api.signIn(username, password);
}

/** Signs out here and on the server. */
export async function signOut(): Promise<void> {
  await api.signOut();
}

/** Hides the notice on the sign-in page once the user has read it or starts typing. */
export function dismissNotice(): void {
  if (state.status === 'signedOut' && state.notice) setState({ status: 'signedOut', user: null, notice: null });
}
