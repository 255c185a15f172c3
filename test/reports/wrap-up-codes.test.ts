/**
 * 话后小结统计 (calls by wrap-up code) pinned on hand-built calls: October 2026 in Asia/Shanghai, written straight
 * into the calls table so every count below can be worked out by hand (the working is next to each expectation).
 * The report's rows are 接通率's numerator, so it is also checked against that measure.
 */
import { expect } from 'chai';
import { computeMeasure, findMeasure, resolvePeriod } from '../../server/src/modules/reports/index.ts';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { rawReportRows } from './raw-rows.ts';

const at = (local: string) => new Date(`2026-${local}+08:00`);
const OCTOBER = 'from=2026-10-01&to=2026-11-01';

type CodeFigure = { code: string; label: { 'zh-CN': string; en: string }; active: boolean; system: boolean; calls: number; share: number | null; averageTalkSeconds: number | null };

describe('reports: calls by wrap-up code', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let agent1: { id: string; displayName: string };
  let agent2: { id: string; displayName: string };
  let hotlineToken: string;
  let staffToken: string;
  const ids: Record<string, string> = {};

  const report = async (query: string, token = hotlineToken) => {
    const res = await platform.api.get(`/api/reports/wrap-up-codes?${query}`, token);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as { total: number; averageTalkSeconds: number | null; codes: CodeFigure[]; cut: string | null; groups: { key: string | null; label: string | null; total: number; calls: Record<string, number> }[] };
  };
  const calls = (codes: CodeFigure[]) => Object.fromEntries(codes.filter((c) => c.calls > 0).map((c) => [c.code, c.calls]));

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    const dept = await buildDepartment(db, { name: '小结测试局' });
    const a1 = await buildUser(db, { role: 'agent', displayName: '坐席甲' });
    const a2 = await buildUser(db, { role: 'agent', displayName: '坐席乙' });
    agent1 = { id: a1.id, displayName: '坐席甲' };
    agent2 = { id: a2.id, displayName: '坐席乙' };
    const supervisor = await buildUser(db, { role: 'supervisor' });
    const staff = await buildUser(db, { role: 'department_staff', departmentId: dept.id });
    hotlineToken = (await signIn(platform.api, supervisor)).accessToken;
    staffToken = (await signIn(platform.api, staff)).accessToken;
    // An admin's code retired since (its October calls must still be counted) and one retired without calls.
    await db
      .insertInto('wrap_up_codes')
      .values([
        { code: 'policy_question', label_zh: '政策咨询', label_en: 'Policy question', active: false, sort_order: 15 },
        { code: 'old_unused', label_zh: '旧编码', label_en: 'Old code', active: false, sort_order: 16 },
      ])
      .execute();

    const rows = rawReportRows(db, { ids, registeredBy: a1.id, numberPrefix: 'W', farDeadline: at('12-31T00:00:00') });
    const answered = (t: string, v: Record<string, unknown>) => ({ offered_at: at(t), queued_at: at(t), answered_at: new Date(at(t).getTime() + 10_000), wait_seconds: 10, outcome: 'answered', ...v });
    // Counted: answered inbound calls offered to the queue in October (local time).
    await rows.call('w1', answered('10-03T09:00:00', { desk: 'general', answered_by: a1.id, wrap_up_code: 'complaint', talk_seconds: 100 }));
    await rows.call('w2', answered('10-04T09:00:00', { desk: 'general', answered_by: a1.id, wrap_up_code: 'complaint', talk_seconds: 200 }));
    await rows.call('w3', answered('10-05T09:00:00', { desk: 'dialect', answered_by: a2.id, wrap_up_code: 'resolved', talk_seconds: 60 }));
    await rows.call('w4', answered('10-06T09:00:00', { desk: 'general', answered_by: a2.id, wrap_up_code: 'unselected', talk_seconds: 30 }));
    await rows.call('w5', answered('10-07T09:00:00', { desk: 'general', answered_by: a1.id, status: 'talking', outcome: null })); // still talking: no code, no talk time
    await rows.call('w6', answered('10-08T09:00:00', { desk: 'dialect', answered_by: a2.id, wrap_up_code: 'policy_question', talk_seconds: 50 }));
    await rows.call('w7', answered('10-31T23:59:30', { desk: 'business', answered_by: a1.id, wrap_up_code: 'resolved', talk_seconds: 40 })); // last minute of the month
    // Not counted: abandoned, a callback (outbound), November (local), never queued, before October.
    await rows.call('x1', { offered_at: at('10-09T09:00:00'), queued_at: at('10-09T09:00:00'), abandoned_at: at('10-09T09:00:40'), wait_seconds: 40, outcome: 'abandoned' });
    await rows.call('x2', answered('10-10T09:00:00', { direction: 'callback', answered_by: a1.id, wrap_up_code: 'complaint', talk_seconds: 70 }));
    await rows.call('x3', answered('11-01T00:00:00', { answered_by: a1.id, wrap_up_code: 'complaint', talk_seconds: 70 }));
    await rows.call('x4', { offered_at: at('10-11T09:00:00'), outcome: 'ivr_ended', wrap_up_code: 'nuisance' });
    await rows.call('x5', answered('09-30T23:59:59', { answered_by: a1.id, wrap_up_code: 'nuisance', talk_seconds: 70 }));
  });
  after(async () => {
    await platform?.stop();
  });

  it('counts October’s answered calls by code, with shares and average talk time', async () => {
    const r = await report(OCTOBER);
    // w1–w7: seven answered inbound calls; x1–x5 are abandoned, outbound, outside October or never queued.
    expect(r.total).to.equal(7);
    expect(calls(r.codes)).to.deep.equal({ complaint: 2, resolved: 2, unselected: 1, policy_question: 1, none: 1 });
    const byCode = new Map(r.codes.map((c) => [c.code, c]));
    // complaint: 2 of 7 = 0.2857, talk (100 + 200) / 2 = 150; resolved: (60 + 40) / 2 = 50.
    expect(byCode.get('complaint')).to.include({ share: 0.2857, averageTalkSeconds: 150, active: true, system: false });
    expect(byCode.get('resolved')).to.include({ share: 0.2857, averageTalkSeconds: 50 });
    // 未选择 is the platform's code; the still-talking call has no code yet and no talk time.
    expect(byCode.get('unselected')).to.include({ calls: 1, share: 0.1429, averageTalkSeconds: 30, system: true });
    expect(byCode.get('none')).to.deep.include({ calls: 1, averageTalkSeconds: null, label: { 'zh-CN': '未小结', en: 'Not coded yet' } });
    // A retired code is listed while it has calls; a retired one without calls is not; active codes are, even at 0.
    expect(byCode.get('policy_question')).to.include({ calls: 1, active: false });
    expect(byCode.has('old_unused')).to.equal(false);
    expect(byCode.get('praise')).to.include({ calls: 0, share: 0, averageTalkSeconds: null });
    // Codes in the admins' order, 未小结 last.
    const order = r.codes.map((c) => c.code);
    expect(order.indexOf('resolved')).to.be.lessThan(order.indexOf('policy_question'));
    expect(order.indexOf('policy_question')).to.be.lessThan(order.indexOf('complaint'));
    expect(order.at(-1)).to.equal('none');
    // Talk over every ended answered call: (100 + 200 + 60 + 30 + 50 + 40) / 6 = 80.
    expect(r.averageTalkSeconds).to.equal(80);
    expect(r.codes.reduce((n, c) => n + c.calls, 0), 'the codes add up to the total').to.equal(7);
  });

  it('totals 接通率’s numerator over the same period (the same rows)', async () => {
    const period = resolvePeriod(platform.ctx.config.timezone, '2026-10-01', '2026-11-01', new Date('2026-11-22T00:00:00Z'));
    const answerRate = await computeMeasure(platform.ctx, { kind: 'all' }, findMeasure('answerRate')!, period, { useRollups: false });
    expect(answerRate.numerator).to.equal((await report(OCTOBER)).total);
    // A sub-range: October 3–5 holds w1, w2, w3.
    expect(calls((await report('from=2026-10-03&to=2026-10-06')).codes)).to.deep.equal({ complaint: 2, resolved: 1 });
  });

  it('breaks the codes down per desk and per agent, and narrows to one desk or agent', async () => {
    const desks = await report(`${OCTOBER}&cut=desk`);
    expect(desks.cut).to.equal('desk');
    // general: w1, w2, w4, w5; dialect: w3, w6; business: w7 — most calls first, named by the desk table.
    expect(desks.groups.map((g) => [g.key, g.label, g.total])).to.deep.equal([
      ['general', '综合', 4],
      ['dialect', '方言', 2],
      ['business', '涉企', 1],
    ]);
    expect(desks.groups[0]!.calls).to.deep.equal({ complaint: 2, unselected: 1, none: 1 });
    expect(desks.groups[1]!.calls).to.deep.equal({ resolved: 1, policy_question: 1 });
    expect(desks.total).to.equal(7);

    const agents = await report(`${OCTOBER}&cut=agent`);
    // agent 1: w1, w2, w5, w7; agent 2: w3, w4, w6.
    expect(agents.groups.map((g) => [g.key, g.label, g.total])).to.deep.equal([
      [agent1.id, agent1.displayName, 4],
      [agent2.id, agent2.displayName, 3],
    ]);
    expect(agents.groups[1]!.calls).to.deep.equal({ resolved: 1, unselected: 1, policy_question: 1 });

    expect(calls((await report(`${OCTOBER}&desk=general`)).codes)).to.deep.equal({ complaint: 2, unselected: 1, none: 1 });
    expect(calls((await report(`${OCTOBER}&agent=${agent2.id}`)).codes)).to.deep.equal({ resolved: 1, unselected: 1, policy_question: 1 });
  });

  it('lists the calls behind a code’s count, oldest first, in the same scope and filters', async () => {
    const items = async (query: string, token = hotlineToken) => {
      const res = await platform.api.get(`/api/reports/wrap-up-codes/items?${OCTOBER}&${query}`, token);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as { total: number; items: { id: string; desk: string; agentId: string; agentName: string; talkSeconds: number | null; code: string; at: string }[] };
    };
    const complaints = await items('code=complaint');
    expect(complaints.total).to.equal(2);
    expect(complaints.items.map((i) => [i.id, i.desk, i.agentName, i.talkSeconds])).to.deep.equal([
      [ids.w1, 'general', agent1.displayName, 100],
      [ids.w2, 'general', agent1.displayName, 200],
    ]);
    const uncoded = await items('code=none');
    expect(uncoded.items.map((i) => [i.id, i.code, i.talkSeconds])).to.deep.equal([[ids.w5, 'none', null]]);
    expect((await items(`code=resolved&desk=business`)).items.map((i) => i.id)).to.deep.equal([ids.w7]);
    expect((await items('code=resolved&limit=1&offset=1')).items.map((i) => i.id), 'paged').to.deep.equal([ids.w7]);
    expect((await items('code=complaint', staffToken)).total, 'department staff: no calls').to.equal(0);
    const bad = await platform.api.get(`/api/reports/wrap-up-codes/items?${OCTOBER}&code=Not A Code`, hotlineToken);
    expect(bad.status).to.equal(400);
  });

  it('shows department staff no calls, as every call figure does', async () => {
    const r = await report(OCTOBER, staffToken);
    expect(r.total).to.equal(0);
    expect(r.codes.every((c) => c.calls === 0 && c.share === null)).to.equal(true);
  });

  it('exports CSV with a BOM: one row per code, a column per desk, and the total', async () => {
    const path = `/api/reports/wrap-up-codes?${OCTOBER}&cut=desk&format=csv`;
    const raw = await fetch(platform.url + path, { headers: { authorization: `Bearer ${hotlineToken}` } });
    expect(raw.status).to.equal(200);
    expect(raw.headers.get('content-type')).to.match(/^text\/csv/);
    expect(raw.headers.get('content-disposition')).to.contain('wrap-up-codes-2026-10-01_2026-11-01.csv');
    const bytes = new Uint8Array(await raw.arrayBuffer());
    expect([...bytes.slice(0, 3)], 'UTF-8 BOM').to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines[0]).to.equal('话后小结 Wrap-up code,编码 Code,来电数 Calls,占比 Share,平均通话(秒) Average talk (s),综合,方言,涉企');
    const row = (code: string) => lines.find((l) => l.split(',')[1] === code)?.split(',');
    expect(row('complaint')).to.deep.equal(['投诉', 'complaint', '2', '0.2857', '150', '2', '0', '0']);
    expect(row('policy_question')).to.deep.equal(['政策咨询', 'policy_question', '1', '0.1429', '50', '0', '1', '0']);
    expect(row('praise')).to.deep.equal(['表扬', 'praise', '0', '0', '', '0', '0', '0']);
    expect(lines.at(-1)).to.equal('合计 Total,,7,1,80,4,2,1');
  });

  it('refuses a bad period or cut with a clear message in the reader’s language', async () => {
    const reversed = await platform.api.get('/api/reports/wrap-up-codes?from=2026-11-01&to=2026-10-01', hotlineToken);
    expect(reversed.status).to.equal(400);
    expect(reversed.body.error.message).to.contain('结束日期必须晚于开始日期');
    const english = await platform.api.request('GET', '/api/reports/wrap-up-codes?from=2026-11-01&to=2026-10-01', { token: hotlineToken, headers: { 'accept-language': 'en' } });
    expect(english.body.error.message).to.contain('end date must be after the start date');
    const cut = await platform.api.get(`/api/reports/wrap-up-codes?${OCTOBER}&cut=category`, hotlineToken);
    expect(cut.status).to.equal(400);
    expect(JSON.stringify(cut.body.error)).to.contain('cut');
    const anonymous = await platform.api.get(`/api/reports/wrap-up-codes?${OCTOBER}`);
    expect(anonymous.status).to.equal(401);
  });
});
