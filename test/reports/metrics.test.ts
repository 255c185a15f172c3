/** `GET /metrics`: each operations figure read from a known state of the database, pool and webhooks. */
import { expect } from 'chai';
import { sql } from 'kysely';
import { buildUser } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('metrics: the Prometheus endpoint', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    // Dialect calls queued just now (an old one would overflow to the general desk), a general one 60 s ago.
    for (const [desk, ago] of [['dialect', 1_000], ['dialect', 1_000], ['general', 60_000]] as const) {
      const queued = new Date(Date.now() - ago);
      await db
        .insertInto('calls')
        .values({ caller_hash: `m${desk}${Math.random()}`, caller_encrypted: 'x', caller_masked: 'x', direction: 'inbound', status: 'queued', caller_location: 'queue', desk, offered_at: queued, queued_at: queued } as never)
        .execute();
    }
    for (const state of ['available', 'available', 'break']) {
      const agent = await buildUser(db, { role: 'agent' });
      await db.insertInto('agent_states').values({ user_id: agent.id, state } as never).execute();
    }
    // A job no worker knows: it stays due, 30 s late.
    await sql`select graphile_worker.add_job('reports.metrics-test-unknown', '{}'::json, run_at := now() - interval '30 seconds')`.execute(db);
    await platform.carrierSim!.sendSms({ from: '+8613900001111', body: '你好' });
  });
  after(async () => platform?.stop());

  it('reports calls waiting, agents by state, job lag, pool use and webhook latency', async () => {
    const res = await fetch(`${platform.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('text/plain');
    const text = await res.text();
    expect(sample(text, 'hotline_calls_waiting', 'desk="dialect"')).to.equal(2);
    expect(sample(text, 'hotline_calls_waiting', 'desk="general"')).to.equal(1);
    expect(sample(text, 'hotline_calls_longest_wait_seconds')).to.be.within(59, 120);
    expect(sample(text, 'hotline_agents', 'state="available"')).to.equal(2);
    expect(sample(text, 'hotline_agents', 'state="break"')).to.equal(1);
    expect(sample(text, 'hotline_agents', 'state="on_call"')).to.equal(0);
    expect(sample(text, 'hotline_jobs_due')).to.be.at.least(1);
    expect(sample(text, 'hotline_jobs_lag_seconds')).to.be.at.least(29);
    const total = sample(text, 'hotline_db_pool_connections', 'state="total"')!;
    expect(total).to.be.within(1, 5);
    expect(sample(text, 'hotline_db_pool_connections', 'state="idle"')).to.be.at.most(total);
    // Waiting depends on what the worker and routing do at that instant; it must be there and sane.
    expect(sample(text, 'hotline_db_pool_connections', 'state="waiting"')).to.be.within(0, 100);
    // The SMS webhook was timed, labelled by its route.
    const count = text.split('\n').find((l) => l.startsWith('hotline_webhook_duration_seconds_count{') && l.includes('route="/twilio/sms/incoming"'));
    expect(count, text.split('\n').filter((l) => l.includes('webhook')).join('\n')).to.be.a('string');
    expect(Number(count!.split(' ').at(-1))).to.be.at.least(1);
  });
});
