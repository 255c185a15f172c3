/**
 * Trends (a measure per day / week / month) and one department's monthly report, on hand-built rows in
 * October 2026 (Asia/Shanghai). 1 October 2026 is a Thursday, so the ISO weeks of the month are
 * 1–4, 5–11, 12–18, 19–25 and 26–31 October.
 */
import { expect } from 'chai';
import { splitIntoBuckets } from '../../server/src/modules/reports/reports.trends.ts';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const at = (local: string) => new Date(`2026-${local}+08:00`);

describe('reports: buckets of a trend', () => {
  it('splits a range into calendar days, Monday weeks and months, clipping the ends', () => {
    const days = splitIntoBuckets('Asia/Shanghai', '2026-10-30', '2026-11-02', 'day');
    expect(days.map((b) => [b.start, b.end])).to.deep.equal([
      ['2026-10-30', '2026-10-31'],
      ['2026-10-31', '2026-11-01'],
      ['2026-11-01', '2026-11-02'],
    ]);
    // Local midnight in Shanghai is 16:00 UTC the day before.
    expect(days[0]!.from.toISOString()).to.equal('2026-10-29T16:00:00.000Z');
    const weeks = splitIntoBuckets('Asia/Shanghai', '2026-10-01', '2026-11-01', 'week');
    expect(weeks.map((b) => b.start)).to.deep.equal(['2026-10-01', '2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26']);
    expect(weeks.at(-1)!.end).to.equal('2026-11-01');
    const months = splitIntoBuckets('Asia/Shanghai', '2026-01-15', '2026-03-10', 'month');
    expect(months.map((b) => [b.start, b.end])).to.deep.equal([
      ['2026-01-15', '2026-02-01'],
      ['2026-02-01', '2026-03-01'],
      ['2026-03-01', '2026-03-10'],
    ]);
    expect(splitIntoBuckets('Asia/Shanghai', '2026-03-10', '2026-03-10', 'day')).to.deep.equal([]);
  });
});

describe('reports: trends and the department monthly report over the API', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let deptA: { id: string };
  let deptB: { id: string };
  let supervisorToken: string;
  let staffBToken: string;

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    deptA = await buildDepartment(db, { name: '甲局' });
    deptB = await buildDepartment(db, { name: '乙局' });
    const agent = await buildUser(db, { role: 'agent' });
    const supervisor = await buildUser(db, { role: 'supervisor' });
    const staffB = await buildUser(db, { role: 'department_staff', departmentId: deptB.id });
    supervisorToken = (await signIn(platform.api, supervisor)).accessToken;
    staffBToken = (await signIn(platform.api, staffB)).accessToken;

    let n = 0;
    const call = async (v: Record<string, unknown>) => {
      n += 1;
      await db
        .insertInto('calls')
        .values({ caller_hash: `h${n}`, caller_encrypted: 'x', caller_masked: '139****0000', direction: 'inbound', status: 'ended', caller_location: 'none', desk: 'general', ...v } as never)
        .execute();
    };
    const q = (t: string) => ({ offered_at: at(t), queued_at: at(t) });
    await call({ ...q('10-03T09:00:00'), answered_at: at('10-03T09:00:10'), wait_seconds: 10, answered_by: agent.id, outcome: 'answered' });
    await call({ ...q('10-03T10:00:00'), answered_at: at('10-03T10:00:20'), wait_seconds: 20, answered_by: agent.id, outcome: 'answered' });
    await call({ ...q('10-10T10:00:00'), abandoned_at: at('10-10T10:00:30'), wait_seconds: 30, outcome: 'abandoned' });
    await call({ ...q('10-20T10:00:00'), answered_at: at('10-20T10:00:05'), wait_seconds: 5, answered_by: agent.id, outcome: 'answered' });

    let t = 0;
    const ticketWithLead = async (departmentId: string, v: Record<string, unknown>) => {
      t += 1;
      const ticket = await db
        .insertInto('tickets')
        .values({ number: `TR${t}`, channel: 'phone', type: 'complaint', urgency: 'normal', title: 't', description: 't', registered_by: agent.id, state: 'dispatched', created_at: v.dispatched_at } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('ticket_assignments')
        .values({ ticket_id: ticket.id, department_id: departmentId, role: 'lead', urgency: 'normal', return_by: at('12-31T00:00:00'), warn_at: at('12-31T00:00:00'), handle_by: at('12-31T00:00:00'), ...v } as never)
        .execute();
    };
    // Dispatched on the 3rd, signed on the 4th within its deadline: on time, although not by the end of the 3rd.
    await ticketWithLead(deptA.id, { state: 'signed', dispatched_at: at('10-03T10:00:00'), sign_by: at('10-04T12:00:00'), signed_at: at('10-04T09:00:00') });
    // Dispatched and signed late on the 12th.
    await ticketWithLead(deptB.id, { state: 'signed', dispatched_at: at('10-12T10:00:00'), sign_by: at('10-12T12:00:00'), signed_at: at('10-12T14:00:00') });
  });
  after(async () => platform?.stop());

  const get = (path: string, token = supervisorToken, language = 'zh-CN') => platform.api.request('GET', path, { token, headers: { 'accept-language': language } });

  it('gives a weekly 15秒接通率 whose points add up to the month’s figure', async () => {
    const res = await get('/api/reports/trends?from=2026-10-01&to=2026-11-01&granularity=week&measures=serviceLevel,answerRate');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const serviceLevel = res.body.trends.find((x: { key: string }) => x.key === 'serviceLevel');
    // Week 1: the 10 s answer (in) and the 20 s answer (out); week 2: the abandon; week 4: the 5 s answer.
    expect(serviceLevel.points.map((p: { numerator: number; denominator: number }) => [p.numerator, p.denominator])).to.deep.equal([[1, 2], [0, 1], [0, 0], [1, 1], [0, 0]]);
    expect(serviceLevel.points[2].value).to.equal(null);
    const month = await get('/api/reports/measures?from=2026-10-01&to=2026-11-01');
    const total = month.body.measures.serviceLevel;
    expect(serviceLevel.points.reduce((a: number, p: { numerator: number }) => a + p.numerator, 0)).to.equal(total.numerator);
    expect(serviceLevel.points.reduce((a: number, p: { denominator: number }) => a + p.denominator, 0)).to.equal(total.denominator);
  });

  it('judges a daily point’s open items at the end of the whole range, and its drill-down agrees', async () => {
    const res = await get('/api/reports/trends?from=2026-10-01&to=2026-10-15&granularity=day&measures=signedOnTime');
    expect(res.status).to.equal(200);
    const points = res.body.trends[0].points as { start: string; numerator: number; denominator: number; value: number | null }[];
    expect(points).to.have.length(14);
    expect(points.find((p) => p.start === '2026-10-03')).to.include({ numerator: 1, denominator: 1, value: 1 });
    expect(points.find((p) => p.start === '2026-10-12')).to.include({ numerator: 0, denominator: 1, value: 0 });
    const items = await get('/api/reports/trends/signedOnTime/items?from=2026-10-03&to=2026-10-04&rangeTo=2026-10-15');
    expect(items.status).to.equal(200);
    expect(items.body.total).to.equal(1);
    expect(items.body.items[0]).to.include({ ref: 'TR1', inNumerator: true });
  });

  it('applies the cut filters and the reader’s department scope', async () => {
    const filtered = await get(`/api/reports/trends?from=2026-10-01&to=2026-11-01&granularity=month&measures=signedOnTime&department=${deptB.id}`);
    expect(filtered.body.trends[0].points).to.have.length(1);
    expect(filtered.body.trends[0].points[0]).to.include({ numerator: 0, denominator: 1 });
    const own = await get('/api/reports/trends?from=2026-10-01&to=2026-11-01&granularity=month&measures=signedOnTime', staffBToken);
    expect(own.body.trends[0].points[0]).to.include({ numerator: 0, denominator: 1 });
  });

  it('refuses a reversed range, too many points and unknown measures with a clear message', async () => {
    const reversed = await get('/api/reports/trends?from=2026-10-05&to=2026-10-01');
    expect(reversed.status).to.equal(400);
    expect(reversed.body.error.message).to.include('结束日期必须晚于开始日期');
    const english = await get('/api/reports/trends?from=2026-10-05&to=2026-10-01', supervisorToken, 'en');
    expect(english.body.error.message).to.include('the end date must be after the start date');
    const tooMany = await get('/api/reports/trends?from=2026-01-01&to=2026-12-31&granularity=day');
    expect(tooMany.status).to.equal(400);
    expect(tooMany.body.error).to.include({ code: 'VALIDATION', field: 'granularity' });
    expect(tooMany.body.error.message).to.include('最多 100');
    const unknown = await get('/api/reports/trends?from=2026-10-01&to=2026-11-01&measures=nonsense');
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.field).to.equal('measures');
    // The figures and their items refuse a reversed or empty period the same way.
    for (const path of ['/api/reports/measures?from=2026-10-05&to=2026-10-01', '/api/reports/measures/answerRate/items?from=2026-10-05&to=2026-10-05']) {
      const refused = await get(path);
      expect(refused.status, path).to.equal(400);
      expect(refused.body.error, path).to.include({ code: 'VALIDATION', field: 'to' });
    }
    const badDate = await get('/api/reports/trends?from=2026-02-30&to=2026-03-01');
    expect(badDate.status).to.equal(400);
    expect(badDate.body.error.field).to.equal('from');
  });

  it('gives one department’s monthly report as that department’s row of the whole report', async () => {
    const whole = await get('/api/reports/monthly?month=2026-10&format=json');
    const one = await get(`/api/reports/monthly?month=2026-10&format=json&department=${deptA.id}`);
    expect(one.status).to.equal(200);
    expect(one.body.rows).to.have.length(1);
    expect(one.body.rows[0]).to.deep.equal(whole.body.rows.find((r: { departmentId: string }) => r.departmentId === deptA.id));
    expect(one.body.rows[0]).to.include({ received: 1, signedOnTime: 1 });
    const csv = await get(`/api/reports/monthly?month=2026-10&format=csv&department=${deptA.id}`);
    expect(String(csv.body).trim().split('\r\n')).to.have.length(2);
    const other = await get(`/api/reports/monthly?month=2026-10&format=json&department=${deptA.id}`, staffBToken);
    expect(other.status).to.equal(403);
  });
});
