/**
 * Two server processes on one database serving many calls: process A takes the carrier's webhooks (its
 * simulator), process B shares the simulator and routes too (agents set their state through either, and B
 * answers the agent-leg callbacks of the offers it makes). No agent may ever hold two calls at once.
 *
 * CALLS_LOAD_CALLS (default 1000) and CALLS_LOAD_AGENTS (default 40) size the run. Calls arrive at up to
 * CALLS_LOAD_RATE a second (default 15, about what 40 agents answer at the simulator's pace), and no faster
 * than they are answered: at most two per agent are in the IVR or the queue at once. Without that, a busy
 * machine turns this into a test of the wait loop: the simulator runs 50 times faster than real time, so each
 * queued caller asks for the next announcement twice a second, and hundreds of them overload a shared 2-core
 * machine until webhooks time out — which the platform survives (those callers are kept for callbacks) but
 * this test's count of answered calls does not.
 */
import { expect } from 'chai';
import { sql } from 'kysely';
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/platform/logger.ts';
import { startPlatform, type Platform } from '../../server/src/server.ts';
import { buildUser, signIn } from '../support/factories.ts';
import { apiClient, type TestPlatform } from '../support/platform.ts';
import { FAST_ENV, startCallsPlatform, waitFor } from '../calls/support.ts';

const CALLS = Number(process.env.CALLS_LOAD_CALLS ?? 1000);
const AGENTS = Number(process.env.CALLS_LOAD_AGENTS ?? 40);
const RATE = Number(process.env.CALLS_LOAD_RATE ?? 15);

describe('scenario: two server processes, one database, many calls', function () {
  this.timeout(Math.max(120_000, CALLS * 600));
  let a: TestPlatform;
  let b: Platform;

  before(async () => {
    a = await startCallsPlatform({ DB_POOL_SIZE: '20', WORKER_CONCURRENCY: '8' });
    const config = loadConfig({
      ...FAST_ENV,
      NODE_ENV: 'test',
      DATABASE_URL: a.databaseUrl,
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SEED_DEMO: '0',
      DB_POOL_SIZE: '20',
      WORKER_CONCURRENCY: '8',
      TWILIO_ACCOUNT_SID: a.carrierSim!.accountSid,
      TWILIO_AUTH_TOKEN: a.twilio!.authToken,
      TWILIO_HOTLINE_NUMBER: a.carrierSim!.hotlineNumber,
      CARRIER_SIM_URL: a.carrierSim!.url,
    });
    b = await startPlatform(config, createLogger(config.logLevel));
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it(`serves ${CALLS} calls with ${AGENTS} agents, never giving an agent two calls at once`, async () => {
    const apiB = apiClient(b.url!);
    for (let i = 0; i < AGENTS; i++) {
      const user = await buildUser(a.ctx.db, { skills: [{ skill: 'general', level: 3 }] });
      const api = i % 2 === 0 ? a.api : apiB;
      const { accessToken } = await signIn(api, user);
      const res = await api.request('PUT', '/api/agents/me/state', { token: accessToken, body: { state: 'available', simulatorAnswer: 'auto' } });
      expect(res.status).to.equal(200);
    }
    const callersWaiting = async () =>
      (await a.ctx.db.selectFrom('calls').select(sql<number>`count(*)::int`.as('n')).where('status', 'in', ['ivr', 'queued', 'offering']).executeTakeFirstOrThrow()).n;
    const started = Date.now();
    const handles = [];
    for (let i = 0; i < CALLS; i++) {
      handles.push(a.carrierSim!.placeCall({ from: `1390000${String(i).padStart(4, '0')}`, hangupAfter: 2 }));
      // Five at a time, at RATE a second at most, while the callers not yet answered are few enough.
      if (i % 5 === 4) {
        await new Promise((r) => setTimeout(r, 5_000 / RATE));
        await waitFor('the queue to shorten', async () => (await callersWaiting()) < 2 * AGENTS, 120_000);
      }
    }
    const summaries = await Promise.all(handles.map((h) => h.done));
    const ended = await waitFor(
      'every call record to end',
      async () => {
        const row = await a.ctx.db.selectFrom('calls').select(sql<number>`count(*)::int`.as('n')).where('status', '=', 'ended').executeTakeFirstOrThrow();
        return row.n === CALLS ? row.n : undefined;
      },
      // The carrier has hung up every call; the platform may still be working through the last webhooks.
      90_000,
    ).catch(async (error: Error) => {
      const open = await sql`select c.status, c.caller_location, c.agent_id is not null as has_agent, count(*)::int as n,
                                    (select string_agg(e.kind, ',' order by e.id) from call_events e where e.call_id = min(c.id::text)::uuid) as events_of_one
                               from calls c where c.status <> 'ended' group by 1, 2, 3`.execute(a.ctx.db);
      throw new Error(`${error.message}; calls not ended: ${JSON.stringify(open.rows)}`);
    });
    const seconds = (Date.now() - started) / 1000;
    expect(ended).to.equal(CALLS);
    const untalked = summaries.map((s, i) => ({ i, ...s })).filter((s) => !(s.talkSeconds > 0));
    expect(untalked, `calls that never reached an agent: ${JSON.stringify(untalked.slice(0, 5))}`).to.have.length(0);

    const outcomes = await a.ctx.db.selectFrom('calls').select(['outcome', sql<number>`count(*)::int`.as('n')]).groupBy('outcome').execute();
    expect(outcomes).to.deep.equal([{ outcome: 'answered', n: CALLS }]);

    // The core promise: an agent's offers never overlap in time (no second call while ringing or talking).
    const overlaps = await sql<Record<string, unknown>>`
      select x.agent_id, x.call_id as x_call, x.status as x_status, x.offered_at as x_offered, x.ended_at as x_ended,
             y.call_id as y_call, y.status as y_status, y.offered_at as y_offered, y.ended_at as y_ended
        from call_offers x join call_offers y
        on x.agent_id = y.agent_id and x.id < y.id
       and x.offered_at < coalesce(y.ended_at, now()) and y.offered_at < coalesce(x.ended_at, now())`.execute(a.ctx.db);
    expect(overlaps.rows, JSON.stringify(overlaps.rows, null, 1)).to.have.length(0);
    // And from the state log: an agent only starts ringing from available.
    const bad = await sql<{ n: number }>`select count(*)::int as n from agent_state_changes where to_state = 'ringing' and from_state <> 'available'`.execute(a.ctx.db);
    expect(bad.rows[0]!.n).to.equal(0);

    // Both processes made offers (B handles the agent-leg callbacks of its own offers).
    const offersByCallbackHost = await a.ctx.db.selectFrom('call_offers').select(sql<number>`count(*)::int`.as('n')).where('status', '=', 'ended').executeTakeFirstOrThrow();
    expect(offersByCallbackHost.n).to.be.greaterThanOrEqual(CALLS);
    const perAgent = await a.ctx.db.selectFrom('calls').select(['answered_by', sql<number>`count(*)::int`.as('n')]).groupBy('answered_by').execute();
    expect(perAgent.length).to.be.greaterThan(1);
    const webhooksB = await a.ctx.db.selectFrom('webhook_events').select(sql<number>`count(*)::int`.as('n')).where('event', '=', 'agent-leg:answered').executeTakeFirstOrThrow();
    expect(webhooksB.n).to.equal(CALLS);
    console.log(`      ${CALLS} calls, ${AGENTS} agents, 2 processes: ${seconds.toFixed(1)} s (${(CALLS / seconds).toFixed(1)} calls/s)`);
  });
});
