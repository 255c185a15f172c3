/** Helpers for the calls tests: a platform in simulator mode with short timings, agents, polling. */
import { buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** Short timings: 1 simulated second = 20 ms; ring timeout, overflow and wrap-up in (real) seconds. */
export const FAST_ENV: Record<string, string> = {
  SIM_TIME_SCALE: '0.02',
  ACD_RING_TIMEOUT_SECONDS: '2',
  ACD_OVERFLOW_SECONDS: '30',
  ACD_WRAP_UP_SECONDS: '0',
  ACD_SWEEP_SECONDS: '1',
  CALLBACK_HOURS: '00:00-24:00',
  TELEPHONY_REST_TIMEOUT_MS: '1000',
};

export async function startCallsPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  return startTestPlatform({ ...FAST_ENV, ...env });
}

/** A Twilio-shaped SID: the prefix (CA, RE, CF …) and 32 random hex digits. */
export function sid(prefix: string): string {
  return prefix + [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export type Agent = { id: string; username: string; token: string };

/** An agent with desk skills, signed in, available, whose simulated softphone answers as told. */
export async function availableAgent(
  platform: TestPlatform,
  options: { skills?: string[]; answer?: 'auto' | 'manual' | 'no-answer'; role?: 'agent' | 'supervisor' } = {},
): Promise<Agent> {
  const user = await buildUser(platform.ctx.db, { role: options.role ?? 'agent', skills: (options.skills ?? ['general']).map((skill) => ({ skill, level: 3 })) });
  const { accessToken } = await signIn(platform.api, user);
  const answer = options.answer ?? 'auto';
  const res = await platform.api.request('PUT', '/api/agents/me/state', { token: accessToken, body: { state: 'available', simulatorAnswer: answer === 'no-answer' ? 'manual' : answer } });
  if (res.status !== 200) throw new Error(`agent state: ${res.status} ${JSON.stringify(res.body)}`);
  // A handset that never answers (ring-no-answer tests) is set on the simulator directly.
  if (answer === 'no-answer') platform.carrierSim!.handsets.set(`client:agent_${user.id}`, { answer: 'no-answer' });
  return { id: user.id, username: user.username, token: accessToken };
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs` with the last value seen. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await check();
    if (value) return value;
    last = value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the call of a carrier CallSid rings for an agent (its offer reserved for them), and returns it. */
export async function ringingFor(platform: TestPlatform, callSid: string, agent: Agent) {
  return waitFor('the call to ring for the agent', async () => {
    const r = await callBySid(platform, callSid);
    return r?.status === 'offering' && r.agent_id === agent.id ? r : undefined;
  }, 20_000);
}

/** Waits until the call of a carrier CallSid has been answered by an agent, and returns it. */
export async function answeredCall(platform: TestPlatform, callSid: string) {
  return waitFor('an agent to answer', async () => {
    const r = await callBySid(platform, callSid);
    return r?.answered_by ? r : undefined;
  }, 20_000);
}

/** The call record for a carrier CallSid. */
export async function callBySid(platform: TestPlatform, callSid: string) {
  return platform.ctx.db.selectFrom('calls').selectAll().where('call_sid', '=', callSid).executeTakeFirst();
}

export async function callEvents(platform: TestPlatform, callId: string): Promise<string[]> {
  const rows = await platform.ctx.db.selectFrom('call_events').select('kind').where('call_id', '=', callId).orderBy('id').execute();
  return rows.map((r) => r.kind);
}

/** A call the agent answers and the caller ends; resolves with the ended call once the agent is in wrap-up. */
export async function callEndingInWrapUp(platform: TestPlatform, agent: Agent, from: string) {
  const call = platform.carrierSim!.placeCall({ from, hangupAfter: 2 });
  await call.done;
  const row = await waitFor('the call ended', async () => {
    const r = await callBySid(platform, call.callSid);
    return r?.status === 'ended' ? r : undefined;
  });
  await waitFor('the agent in wrap-up', async () => (await platform.api.get('/api/agents/me/state', agent.token)).body.state === 'wrap_up');
  return row;
}

/**
 * Signs every agent off but one new agent left on a break, for tests that bring their own agents: nobody else is
 * free, and a waiting caller stays in the queue (the voice bot is offered only while nobody at all is signed in).
 */
export async function keepOnlyOneAgentOnBreak(platform: TestPlatform): Promise<void> {
  await platform.ctx.db.updateTable('agent_states').set({ state: 'offline' }).execute();
  const onBreak = await availableAgent(platform);
  await platform.ctx.db.updateTable('agent_states').set({ state: 'break', reason: 'meeting' }).where('user_id', '=', onBreak.id).execute();
}
