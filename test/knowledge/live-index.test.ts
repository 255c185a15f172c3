import { expect } from 'chai';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { person, startSecondPlatform, topHit, waitFor, type Person } from './support.ts';

describe('knowledge base: live index across server processes (LISTEN/NOTIFY)', function () {
  this.timeout(90_000);
  let first: TestPlatform;
  let second: TestPlatform;
  let supervisor: Person;
  let agentOnSecond: string;

  before(async () => {
    first = await startTestPlatform();
    second = await startSecondPlatform(first);
    supervisor = await person(first, 'supervisor');
    const agent = await person(first, 'agent');
    agentOnSecond = (await second.api.post('/api/auth/login', { username: (await first.ctx.db.selectFrom('users').select('username').where('id', '=', agent.id).executeTakeFirstOrThrow()).username, password: 'Correct-Horse-12345' })).body.accessToken;
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
  });

  async function publishOnFirst(code: string, question: string, answer: string) {
    const created = await first.api.request('POST', '/api/knowledge/entries', {
      token: supervisor.token,
      body: { code, question, answer, alternates: [], keywords: [], departmentCode: 'chengguan' },
    });
    const started = performance.now();
    const published = await first.api.request('POST', `/api/knowledge/entries/${created.body.id}/publish`, { token: supervisor.token, body: {} });
    expect(published.status).to.equal(200);
    return { id: created.body.id as string, started };
  }

  it('an entry published in one process is answered by the other without a restart, and retiring it removes it there', async () => {
    const question = '小区里的健身器材坏了找谁修？';
    expect((await topHit(second, agentOnSecond, question))?.code).to.not.equal('kb-live-1');
    const { id, started } = await publishOnFirst('kb-live-1', question, '健身器材由街道或社区负责维护，可拨打 12345 反映。（测试内容）');
    await waitFor('the second process to answer with the new entry', async () => (await topHit(second, agentOnSecond, question))?.code === 'kb-live-1');
    const latencyMs = performance.now() - started;
    console.log(`      publish → answered in the other process: ${latencyMs.toFixed(0)} ms`);
    expect(latencyMs).to.be.below(5_000);

    // The citizen bot on the second process answers with it too.
    const session = await second.api.post('/api/chat/sessions', {});
    const turn = await second.api.request('POST', `/api/chat/sessions/${session.body.sessionId}/messages`, { body: { text: question }, headers: { 'x-chat-token': session.body.token } });
    expect(turn.body.messages.at(-1).text).to.include('健身器材由街道或社区负责维护');

    await first.api.request('POST', `/api/knowledge/entries/${id}/archive`, { token: supervisor.token, body: {} });
    await waitFor('the second process to drop the retired entry', async () => (await topHit(second, agentOnSecond, question))?.code !== 'kb-live-1');
    const status = await second.api.get('/api/knowledge/index', agentOnSecond);
    expect(status.body.updates).to.be.at.least(2);
  });

  it('reconnects after losing its LISTEN connection and reloads what it missed', async () => {
    const killed = await sql<{ n: number }>`
      select count(*)::int as n from (
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'hotline-12345-kb-listener' and datname = current_database()
      ) t`.execute(first.ctx.db);
    expect(killed.rows[0]!.n).to.equal(2);
    // Published while both listeners are (or may be) away: the reload after reconnecting must pick it up.
    const question = '楼道里的声控灯不亮了怎么办？';
    await publishOnFirst('kb-live-2', question, '楼道灯由物业负责维修，可联系物业或拨打 12345。（测试内容）');
    await waitFor('the second process to pick up the entry after reconnecting', async () => (await topHit(second, agentOnSecond, question))?.code === 'kb-live-2', 15_000);
    await waitFor('both listeners back', async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = 'hotline-12345-kb-listener' and datname = current_database()`.execute(first.ctx.db);
      return rows[0]!.n === 2;
    });
  });
});
