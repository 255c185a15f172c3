/**
 * The console's HTTP client and session keeper, written against the platform's auth contract:
 *
 * - the access token lives only in memory; the refresh token in storage under `hotline.refreshToken`;
 * - the refresh token rotates on every use, so refreshes are single-flight (one in this tab, and one
 *   across tabs when a lock is supplied) and the newest token is always stored;
 * - a request answered 401 UNAUTHENTICATED is retried once after a refresh, and the access token is
 *   refreshed a minute before it expires;
 * - a refused refresh ends the session with an `expired` event so the UI can go back to sign-in.
 *
 * It depends only on the `fetch`, storage and timer it is given, so it runs in a browser and in tests.
 */
import { millisUntilRefresh, readTokenTimes } from './jwt.ts';

/** Where the rotating refresh token is kept between visits. */
export const REFRESH_TOKEN_KEY = 'hotline.refreshToken';

/** Error codes the platform answers with (`{error: {code, message, field?, errorId?}}`). */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'PROVIDER_FAILED'
  | 'INTERNAL';

export type Role = 'admin' | 'supervisor' | 'agent' | 'department_staff' | 'auditor';

/** The signed-in user as the server presents it, with the abilities that drive the navigation. */
export type SessionUser = {
  id: string;
  username: string;
  displayName: string;
  employeeNo: string | null;
  role: Role;
  department: { id: string; name: string } | null;
  skills: Array<{ skill: string; level: number }>;
  abilities: Record<string, boolean>;
};

/** What `POST /api/auth/login` and `POST /api/auth/refresh` answer. */
export type AuthResult = { accessToken: string; refreshToken: string; user: SessionUser };

/** Something that went wrong talking to the platform. `status` is 0 when no answer arrived at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly errorId: string | undefined;

  constructor(init: { status: number; code: ErrorCode; message: string; field?: string; errorId?: string }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.errorId = init.errorId;
  }

  /** True when the server never answered (offline, refused, DNS). */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

/** What the session keeper tells the UI. */
export type SessionEvent =
  | { type: 'signedIn' | 'refreshed'; user: SessionUser; accessToken: string }
  | { type: 'expired'; reason: ApiError }
  | { type: 'signedOut' };

export type KeyValueStorage = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

export type ApiClientOptions = {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  storage: KeyValueStorage;
  /** The `Accept-Language` to send, read on every call so a language switch applies at once. */
  language: () => string;
  now?: () => number;
  /** Runs `task` after `ms`; returns a cancel function. */
  schedule?: (task: () => void, ms: number) => () => void;
  /** Serialises refreshes across tabs (for example with the Web Locks API). */
  withRefreshLock?: <T>(task: () => Promise<T>) => Promise<T>;
};

export type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
};

/** How long to wait before trying a failed proactive refresh again (network down, server busy). */
const RETRY_REFRESH_MS = 30_000;

const CODES: readonly string[] = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'PROVIDER_FAILED',
  'INTERNAL',
];

/** Creates the client; the console makes one (see `api.ts`), tests make their own. */
export function createApiClient(options: ApiClientOptions) {
  const { storage, language } = options;
  const now = options.now ?? (() => Date.now());
  const schedule =
    options.schedule ??
    ((task: () => void, ms: number) => {
      const handle = setTimeout(task, ms);
      return () => clearTimeout(handle);
    });
  const withRefreshLock = options.withRefreshLock ?? (<T>(task: () => Promise<T>) => task());

  let accessToken: string | null = null;
  let refreshing: Promise<AuthResult> | null = null;
  let cancelScheduledRefresh: (() => void) | null = null;
  const listeners = new Set<(event: SessionEvent) => void>();

  function emit(event: SessionEvent): void {
    for (const listener of [...listeners]) listener(event);
  }

  async function send(path: string, request: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language() };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers['Authorization'] = `Bearer ${token}`;
    try {
      return await options.fetch(buildUrl(path, request.query), {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? null : JSON.stringify(request.body),
        signal: request.signal ?? null,
        credentials: 'same-origin',
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError({ status: 0, code: 'UNAVAILABLE', message: '' });
    }
  }

  function accept(result: AuthResult, type: 'signedIn' | 'refreshed'): void {
    accessToken = result.accessToken;
    storage.setItem(REFRESH_TOKEN_KEY, result.refreshToken);
    scheduleRefresh(result.accessToken);
    emit({ type, user: result.user, accessToken: result.accessToken });
  }

  function clearLocally(): void {
    accessToken = null;
    cancelScheduledRefresh?.();
    cancelScheduledRefresh = null;
    storage.removeItem(REFRESH_TOKEN_KEY);
  }

  function expire(reason: ApiError): void {
    const hadSession = accessToken !== null || storage.getItem(REFRESH_TOKEN_KEY) !== null;
    clearLocally();
    if (hadSession) emit({ type: 'expired', reason });
  }

  function scheduleRefresh(token: string): void {
    cancelScheduledRefresh?.();
    cancelScheduledRefresh = null;
    const times = readTokenTimes(token);
    if (!times) return;
    const run = (): void => {
      cancelScheduledRefresh = null;
      refreshOrExpire().catch(() => {
        // A refused refresh has already ended the session; anything else (offline, 5xx) is retried.
        if (accessToken !== null && cancelScheduledRefresh === null) {
          cancelScheduledRefresh = schedule(run, RETRY_REFRESH_MS);
        }
      });
    };
    cancelScheduledRefresh = schedule(run, millisUntilRefresh(times, now()));
  }

  async function runRefresh(): Promise<AuthResult> {
    // Read inside the lock: another tab may have rotated the token while this one waited.
    const refreshToken = storage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) throw new ApiError({ status: 401, code: 'UNAUTHENTICATED', message: '' });
    const response = await send('/api/auth/refresh', { method: 'POST', body: { refreshToken } }, null);
    if (!response.ok) throw await readError(response);
    const result = await readJson<AuthResult>(response);
    accept(result, 'refreshed');
    return result;
  }

  /**
   * Trades the stored refresh token for a new pair. Concurrent callers share one request, because the
   * server treats a second use of the same refresh token as theft and revokes the whole chain.
   */
  function refreshSession(): Promise<AuthResult> {
    refreshing ??= withRefreshLock(runRefresh).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function refreshOrExpire(): Promise<AuthResult> {
    try {
      return await refreshSession();
    } catch (error) {
      if (error instanceof ApiError && isSessionRefusal(error)) expire(error);
      throw error;
    }
  }

  /**
   * Calls the platform API and returns the parsed JSON (undefined for 204). Throws `ApiError` with the
   * server's message, already in the user's language.
   */
  async function request<T>(path: string, requestOptions: RequestOptions = {}): Promise<T> {
    const tokenUsed = accessToken;
    let response = await send(path, requestOptions, tokenUsed);
    if (response.status === 401 && storage.getItem(REFRESH_TOKEN_KEY) !== null) {
      const refusal = await readError(response);
      if (refusal.code !== 'UNAUTHENTICATED') throw refusal;
      // Another request may have refreshed while this one was in flight; then just retry.
      if (accessToken === null || accessToken === tokenUsed) await refreshOrExpire();
      response = await send(path, requestOptions, accessToken);
      if (response.status === 401) {
        const again = await readError(response);
        expire(again);
        throw again;
      }
    }
    if (!response.ok) throw await readError(response);
    if (response.status === 204) return undefined as T;
    return readJson<T>(response);
  }

  /** Signs in with a username and password; throws the server's error (wrong password, locked out…). */
  async function signIn(username: string, password: string): Promise<SessionUser> {
    const response = await send('/api/auth/login', { method: 'POST', body: { username, password } }, null);
    if (!response.ok) throw await readError(response);
    const result = await readJson<AuthResult>(response);
    accept(result, 'signedIn');
    return result.user;
  }

  /**
   * Resumes the session kept in storage on page load. Resolves null when there is none or the server
   * refuses it; throws when the server cannot be reached (the stored token is kept for a later try).
   */
  async function restoreSession(): Promise<SessionUser | null> {
    if (storage.getItem(REFRESH_TOKEN_KEY) === null) return null;
    try {
      return (await refreshOrExpire()).user;
    } catch (error) {
      if (error instanceof ApiError && isSessionRefusal(error)) return null;
      throw error;
    }
  }

  /** Revokes the refresh token on the server (best effort, bounded) and forgets the session here. */
  async function signOut(): Promise<void> {
    const refreshToken = storage.getItem(REFRESH_TOKEN_KEY);
    const token = accessToken;
    clearLocally();
    try {
      if (refreshToken) {
        await send(
          '/api/auth/logout',
          { method: 'POST', body: { refreshToken }, signal: AbortSignal.timeout(5_000) },
          token,
        );
      }
    } catch {
      // The local session is gone either way; the server token expires on its own.
    } finally {
      emit({ type: 'signedOut' });
    }
  }

  /** Drops the session without calling the server (another tab signed out). */
  function forgetSession(): void {
    const hadSession = accessToken !== null;
    accessToken = null;
    cancelScheduledRefresh?.();
    cancelScheduledRefresh = null;
    if (hadSession) emit({ type: 'signedOut' });
  }

  /** Subscribes to session changes; returns the unsubscribe function. */
  function onSessionEvent(listener: (event: SessionEvent) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return {
    request,
    signIn,
    restoreSession,
    refreshSession: refreshOrExpire,
    signOut,
    forgetSession,
    onSessionEvent,
    getAccessToken: (): string | null => accessToken,
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A refusal of the session itself (bad, reused or revoked token), as opposed to a busy or absent server. */
function isSessionRefusal(error: ApiError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 408;
}

function buildUrl(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function readJson<T>(response: Response): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError({ status: response.status, code: 'INTERNAL', message: '' });
  }
}

/** Turns an error answer into an ApiError; a body that is not the platform's JSON keeps an empty message. */
async function readError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: a proxy or a crashed upstream answered.
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  const code = typeof error?.['code'] === 'string' && CODES.includes(error['code']) ? (error['code'] as ErrorCode) : codeForStatus(response.status);
  const init: ConstructorParameters<typeof ApiError>[0] = {
    status: response.status,
    code,
    message: typeof error?.['message'] === 'string' ? error['message'] : '',
  };
  if (typeof error?.['field'] === 'string') init.field = error['field'];
  if (typeof error?.['errorId'] === 'string') init.errorId = error['errorId'];
  return new ApiError(init);
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'VALIDATION';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  return 'INTERNAL';
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
