/**
 * The console's one API client, bound to the browser: `fetch`, localStorage for the refresh token,
 * the Web Locks API so two tabs never spend the same refresh token, and the current UI language.
 * Features call `api.request('/api/…')` and show `errorMessage(error, t)` when it fails.
 */
import type { TFunction } from 'i18next';
import { currentLanguage } from '../i18n/index.ts';
import { ApiError, createApiClient, type KeyValueStorage } from './api-client.ts';

export { ApiError, REFRESH_TOKEN_KEY } from './api-client.ts';
export type { ApiClient, AuthResult, ErrorCode, Role, SessionEvent, SessionUser } from './api-client.ts';

/** localStorage, or a memory map when the browser refuses storage (the session then lasts one page). */
function browserStorage(): KeyValueStorage {
  try {
    const probe = '__hotline_probe__';
    localStorage.setItem(probe, probe);
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
      removeItem: (key) => void memory.delete(key),
    };
  }
}

/** Web Locks are only available in secure contexts (https, localhost); elsewhere one tab's single-flight is all we get. */
function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return task();
  return locks.request('hotline.refresh-token', task);
}

export const api = createApiClient({
  fetch: (url, init) => fetch(url, init),
  storage: browserStorage(),
  language: currentLanguage,
  withRefreshLock,
});

/** A message to show for any error from `api`: the server's own words when it sent some. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.isNetworkError) return t('errors.network');
    if (error.message) return error.message;
    return t('errors.unexpected', { status: error.status });
  }
  return t('errors.crashed');
}
