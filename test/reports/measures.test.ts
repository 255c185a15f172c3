/**
 * Every measure pinned on hand-built rows. The calls, tickets, assignments and events below are written
 * straight into the database (October 2026, Asia/Shanghai) so each expected figure can be worked out by hand;
 * the working is in the comments next to each expectation.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { findMeasure, computeMeasure, resolvePeriod, type MeasureOptions } from '../../server/src/modules/reports/index.ts';
import type { Cut } from '../../server/src/modules/reports/measures.ts';
import type { Filters } from '../../server/src/modules/reports/reports.service.ts';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const at = (local: string) => new Date(`2026-${local}+08:00`);

describe('reports: measures on hand-built events', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let deptA: { id: string };
  let deptB: { id: string };
  let agent1: { id: string };
  let agent2: { id: string };
  const ids: Record<string, string> = {};
  let hotlineToken: string;
  let staffBToken: string;
  const period = () => resolvePeriod(platform.ctx.config.timezone, '2026-10-01', '2026-11-01', new Date('2026-11-22T00:00:00Z'));

  async function figure(key: string, input: { cut?: Cut; filters?: Filters; options?: Partial<MeasureOptions>; departmentId?: string } = {}) {
    const scope = input.departmentId ? { kind: 'department' as const, departmentId: input.departmentId } : { kind: 'all' as const };
    return computeMeasure(platform.ctx, scope, findMeasure(key)!, period(), input);
  }

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    deptA = await buildDepartment(db, { name: '甲局' });
    deptB = await buildDepartment(db, { name: '乙局' });
    agent1 = await buildUser(db, { role: 'agent' });
    agent2 = await buildUser(db, { role: 'agent' });
    const supervisor = await buildUser(db, { role: 'supervisor' });
    const staffB = await buildUser(db, { role: 'department_staff', departmentId: deptB.id });
    hotlineToken = (await signIn(platform.api, supervisor)).accessToken;
    staffBToken = (await signIn(platform.api, staffB)).accessToken;

    // ── Calls ──
    let n = 0;
    const call = async (name: string, v: Record<string, unknown>) => {
      n += 1;
      const row = await db
        .insertInto('calls')
        .values({ caller_hash: `h${n}`, caller_encrypted: 'x', caller_masked: '139****0000', direction: 'inbound', status: 'ended', caller_location: 'none', ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    };
    const q = (t: string) => ({ offered_at: at(t), queued_at: at(t) });
    await call('c1', { ...q('10-03T09:00:00'), answered_at: at('10-03T09:00:10'), wait_seconds: 10, talk_seconds: 100, answered_by: agent1.id, desk: 'general', outcome: 'answered' });
    await call('c2', { ...q('10-03T10:00:00'), answered_at: at('10-03T10:00:20'), wait_seconds: 20, talk_seconds: 200, answered_by: agent2.id, desk: 'dialect', outcome: 'answered' });
    await call('c3', { ...q('10-04T10:00:00'), abandoned_at: at('10-04T10:00:03'), wait_seconds: 3, desk: 'general', outcome: 'abandoned' }); // short abandon
    await call('c4', { ...q('10-04T11:00:00'), abandoned_at: at('10-04T11:00:30'), wait_seconds: 30, desk: 'general', outcome: 'abandoned' });
    await call('c5', { ...q('10-05T11:00:00'), callback_requested: true, desk: 'general', outcome: 'callback_requested' });
    await call('c6', { ...q('10-06T11:00:00'), answered_at: at('10-06T11:00:15'), wait_seconds: 15, answered_by: agent1.id, desk: 'general', status: 'talking' }); // still talking
    await call('c7', { offered_at: at('10-06T12:00:00'), outcome: 'ivr_ended' }); // never queued
    await call('c8', { ...q('11-02T12:00:00'), answered_at: at('11-02T12:00:05'), wait_seconds: 5, answered_by: agent1.id, outcome: 'answered' }); // November
    await call('c9', { ...q('10-07T12:00:00'), direction: 'callback', answered_at: at('10-07T12:00:05'), wait_seconds: 5, outcome: 'answered' }); // a callback

    // ── Tickets, assignments, events ──
    let t = 0;
    const ticket = async (name: string, v: Record<string, unknown>) => {
      t += 1;
      const row = await db
        .insertInto('tickets')
        .values({ number: `R${t}`, channel: 'phone', type: 'complaint', urgency: 'normal', title: name, description: name, registered_by: agent1.id, ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    };
    const assignment = async (name: string, ticketName: string, v: Record<string, unknown>) => {
      const row = await db
        .insertInto('ticket_assignments')
        .values({ ticket_id: ids[ticketName]!, role: 'lead', state: 'signed', urgency: 'normal', return_by: at('12-31T00:00:00'), warn_at: at('12-31T00:00:00'), ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    };
    const event = async (ticketName: string, action: string, when: string, data: Record<string, unknown> = {}, assignmentName?: string) => {
      await db
        .insertInto('ticket_events')
        .values({ ticket_id: ids[ticketName]!, assignment_id: assignmentName ? ids[assignmentName]! : null, actor_name: 't', actor_role: 'agent', action, at: at(when), data: JSON.stringify(data) } as never)
        .execute();
    };

    // T1: resolved on the call.
    await ticket('T1', { type: 'consult', state: 'closed', closure: 'resolved_on_call', closed_at: at('10-05T10:05:00'), created_at: at('10-05T10:00:00') });
    await event('T1', 'resolveOnCall', '10-05T10:05:00');
    // T2: lead A signed and replied on time, closed, satisfied.
    await ticket('T2', { state: 'closed', closure: 'handled', closed_at: at('10-12T10:00:00'), created_at: at('10-06T09:00:00') });
    await assignment('a2', 'T2', { department_id: deptA.id, state: 'done', dispatched_at: at('10-06T10:00:00'), sign_by: at('10-06T12:00:00'), signed_at: at('10-06T11:00:00'), handle_by: at('10-13T18:00:00'), replied_at: at('10-10T10:00:00') });
    await event('T2', 'recordSurvey', '10-12T10:00:00', { result: 'satisfied' });
    // T3: lead A signed late and replied late after a rejected reply; assist B asked to return (approved); unsatisfied.
    await ticket('T3', { type: 'help', channel: 'web', state: 'closed', closure: 'handled', closed_at: at('10-20T10:00:00'), created_at: at('10-07T09:00:00'), reopen_count: 1 });
    await assignment('a3', 'T3', { department_id: deptA.id, state: 'done', dispatched_at: at('10-07T10:00:00'), sign_by: at('10-07T12:00:00'), signed_at: at('10-07T14:00:00'), handle_by: at('10-14T18:00:00'), replied_at: at('10-16T10:00:00') });
    await assignment('a3b', 'T3', { department_id: deptB.id, role: 'assist', state: 'returned', dispatched_at: at('10-07T10:00:00'), sign_by: at('10-07T12:00:00'), handle_by: at('10-14T18:00:00') });
    await event('T3', 'return', '10-07T11:00:00', {}, 'a3b');
    await event('T3', 'rejectReview', '10-15T10:00:00', { reopenCount: 1 });
    await event('T3', 'recordSurvey', '10-20T10:00:00', { result: 'unsatisfied' });
    // T4: lead B, never signed, sign deadline passed before the period end, handling deadline after it.
    await ticket('T4', { state: 'dispatched', created_at: at('10-25T09:00:00') });
    await assignment('a4', 'T4', { department_id: deptB.id, state: 'dispatched', dispatched_at: at('10-25T10:00:00'), sign_by: at('10-25T12:00:00'), handle_by: at('11-05T18:00:00') });
    // T5: a duplicate merged into T2 (the master counts once).
    await ticket('T5', { state: 'merged', master_ticket_id: ids.T2, created_at: at('10-06T09:30:00') });
    // T6: a sub-unit child of T2 (not a new request).
    await ticket('T6', { state: 'dispatched', parent_ticket_id: ids.T2, created_at: at('10-08T09:00:00') });
    // T7: lead A, open, both deadlines after the period end.
    await ticket('T7', { state: 'dispatched', created_at: at('10-28T09:00:00') });
    await assignment('a7', 'T7', { department_id: deptA.id, state: 'dispatched', dispatched_at: at('10-28T10:00:00'), sign_by: at('11-02T12:00:00'), handle_by: at('11-10T18:00:00') });
    // T8: registered in September, closed in October, caller unreachable.
    await ticket('T8', { state: 'closed', closure: 'handled', closed_at: at('10-03T10:00:00'), created_at: new Date('2026-09-30T09:00:00+08:00') });
    await assignment('a8', 'T8', { department_id: deptA.id, state: 'done', dispatched_at: new Date('2026-09-30T10:00:00+08:00'), sign_by: new Date('2026-09-30T12:00:00+08:00'), signed_at: new Date('2026-09-30T11:00:00+08:00'), handle_by: at('10-02T18:00:00'), replied_at: at('10-01T10:00:00') });
    await event('T8', 'recordSurvey', '10-03T10:00:00', { result: 'unreachable' });
  });
  after(async () => platform?.stop());

  describe('calls (offered: c1 c2 c4 c5 c6; c3 short abandon, c7 never queued, c8 November, c9 a callback)', () => {
    it('15秒接通率 = answered within 15 s / offered = (c1, c6) / 5', async () => {
      expect(await figure('serviceLevel')).to.include({ numerator: 2, denominator: 5, value: 0.4 });
      // A 10 s threshold leaves only c1.
      expect(await figure('serviceLevel', { options: { serviceLevelSeconds: 10 } })).to.include({ numerator: 1, denominator: 5 });
    });
    it('接通率 = 3 answered / 5 offered (the callback request counts as offered, not answered)', async () => {
      expect(await figure('answerRate')).to.include({ numerator: 3, denominator: 5, value: 0.6 });
    });
    it('放弃率 leaves the short abandon out; with the threshold at 0 it counts', async () => {
      expect(await figure('abandonRate')).to.include({ numerator: 1, denominator: 5, value: 0.2 });
      expect(await figure('abandonRate', { options: { shortAbandonSeconds: 0 } })).to.include({ numerator: 2, denominator: 6, value: 0.3333 });
    });
    it('平均等待 = (10 + 20 + 15) / 3 = 15 s over answered calls', async () => {
      expect(await figure('averageWait')).to.include({ numerator: 45, denominator: 3, value: 15 });
    });
    it('平均通话 = (100 + 200) / 2 = 150 s over ended answered calls (c6 still talking)', async () => {
      expect(await figure('averageTalk')).to.include({ numerator: 300, denominator: 2, value: 150 });
    });
    it('cuts by desk and agent', async () => {
      const byDesk = await figure('answerRate', { cut: 'desk' });
      expect(byDesk.cuts!.map((c) => [c.key, c.label, c.numerator, c.denominator])).to.deep.equal([
        ['general', '综合', 2, 4],
        ['dialect', '方言', 1, 1],
      ]);
      const byAgent = await figure('averageWait', { cut: 'agent' });
      expect(byAgent.cuts!.find((c) => c.key === agent1.id)).to.include({ numerator: 25, denominator: 2, value: 12.5 });
      expect(byAgent.cuts!.find((c) => c.key === agent2.id)).to.include({ numerator: 20, denominator: 1, value: 20 });
    });
  });

  describe('tickets', () => {
    it('直接办结率 = T1 / (T1 T2 T3 T4 T7): the merged T5 and the child T6 are not counted', async () => {
      expect(await figure('directResolution')).to.include({ numerator: 1, denominator: 5, value: 0.2 });
    });
    it('按时签收率 = a2 / (a2 a3 a4): returned a3b left out, open a4 past deadline late, open a7 not yet due left out', async () => {
      expect(await figure('signedOnTime')).to.include({ numerator: 1, denominator: 3, value: 0.3333 });
      // Leaving out open ones past deadline too: a2 / (a2 a3).
      expect(await figure('signedOnTime', { options: { openPastDeadline: 'exclude' } })).to.include({ numerator: 1, denominator: 2, value: 0.5 });
      const byDept = await figure('signedOnTime', { cut: 'department' });
      expect(byDept.cuts!.find((c) => c.key === deptA.id)).to.include({ label: '甲局', numerator: 1, denominator: 2 });
      expect(byDept.cuts!.find((c) => c.key === deptB.id)).to.include({ label: '乙局', numerator: 0, denominator: 1 });
    });
    it('响应率 uses the same rule as 按时签收率', async () => {
      expect(await figure('responseRate')).to.include({ numerator: 1, denominator: 3 });
    });
    it('按时办结率 = a2 / (a2 a3): a4 and a7 are open with the deadline after the period end', async () => {
      expect(await figure('finishedOnTime')).to.include({ numerator: 1, denominator: 2, value: 0.5 });
    });
    it('退单率 = a3b / (a2 a3 a3b a4 a7)', async () => {
      expect(await figure('returnRate')).to.include({ numerator: 1, denominator: 5, value: 0.2 });
    });
    it('重办率 = T3 / dispatched tickets registered in October (T2 T3 T4 T7)', async () => {
      expect(await figure('reopenRate')).to.include({ numerator: 1, denominator: 4, value: 0.25 });
    });
    it('回访率 = rated (T2 T3) / closed after handling in October (T2 T3 T8, T8 unreachable)', async () => {
      expect(await figure('surveyRate')).to.include({ numerator: 2, denominator: 3, value: 0.6667 });
    });
    it('满意率 = satisfied (T2) / ratings (T2 T3); unreachable left out', async () => {
      expect(await figure('satisfaction')).to.include({ numerator: 1, denominator: 2, value: 0.5 });
    });
    it('解决率 = closed never reopened (T2 T8) / closed (T2 T3 T8)', async () => {
      expect(await figure('resolutionRate')).to.include({ numerator: 2, denominator: 3, value: 0.6667 });
    });
    it('a department sees only its own rows', async () => {
      expect(await figure('returnRate', { departmentId: deptB.id })).to.include({ numerator: 1, denominator: 2 });
      expect(await figure('answerRate', { departmentId: deptB.id })).to.include({ numerator: 0, denominator: 0, value: null });
    });
  });

  describe('open at the period end (August 2026, its own rows)', () => {
    before(async () => {
      const db = platform.ctx.db;
      const ticket = await db
        .insertInto('tickets')
        .values({ number: 'AUG1', channel: 'phone', type: 'help', urgency: 'normal', title: 'x', description: 'x', state: 'in_progress', created_at: new Date('2026-08-30T09:00:00+08:00') } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      const base = { ticket_id: ticket.id, role: 'assist', state: 'signed', urgency: 'normal', return_by: at('12-31T00:00:00'), warn_at: at('12-31T00:00:00'), handle_by: at('12-31T00:00:00') };
      // x1: sign deadline inside August, signed only in September → open and late at the end of August.
      // x2: dispatched on the last evening, sign deadline in September, signed in time.
      await db.insertInto('ticket_assignments').values([
        { ...base, department_id: deptA.id, dispatched_at: new Date('2026-08-30T10:00:00+08:00'), sign_by: new Date('2026-08-30T12:00:00+08:00'), signed_at: new Date('2026-09-02T09:00:00+08:00') },
        { ...base, department_id: deptB.id, dispatched_at: new Date('2026-08-31T20:00:00+08:00'), sign_by: new Date('2026-09-01T10:00:00+08:00'), signed_at: new Date('2026-09-01T09:00:00+08:00') },
      ] as never).execute();
    });
    const august = (to: string) => resolvePeriod(platform.ctx.config.timezone, '2026-08-01', to, new Date('2026-11-22T00:00:00Z'));

    it('judges signing as of the period end: x1 late (signed after the end, deadline passed), x2 left out (not yet due)', async () => {
      const m = findMeasure('signedOnTime')!;
      expect(await computeMeasure(platform.ctx, { kind: 'all' }, m, august('2026-09-01'))).to.include({ numerator: 0, denominator: 1, value: 0 });
      expect(await computeMeasure(platform.ctx, { kind: 'all' }, m, august('2026-09-01'), { options: { openPastDeadline: 'exclude' } })).to.include({ numerator: 0, denominator: 0, value: null });
      // Over a period that also covers the signatures: x1 signed late, x2 on time.
      expect(await computeMeasure(platform.ctx, { kind: 'all' }, m, august('2026-09-15'))).to.include({ numerator: 1, denominator: 2, value: 0.5 });
    });
  });

  describe('HTTP API', () => {
    it('lists definitions in both languages', async () => {
      const res = await platform.api.get('/api/reports/definitions', hotlineToken);
      expect(res.status).to.equal(200);
      const keys = res.body.measures.map((m: { key: string }) => m.key);
      expect(keys).to.include.members(['serviceLevel', 'answerRate', 'averageWait', 'abandonRate', 'averageTalk', 'directResolution', 'signedOnTime', 'finishedOnTime', 'returnRate', 'reopenRate', 'surveyRate', 'satisfaction', 'responseRate', 'resolutionRate']);
      for (const m of res.body.measures) expect(m.description['zh-CN']).to.be.a('string').and.not.empty;
    });
    it('gives figures per department, and only its own to department staff', async () => {
      const all = await platform.api.get('/api/reports/measures?from=2026-10-01&to=2026-11-01&cut=department', hotlineToken);
      expect(all.status).to.equal(200);
      expect(all.body.measures.signedOnTime).to.include({ numerator: 1, denominator: 3 });
      expect(all.body.measures.serviceLevel).to.include({ numerator: 2, denominator: 5 });
      const own = await platform.api.get('/api/reports/measures?from=2026-10-01&to=2026-11-01&cut=department', staffBToken);
      expect(own.body.measures.signedOnTime).to.include({ numerator: 0, denominator: 1 });
      expect(own.body.measures.signedOnTime.cuts.map((c: { key: string }) => c.key)).to.deep.equal([deptB.id]);
    });
    it('drills down to the assignments behind a figure', async () => {
      const res = await platform.api.get(`/api/reports/measures/signedOnTime/items?from=2026-10-01&to=2026-11-01&department=${deptA.id}`, hotlineToken);
      expect(res.status).to.equal(200);
      expect(res.body.total).to.equal(2);
      expect(res.body.items.map((i: { id: string; inNumerator: boolean }) => [i.id, i.inNumerator])).to.deep.equal([[ids.a2, true], [ids.a3, false]]);
      const num = await platform.api.get(`/api/reports/measures/abandonRate/items?from=2026-10-01&to=2026-11-01&numerator=true`, hotlineToken);
      expect(num.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.c4]);
      expect((await platform.api.get('/api/reports/measures/nope/items?from=2026-10-01&to=2026-11-01', hotlineToken)).status).to.equal(404);
    });
    it('exports the monthly report as CSV and xlsx', async () => {
      const csv = await platform.api.get('/api/reports/monthly?month=2026-10&format=csv', hotlineToken);
      expect(csv.status).to.equal(200);
      expect(csv.headers.get('content-type')).to.contain('text/csv');
      const lines = (csv.body as string).replace(/^\uFEFF/, '').trim().split(/\r\n/);
      // 甲局: received a2 a3 a7 = 3, signed on time 1 of 2, finished on time 1 of 2, returned 0, reopened T3 of
      // (T2 T3 T7), surveyed 2 of 3 (T2 T3 T8), satisfaction 1 of 2.
      expect(lines).to.include('甲局,3,1,0.5,1,0.5,0,0,1,0.3333,2,0.6667,0.5');
      // 乙局: received a3b a4 = 2, signed 0 of 1, finished none due, returned 1 of 2, reopened 0 of T4.
      expect(lines).to.include('乙局,2,0,0,0,,1,0.5,0,0,0,,');
      expect(lines.at(-1)).to.match(/^全市热线 Hotline total,5,1,0.3333,1,0.5,1,0.2,1,0.25,2,0.6667,0.5$/);

      const res = await fetch(`${platform.url}/api/reports/monthly?month=2026-10&format=xlsx`, { headers: { authorization: `Bearer ${hotlineToken}` } });
      expect(res.status).to.equal(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await res.arrayBuffer());
      const sheet = book.worksheets[0]!;
      expect(sheet.getRow(2).getCell(1).value).to.equal('甲局');
      expect(sheet.getRow(2).getCell(2).value).to.equal(3);
      expect(sheet.getRow(4).getCell(1).value).to.equal('全市热线 Hotline total');

      const staff = await platform.api.get('/api/reports/monthly?month=2026-10&format=json', staffBToken);
      expect(staff.body.rows.map((r: { department: string }) => r.department)).to.deep.equal(['乙局']);
    });
  });
});
