import { expect } from 'chai';
import { ApiError, createApiClient, REFRESH_TOKEN_KEY, type SessionEvent } from './api-client.ts';

type Call = { url: string; method: string; headers: Record<string, string>; body: unknown };
type Reply = { status: number; json?: unknown; text?: string };

/** A JWT-shaped token with the given claims (signature is irrelevant to the console). */
function token(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

const user = {
  id: 'u1',
  username: 'agent1',
  displayName: '李晓梅',
  employeeNo: '1001',
  role: 'agent' as const,
  department: null,
  skills: [],
  abilities: { 'directory.read': true },
};

/** A client wired to a scripted server, an in-memory storage and a manual scheduler. */
function setUp(route: (call: Call, calls: Call[]) => Reply | Promise<Reply>, options: { lock?: <T>(task: () => Promise<T>) => Promise<T> } = {}) {
  const calls: Call[] = [];
  const store = new Map<string, string>();
  const timers: Array<{ ms: number; task: () => void; cancelled: boolean }> = [];
  const events: SessionEvent[] = [];
  let language = 'zh-CN';
  const client = createApiClient({
    fetch: async (url, init) => {
      const call: Call = {
        url,
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : null,
      };
      calls.push(call);
      const reply = await route(call, calls);
      if (reply.status === 0) throw new TypeError('fetch failed');
      const body = reply.text ?? (reply.json === undefined ? null : JSON.stringify(reply.json));
      return new Response(reply.status === 204 ? null : body, {
        status: reply.status,
        headers: { 'content-type': reply.text ? 'text/html' : 'application/json' },
      });
    },
    storage: {
      getItem: (key) => store.get(key) ?? null,
      setItem: (key, value) => void store.set(key, value),
      removeItem: (key) => void store.delete(key),
    },
    language: () => language,
    now: () => 1_000_000_000,
    schedule: (task, ms) => {
      const timer = { ms, task, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    ...(options.lock ? { withRefreshLock: options.lock } : {}),
  });
  client.onSessionEvent((event) => events.push(event));
  return { client, calls, store, timers, events, setLanguage: (value: string) => (language = value) };
}

const issued = (n: number) => ({
  accessToken: token({ sub: 'u1', iat: 1_000_000, exp: 1_000_900, n }),
  refreshToken: `refresh-${n}`,
  user,
});

describe('console api client', () => {
  it('signs in, keeps the refresh token in storage and the access token in memory', async () => {
    const { client, calls, store, events } = setUp(() => ({ status: 200, json: issued(1) }));
    const signedIn = await client.signIn('agent1', 'secret');
    expect(signedIn.username).to.equal('agent1');
    expect(calls[0]).to.deep.include({ url: '/api/auth/login', method: 'POST', body: { username: 'agent1', password: 'secret' } });
    expect(calls[0]?.headers['Accept-Language']).to.equal('zh-CN');
    expect(calls[0]?.headers['Authorization']).to.equal(undefined);
    expect(store.get(REFRESH_TOKEN_KEY)).to.equal('refresh-1');
    expect(client.getAccessToken()).to.equal(issued(1).accessToken);
    expect(events.map((event) => event.type)).to.deep.equal(['signedIn']);
  });

  it('throws the server error with its code and translated message (lockout)', async () => {
    const { client, store, setLanguage, calls } = setUp(() => ({
      status: 429,
      json: { error: { code: 'RATE_LIMITED', message: 'Too many failed sign-ins' } },
    }));
    setLanguage('en');
    const error = await client.signIn('agent1', 'wrong').catch((failure: unknown) => failure);
    expect(error).to.be.instanceOf(ApiError);
    expect(error).to.include({ status: 429, code: 'RATE_LIMITED', message: 'Too many failed sign-ins' });
    expect(calls[0]?.headers['Accept-Language']).to.equal('en');
    expect(store.has(REFRESH_TOKEN_KEY)).to.equal(false);
  });

  it('retries a 401 once after refreshing, and stores the rotated refresh token', async () => {
    const { client, calls, store } = setUp((call) => {
      if (call.url === '/api/auth/login') return { status: 200, json: issued(1) };
      if (call.url === '/api/auth/refresh') return { status: 200, json: issued(2) };
      return call.headers['Authorization'] === `Bearer ${issued(2).accessToken}`
        ? { status: 200, json: { items: [1, 2] } }
        : { status: 401, json: { error: { code: 'UNAUTHENTICATED', message: '登录已过期' } } };
    });
    await client.signIn('agent1', 'secret');
    const result = await client.request<{ items: number[] }>('/api/directory/users');
    expect(result.items).to.deep.equal([1, 2]);
    expect(calls.map((call) => call.url)).to.deep.equal([
      '/api/auth/login',
      '/api/directory/users',
      '/api/auth/refresh',
      '/api/directory/users',
    ]);
    expect(calls[2]?.body).to.deep.equal({ refreshToken: 'refresh-1' });
    expect(store.get(REFRESH_TOKEN_KEY)).to.equal('refresh-2');
  });

  it('makes one refresh for many requests refused at the same time', async () => {
    let refreshes = 0;
    const { client, calls } = setUp(async (call) => {
      if (call.url === '/api/auth/login') return { status: 200, json: issued(1) };
      if (call.url === '/api/auth/refresh') {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { status: 200, json: issued(2) };
      }
      return call.headers['Authorization'] === `Bearer ${issued(2).accessToken}`
        ? { status: 200, json: { ok: call.url } }
        : { status: 401, json: { error: { code: 'UNAUTHENTICATED', message: '' } } };
    });
    await client.signIn('agent1', 'secret');
    const results = await Promise.all(['/api/a', '/api/b', '/api/c'].map((path) => client.request<{ ok: string }>(path)));
    expect(results.map((result) => result.ok)).to.deep.equal(['/api/a', '/api/b', '/api/c']);
    expect(refreshes).to.equal(1);
    expect(calls.filter((call) => call.url === '/api/auth/refresh')).to.have.length(1);
  });

  it('ends the session once when the refresh is refused, and the request fails', async () => {
    const { client, store, events } = setUp((call) => {
      if (call.url === '/api/auth/login') return { status: 200, json: issued(1) };
      if (call.url === '/api/auth/refresh') return { status: 401, json: { error: { code: 'UNAUTHENTICATED', message: '刷新令牌已失效' } } };
      return { status: 401, json: { error: { code: 'UNAUTHENTICATED', message: '' } } };
    });
    await client.signIn('agent1', 'secret');
    const failures = await Promise.all(['/api/a', '/api/b'].map((path) => client.request(path).catch((error: unknown) => error)));
    expect(failures.every((error) => error instanceof ApiError && error.code === 'UNAUTHENTICATED')).to.equal(true);
    const expired = events.filter((event) => event.type === 'expired');
    expect(expired).to.have.length(1);
    expect(expired[0]?.type === 'expired' && expired[0].reason.message).to.equal('刷新令牌已失效');
    expect(store.has(REFRESH_TOKEN_KEY)).to.equal(false);
    expect(client.getAccessToken()).to.equal(null);
  });

  it('does not refresh on a 403 and passes field and error id through', async () => {
    const { client, calls } = setUp((call) => {
      if (call.url === '/api/auth/login') return { status: 200, json: issued(1) };
      return { status: 403, json: { error: { code: 'FORBIDDEN', message: '无权访问', field: 'departmentId', errorId: 'e-42' } } };
    });
    await client.signIn('agent1', 'secret');
    const error = await client.request('/api/audit').catch((failure: unknown) => failure);
    expect(error).to.include({ status: 403, code: 'FORBIDDEN', field: 'departmentId', errorId: 'e-42' });
    expect(calls.some((call) => call.url === '/api/auth/refresh')).to.equal(false);
  });

  it('reports a non-JSON error page and an unreachable server distinctly', async () => {
    let down = false;
    const { client } = setUp(() => (down ? { status: 0 } : { status: 502, text: '<html>Bad Gateway</html>' }));
    const gateway = await client.request('/api/audit').catch((failure: unknown) => failure);
    expect(gateway).to.include({ status: 502, code: 'UNAVAILABLE', message: '' });
    down = true;
    const offline = (await client.request('/api/audit').catch((failure: unknown) => failure)) as ApiError;
    expect(offline.isNetworkError).to.equal(true);
  });

  it('drops empty query values and encodes the rest', async () => {
    const { client, calls } = setUp(() => ({ status: 200, json: { items: [], nextBefore: null } }));
    await client.request('/api/audit', { query: { limit: 50, before: null, action: '', actorId: 'u 1' } });
    expect(calls[0]?.url).to.equal('/api/audit?limit=50&actorId=u+1');
  });

  it('schedules the silent refresh a minute before expiry and keeps rescheduling', async () => {
    const { client, timers, calls, store } = setUp((call) =>
      call.url === '/api/auth/login' ? { status: 200, json: issued(1) } : { status: 200, json: issued(2) },
    );
    await client.signIn('agent1', 'secret');
    expect(timers).to.have.length(1);
    expect(timers[0]?.ms).to.equal((900 - 60) * 1000);
    timers[0]?.task();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls.map((call) => call.url)).to.deep.equal(['/api/auth/login', '/api/auth/refresh']);
    expect(store.get(REFRESH_TOKEN_KEY)).to.equal('refresh-2');
    expect(timers).to.have.length(2);
    expect(timers[1]?.cancelled).to.equal(false);
  });

  it('reads the refresh token inside the cross-tab lock, so a rotation by another tab is honoured', async () => {
    const { client, calls, store } = setUp(
      (call) => (call.url === '/api/auth/login' ? { status: 200, json: issued(1) } : { status: 200, json: issued(3) }),
      {
        lock: async (task) => {
          // Another tab held the lock and rotated the token before this one got it.
          store.set(REFRESH_TOKEN_KEY, 'refresh-from-other-tab');
          return task();
        },
      },
    );
    await client.signIn('agent1', 'secret');
    await client.refreshSession();
    expect(calls[1]?.body).to.deep.equal({ refreshToken: 'refresh-from-other-tab' });
    expect(store.get(REFRESH_TOKEN_KEY)).to.equal('refresh-3');
  });

  it('restores a stored session, or keeps the token when the server is unreachable', async () => {
    let reachable = false;
    const { client, store, events } = setUp(() => (reachable ? { status: 200, json: issued(5) } : { status: 0 }));
    expect(await client.restoreSession()).to.equal(null);
    store.set(REFRESH_TOKEN_KEY, 'refresh-4');
    const offline = await client.restoreSession().catch((failure: unknown) => failure);
    expect(offline).to.be.instanceOf(ApiError);
    expect(store.get(REFRESH_TOKEN_KEY)).to.equal('refresh-4');
    expect(events).to.have.length(0);
    reachable = true;
    const restored = await client.restoreSession();
    expect(restored?.username).to.equal('agent1');
    expect(store.get(REFRESH_TOKEN_KEY)).to.equal('refresh-5');
  });

  it('signs out locally even when the server does not answer, after sending the refresh token', async () => {
    const { client, calls, store, events } = setUp((call) =>
      call.url === '/api/auth/login' ? { status: 200, json: issued(1) } : { status: 0 },
    );
    await client.signIn('agent1', 'secret');
    await client.signOut();
    expect(calls[1]).to.deep.include({ url: '/api/auth/logout', method: 'POST', body: { refreshToken: 'refresh-1' } });
    expect(calls[1]?.headers['Authorization']).to.equal(`Bearer ${issued(1).accessToken}`);
    expect(store.has(REFRESH_TOKEN_KEY)).to.equal(false);
    expect(client.getAccessToken()).to.equal(null);
    expect(events.at(-1)?.type).to.equal('signedOut');
  });
});
