/**
 * Simulated agents: keeps N agents signed in to a running platform, available, answering every offer (their
 * simulator handsets pick up by themselves) and finishing the wrap-up after each call, for demos and
 * benchmarks.
 *
 *   npm run --silent sim -- agents N [--url URL] [--password P]
 *                                    [--admin-user admin --admin-password P] [--prefix simagent]
 *                                    [--wrap-up-code resolved] [--quiet] [--lang en]
 *
 * Accounts: by default the demo agents agent1..agentN (password: --password, else $DEMO_PASSWORD, else the
 * demo default). With an admin sign-in (--admin-user/--admin-password) it creates — or reuses, resetting the
 * password — agents `<prefix>001…`, each with the general desk skill, so N can exceed the demo's six.
 * The platform is found through --url, else $PLATFORM_URL, else .data/platform.json (written by npm start).
 * Ctrl-C sets every agent offline and signs it out.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';

type Lang = 'zh-CN' | 'en';

export type AgentAccount = { username: string; password: string };

export type SimAgentEvent =
  | { kind: 'ready'; username: string; userId: string }
  | { kind: 'offered'; username: string; userId: string; callId: string; at: number }
  | { kind: 'answered'; username: string; userId: string; callId: string }
  | { kind: 'wrapped'; username: string; userId: string; callId: string }
  | { kind: 'error'; username: string; message: string };

export type SimAgents = {
  agents: { username: string; userId: string }[];
  /** Calls answered so far, by all agents. */
  answered(): number;
  /** Sets every agent offline, signs out, closes the sockets. */
  stop(): Promise<void>;
};

type Session = { accessToken: string; refreshToken: string; userId: string };

/** How long an agent's console socket may take to connect (the client retries transport errors meanwhile). */
const SOCKET_READY_MS = 120_000;

/** A small JSON client for the platform's API. */
async function callApi<T = any>(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function signIn(base: string, account: AgentAccount): Promise<Session> {
  const res = await callApi(base, 'POST', '/api/auth/login', { body: account });
  if (res.status !== 200) throw new Error(`${account.username}: ${res.body?.error?.message ?? `HTTP ${res.status}`}`);
  return { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, userId: res.body.user.id };
}

/** Seconds until a JWT expires (from its payload; the signature is the server's business). */
function secondsLeft(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    return payload.exp ? payload.exp - Date.now() / 1000 : 600;
  } catch {
    return 600;
  }
}

/**
 * Starts the agents against `url` and keeps them working until `stop()`. `onEvent` sees every offer, answer
 * and wrap-up (benchmarks time offers with it).
 */
export async function startSimAgents(options: {
  url: string;
  accounts: AgentAccount[];
  wrapUpCode?: string;
  onEvent?: (event: SimAgentEvent) => void;
  /** Sign-ins at once (argon2 is slow on purpose; a few at a time keeps the server responsive). */
  concurrency?: number;
}): Promise<SimAgents> {
  const base = options.url.replace(/\/+$/, '');
  const emit = options.onEvent ?? (() => {});
  const code = options.wrapUpCode ?? 'resolved';
  // Calls, not state changes: an agent's state is re-sent as a call moves (hold, transfer, conference).
  const answered = new Set<string>();
  let stopping = false;
  const running: { username: string; session: Session; socket: Socket; timers: NodeJS.Timeout[] }[] = [];

  async function startOne(account: AgentAccount) {
    const session = await signIn(base, account);
    const agent = { username: account.username, session, socket: undefined as unknown as Socket, timers: [] as NodeJS.Timeout[] };
    const api = (method: string, path: string, body?: unknown) => callApi(base, method, path, { token: agent.session.accessToken, ...(body !== undefined ? { body } : {}) });
    const goAvailable = async () => {
      const res = await api('PUT', '/api/agents/me/state', { state: 'available', simulatorAnswer: 'auto' });
      if (res.status !== 200 && res.status !== 409) emit({ kind: 'error', username: account.username, message: res.body?.error?.message ?? `HTTP ${res.status}` });
      return res.status;
    };
    const wrapUp = async (callId: string) => {
      const res = await api('POST', `/api/calls/${callId}/wrap-up`, { code, ready: true });
      if (res.status === 200) emit({ kind: 'wrapped', username: account.username, userId: session.userId, callId });
      else await goAvailable();
    };
    // Refresh the access token a little before it expires (refresh tokens rotate: keep the new one).
    const scheduleRefresh = () => {
      const timer = setTimeout(async () => {
        const res = await callApi(base, 'POST', '/api/auth/refresh', { body: { refreshToken: agent.session.refreshToken } }).catch(() => undefined);
        if (res?.status === 200) {
          agent.session = { ...agent.session, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
          agent.socket.auth = { token: agent.session.accessToken };
        } else if (!stopping) {
          agent.session = await signIn(base, account).catch(() => agent.session);
          agent.socket.auth = { token: agent.session.accessToken };
        }
        if (!stopping) scheduleRefresh();
      }, Math.max(5, secondsLeft(agent.session.accessToken) - 30) * 1000);
      timer.unref();
      agent.timers.push(timer);
    };
    agent.socket = io(base, { auth: { token: session.accessToken }, transports: ['websocket'], reconnectionDelay: 500 });
    agent.socket.on('call.offered', (payload: { call?: { id?: string } }) => {
      if (payload.call?.id) emit({ kind: 'offered', username: account.username, userId: session.userId, callId: payload.call.id, at: performance.now() });
    });
    agent.socket.on('agent.state_changed', (change: { userId: string; state: string; reason: string | null; callId: string | null }) => {
      if (change.userId !== session.userId || stopping) return;
      if (change.state === 'on_call' && change.callId) {
        if (answered.has(change.callId)) return;
        answered.add(change.callId);
        emit({ kind: 'answered', username: account.username, userId: session.userId, callId: change.callId });
      } else if (change.state === 'wrap_up' && change.callId) {
        void wrapUp(change.callId);
      } else if (change.state === 'break' && change.reason === 'ring_no_answer') {
        // A missed ring (the handset was slow): back in line after a moment.
        setTimeout(() => void goAvailable(), 1000).unref();
      }
    });
    // A refused handshake (bad token, wrong role) fails at once. A transport error (a busy server dropping the
    // upgrade) is retried by the client itself: only if no session comes within the time limit does it fail.
    await new Promise<void>((resolve, reject) => {
      let lastError = '';
      const timer = setTimeout(() => fail(`socket ${lastError || 'timeout'}`), SOCKET_READY_MS);
      const fail = (why: string) => {
        clearTimeout(timer);
        agent.socket.off('connect_error', onError);
        reject(new Error(`${account.username}: ${why}`));
      };
      const onError = (err: Error & { data?: { code?: string } }) => {
        lastError = err.message;
        if (err.data?.code) fail(`socket ${err.message}`);
      };
      agent.socket.on('connect_error', onError);
      agent.socket.once('session.ready', () => {
        clearTimeout(timer);
        agent.socket.off('connect_error', onError);
        resolve();
      });
    });
    // After a reconnect the platform may have moved the agent on: a slow poll puts it back to work.
    const poll = setInterval(async () => {
      if (stopping) return;
      const state = await api('GET', '/api/agents/me/state').catch(() => undefined);
      if (state?.status !== 200) return;
      if (state.body.state === 'wrap_up' && state.body.callId) await wrapUp(state.body.callId);
      else if (state.body.state === 'offline') await goAvailable();
    }, 30_000);
    poll.unref();
    agent.timers.push(poll);
    scheduleRefresh();
    const status = await goAvailable();
    if (status !== 200 && status !== 409) throw new Error(`${account.username}: could not go available`);
    running.push(agent);
    emit({ kind: 'ready', username: account.username, userId: session.userId });
  }

  const queue = [...options.accounts];
  const width = options.concurrency ?? 4;
  const failures: Error[] = [];
  await Promise.all(
    Array.from({ length: Math.min(width, queue.length) }, async () => {
      for (let account = queue.shift(); account; account = queue.shift()) {
        await startOne(account).catch((err: unknown) => failures.push(err instanceof Error ? err : new Error(String(err))));
      }
    }),
  );

  const stop = async () => {
    stopping = true;
    await Promise.all(
      running.map(async (a) => {
        for (const t of a.timers) clearTimeout(t);
        await callApi(base, 'PUT', '/api/agents/me/state', { token: a.session.accessToken, body: { state: 'offline' } }).catch(() => undefined);
        await callApi(base, 'POST', '/api/auth/logout', { token: a.session.accessToken, body: { refreshToken: a.session.refreshToken } }).catch(() => undefined);
        a.socket.close();
      }),
    );
  };
  if (failures.length) {
    await stop();
    throw failures[0]!;
  }
  return { agents: running.map((a) => ({ username: a.username, userId: a.session.userId })), answered: () => answered.size, stop };
}

/**
 * Accounts `<prefix>001…<prefix>N`, created through the directory API with an admin's sign-in (or reused,
 * with a fresh password, when they exist).
 */
export async function ensureAgentAccounts(url: string, admin: AgentAccount, count: number, prefix: string): Promise<AgentAccount[]> {
  const base = url.replace(/\/+$/, '');
  const { accessToken } = await signIn(base, admin);
  const width = String(Math.max(3, String(count).length));
  const existing = new Map<string, string>();
  const listed = await callApi(base, 'GET', `/api/directory/users?role=agent&q=${encodeURIComponent(prefix)}`, { token: accessToken });
  for (const u of (Array.isArray(listed.body) ? listed.body : (listed.body?.items ?? [])) as { id: string; username: string }[]) existing.set(u.username, u.id);
  const accounts: AgentAccount[] = [];
  for (let i = 1; i <= count; i++) {
    const username = `${prefix}${String(i).padStart(Number(width), '0')}`;
    const password = `Sim-${randomBytes(9).toString('base64url')}`;
    const id = existing.get(username);
    const res = id
      ? await callApi(base, 'PATCH', `/api/directory/users/${id}`, { token: accessToken, body: { password, active: true, skills: [{ skill: 'general', level: 3 }] } })
      : await callApi(base, 'POST', '/api/directory/users', {
          token: accessToken,
          body: { username, displayName: `模拟坐席${i}`, role: 'agent', password, skills: [{ skill: 'general', level: 3 }] },
        });
    if (res.status !== 200 && res.status !== 201) throw new Error(`${username}: ${res.body?.error?.message ?? `HTTP ${res.status}`}`);
    accounts.push({ username, password });
  }
  return accounts;
}

const text = {
  usage: {
    'zh-CN':
      '用法: npm run --silent sim -- agents 数量 [--url 平台地址] [--password 演示密码] [--admin-user admin --admin-password 密码] [--prefix simagent] [--wrap-up-code resolved] [--quiet] [--lang en]',
    en: 'usage: npm run --silent sim -- agents N [--url URL] [--password DEMO_PASSWORD] [--admin-user admin --admin-password P] [--prefix simagent] [--wrap-up-code resolved] [--quiet] [--lang en]',
  },
  noPlatform: {
    'zh-CN': '找不到运行中的平台（已尝试 --url、PLATFORM_URL 和 .data/platform.json），请先运行 npm start',
    en: 'No running platform found (tried --url, PLATFORM_URL and .data/platform.json); start it with npm start',
  },
  tooMany: {
    'zh-CN': '演示数据只有 agent1..agent6；更多坐席请加 --admin-user/--admin-password 让工具创建账号',
    en: 'The demo has agent1..agent6 only; for more agents give --admin-user/--admin-password so accounts are created',
  },
  ready: { 'zh-CN': '{n} 名模拟坐席已签入并置闲，自动接听；按 Ctrl-C 结束', en: '{n} simulated agents signed in and available, answering automatically; Ctrl-C to stop' },
  offered: { 'zh-CN': '{who} 振铃：通话 {call}', en: '{who} ringing: call {call}' },
  answered: { 'zh-CN': '{who} 已接听：通话 {call}', en: '{who} answered call {call}' },
  wrapped: { 'zh-CN': '{who} 话后处理完成，重新置闲', en: '{who} wrapped up, available again' },
  stopped: { 'zh-CN': '已签出 {n} 名坐席，共接听 {answered} 通', en: 'Signed out {n} agents; {answered} calls answered' },
} as const;

const say = (template: string, params: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));

async function findPlatform(flag: string | undefined): Promise<string | undefined> {
  const candidates: string[] = [];
  if (flag) candidates.push(flag);
  if (process.env.PLATFORM_URL) candidates.push(process.env.PLATFORM_URL);
  try {
    const file = JSON.parse(await readFile(join(process.cwd(), '.data', 'platform.json'), 'utf8')) as { url?: unknown };
    if (typeof file.url === 'string') candidates.push(file.url);
  } catch {
    // npm start has not written it: the platform is not running here.
  }
  for (const url of candidates) {
    const ok = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return url.replace(/\/+$/, '');
  }
  return undefined;
}

/** The `agents` subcommand; resolves with the exit code once stopped (Ctrl-C) or failed. */
export async function runAgentsCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      password: { type: 'string' },
      'admin-user': { type: 'string' },
      'admin-password': { type: 'string' },
      prefix: { type: 'string' },
      'wrap-up-code': { type: 'string' },
      quiet: { type: 'boolean' },
      lang: { type: 'string' },
    },
  });
  const lang: Lang = values.lang === 'en' ? 'en' : 'zh-CN';
  const count = Number(positionals[0]);
  if (!Number.isInteger(count) || count < 1 || count > 5000) {
    console.error(text.usage[lang]);
    return 2;
  }
  const url = await findPlatform(values.url);
  if (!url) {
    console.error(text.noPlatform[lang]);
    return 1;
  }
  let accounts: AgentAccount[];
  if (values['admin-user']) {
    accounts = await ensureAgentAccounts(url, { username: values['admin-user'], password: values['admin-password'] ?? process.env.DEMO_PASSWORD ?? 'Hotline@12345' }, count, values.prefix ?? 'simagent');
  } else {
    if (count > 6) {
      console.error(text.tooMany[lang]);
      return 2;
    }
    const password = values.password ?? process.env.DEMO_PASSWORD ?? 'Hotline@12345';
    accounts = Array.from({ length: count }, (_, i) => ({ username: `agent${i + 1}`, password }));
  }
  const quiet = values.quiet ?? false;
  const agents = await startSimAgents({
    url,
    accounts,
    ...(values['wrap-up-code'] ? { wrapUpCode: values['wrap-up-code'] } : {}),
    onEvent: (e) => {
      if (e.kind === 'error') console.error(`${e.username}: ${e.message}`);
      else if (quiet || e.kind === 'ready') return;
      else console.log(say(text[e.kind][lang], { who: e.username, call: e.callId.slice(0, 8) }));
    },
  });
  console.log(say(text.ready[lang], { n: agents.agents.length }));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await agents.stop();
  console.log(say(text.stopped[lang], { n: agents.agents.length, answered: agents.answered() }));
  return 0;
}
