import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { departmentWithCode, person, topHit, type Person } from './support.ts';

const entryBody = (over: Record<string, unknown> = {}) => ({
  question: '共享单车乱停放怎么反映？',
  answer: '可拨打 12345 或在共享单车 App 内反馈，城管部门会通知运营企业清理。（测试内容）',
  alternates: ['单车堵住人行道找谁', '共享单车停得乱七八糟'],
  keywords: ['共享单车', '乱停放'],
  ...over,
});

describe('knowledge base: workflow, versions, isolation, stale flags', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let supervisor: Person;
  let agent: Person;
  let clerk: Person; // 城管 clerk
  let otherClerk: Person; // 公积金 clerk
  const post = (path: string, body: unknown, who: Person) => platform.api.request('POST', path, { body, token: who.token });
  const put = (path: string, body: unknown, who: Person) => platform.api.request('PUT', path, { body, token: who.token });

  before(async () => {
    platform = await startTestPlatform();
    supervisor = await person(platform, 'supervisor');
    agent = await person(platform, 'agent');
    clerk = await person(platform, 'department_staff', (await departmentWithCode(platform, 'chengguan')).id);
    otherClerk = await person(platform, 'department_staff', (await departmentWithCode(platform, 'gongjijin')).id);
  });
  after(async () => {
    await platform?.stop();
  });

  it('imports the sample set on first start, published and marked as sample, once', async () => {
    const rows = await platform.ctx.db.selectFrom('kb_entries').select(['state', 'is_sample', 'live_version']).execute();
    expect(rows.length).to.be.at.least(150);
    expect(rows.every((r) => r.state === 'published' && r.is_sample && r.live_version === 1)).to.equal(true);
    const { importSampleContentOnce } = await import('../../server/src/modules/knowledge/index.ts');
    expect(await importSampleContentOnce(platform.ctx)).to.equal(false);
    expect((await platform.ctx.db.selectFrom('kb_entries').select('id').execute()).length).to.equal(rows.length);
  });

  it('takes an entry from a department’s draft through review to published, and the bot answers with it at once', async () => {
    const question = '共享单车堵住人行道找谁';
    expect((await topHit(platform, agent.token, question))?.code ?? null).to.not.match(/^chengguan-bike/);

    const created = await post('/api/knowledge/entries', { ...entryBody(), code: 'chengguan-bike' }, clerk);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ state: 'draft', departmentCode: 'chengguan', version: 1, liveVersion: null });
    expect(created.body.actions).to.include('submit').and.not.include('publish');
    const id = created.body.id;

    expect((await post(`/api/knowledge/entries/${id}/publish`, {}, clerk)).status).to.equal(403);
    const submitted = await post(`/api/knowledge/entries/${id}/submit`, {}, clerk);
    expect(submitted.body.state).to.equal('review');
    // A draft that is not live is not searchable yet.
    expect((await topHit(platform, agent.token, question))?.code).to.not.equal('chengguan-bike');

    const published = await post(`/api/knowledge/entries/${id}/publish`, { note: '内容准确' }, supervisor);
    expect(published.status).to.equal(200);
    expect(published.body).to.include({ state: 'published', liveVersion: 1, reviewNote: '内容准确' });
    expect((await topHit(platform, agent.token, question))?.code).to.equal('chengguan-bike');

    const audit = await platform.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).to.deep.equal(['knowledge.entry_created', 'knowledge.entry_submitted', 'knowledge.entry_published']);
  });

  it('keeps the published version live while a new version is drafted, and swaps on publishing it', async () => {
    const list = await platform.api.get('/api/knowledge/entries?q=chengguan-bike', clerk.token);
    const entry = list.body.items[0];
    const edited = await put(`/api/knowledge/entries/${entry.id}`, { ...entryBody({ answer: '新版答复：请在 App 内拍照反馈。（测试内容）' }), expectedVersion: 1 }, clerk);
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    expect(edited.body).to.include({ state: 'draft', version: 2, liveVersion: 1 });
    expect(edited.body.versions.map((v: any) => v.version)).to.deep.equal([2, 1]);
    // Someone else saving from the old version gets a conflict, not a silent overwrite.
    const stale = await put(`/api/knowledge/entries/${entry.id}`, { ...entryBody(), expectedVersion: 1 }, supervisor);
    expect(stale.status).to.equal(409);

    const search = async () => (await platform.api.get(`/api/knowledge/search?q=${encodeURIComponent('共享单车乱停放怎么反映')}`, agent.token)).body.items[0];
    const before = await search();
    expect(before.answer.map((s: any) => s.text).join('')).to.include('城管部门会通知运营企业清理');

    await post(`/api/knowledge/entries/${entry.id}/publish`, {}, supervisor);
    const after = await search();
    expect(after.answer.map((s: any) => s.text).join('')).to.include('新版答复');

    const archived = await post(`/api/knowledge/entries/${entry.id}/archive`, { note: '政策调整' }, supervisor);
    expect(archived.body).to.include({ state: 'archived', liveVersion: null });
    expect((await topHit(platform, agent.token, '共享单车乱停放怎么反映'))?.code).to.not.equal('chengguan-bike');
    const restored = await post(`/api/knowledge/entries/${entry.id}/restore`, {}, clerk);
    expect(restored.body.state).to.equal('draft');
    // Illegal moves are refused with the states named.
    const illegal = await post(`/api/knowledge/entries/${entry.id}/reject`, {}, supervisor);
    expect(illegal.status).to.equal(409);
    expect(illegal.body.error.message).to.include('草稿');
  });

  it('isolates departments in SQL: a clerk sees, edits and exports only their own entries', async () => {
    const own = await platform.api.get('/api/knowledge/entries?limit=500', clerk.token);
    expect(own.body.items.length).to.be.greaterThan(0);
    expect(own.body.items.every((e: any) => e.departmentCode === 'chengguan')).to.equal(true);

    const gongjijin = await platform.ctx.db.selectFrom('kb_entries').select('id').where('code', '=', 'gongjijin-001').executeTakeFirstOrThrow();
    expect((await platform.api.get(`/api/knowledge/entries/${gongjijin.id}`, clerk.token)).status).to.equal(404);
    expect((await put(`/api/knowledge/entries/${gongjijin.id}`, entryBody(), clerk)).status).to.equal(404);
    expect((await post(`/api/knowledge/entries/${gongjijin.id}/submit`, {}, clerk)).status).to.equal(404);
    expect((await platform.api.get(`/api/knowledge/entries/${gongjijin.id}`, otherClerk.token)).status).to.equal(200);
    // Writing for another department is refused outright.
    const foreign = await post('/api/knowledge/entries', { ...entryBody(), departmentCode: 'gongjijin' }, clerk);
    expect(foreign.status).to.equal(403);
    // Export follows the same scope.
    const exported = await platform.api.get('/api/knowledge/export?format=jsonl', clerk.token);
    const codes = String(exported.body).trim().split('\n').map((l) => JSON.parse(l).department);
    expect(new Set(codes)).to.deep.equal(new Set(['chengguan']));
    // Agents search but do not manage; the hotline sees everything.
    expect((await platform.api.get('/api/knowledge/entries', agent.token)).status).to.equal(403);
    const all = await platform.api.get('/api/knowledge/entries?limit=500', supervisor.token);
    expect(new Set(all.body.items.map((e: any) => e.departmentCode)).size).to.be.greaterThan(10);
  });

  it('flags entries past their review date, and filters by it', async () => {
    const created = await post('/api/knowledge/entries', { ...entryBody({ question: '过期测试条目：井盖松动怎么办？', keywords: ['井盖'] }), code: 'chengguan-stale', reviewDueOn: '2020-01-01' }, clerk);
    expect(created.body.stale).to.equal(true);
    const fresh = await post('/api/knowledge/entries', { ...entryBody({ question: '未过期测试条目' }), code: 'chengguan-fresh', reviewDueOn: '2999-01-01' }, clerk);
    expect(fresh.body.stale).to.equal(false);
    const staleList = await platform.api.get('/api/knowledge/entries?stale=true', clerk.token);
    const codes = staleList.body.items.map((e: any) => e.code);
    expect(codes).to.include('chengguan-stale').and.not.include('chengguan-fresh');
    expect(staleList.body.counts.stale).to.equal(codes.length);
  });

  it('suggests answers while a ticket is typed, and the owning department for dispatch', async () => {
    const res = await post('/api/knowledge/suggest', { text: '市民来电反映想把公积金取出来付房租，问怎么办' }, agent);
    expect(res.status).to.equal(200);
    expect(res.body.items.length).to.be.within(1, 3);
    expect(res.body.items[0].code).to.match(/^gongjijin-/);
    expect(res.body.items[0].confidence).to.be.within(0, 1);
    const { suggestDepartment } = await import('../../server/src/modules/knowledge/index.ts');
    const hint = await suggestDepartment(platform.ctx, '楼下工地晚上施工太吵了');
    expect(hint).to.include({ departmentCode: 'chengguan' });
    expect(hint!.departmentId).to.be.a('string');
    expect(await suggestDepartment(platform.ctx, '今天天气怎么样')).to.equal(null);
    // A described situation scores low as "the same question"; the entry the bot would offer is still shown.
    const described = '市民反映小区门口人行道上的井盖被人偷走了';
    const offered = await post('/api/knowledge/suggest', { text: described }, agent);
    expect(offered.body.items[0].code).to.equal('chengguan-007');
    expect(offered.body.items[0].confidence).to.be.below(0.05);
    expect(await suggestDepartment(platform.ctx, described)).to.include({ departmentCode: 'chengguan', question: '井盖丢了向哪里反映？' });
  });

  it('highlights the query’s words in search results', async () => {
    const res = await platform.api.get(`/api/knowledge/search?q=${encodeURIComponent('身份证丢了')}`, agent.token);
    const top = res.body.items[0];
    expect(top.code).to.equal('gongan-005');
    const hits = top.question.filter((s: any) => s.hit).map((s: any) => s.text);
    expect(hits.join('')).to.include('身份证');
    expect(top.question.map((s: any) => s.text).join('')).to.equal('身份证丢了怎么补办？');
  });
});
