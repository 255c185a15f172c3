/**
 * Hour rollups (rollups.ts, migration 0012): the finished hours of the current day are read from rollups of
 * the same facts queries, the hour under way live, and every figure is identical to the live query — across
 * an hour boundary (10:59:50 / 11:00:05), for instant-bounded periods that cut hours, after late events (read
 * live until the job rolls the hour again) and after an open deadline passes by the clock alone.
 *
 * "Now" is 15:30 local tomorrow, so the rows written by the test (real clock) are older than the job's look-back.
 */
import { expect } from 'chai';
import { buildDashboard, computeMeasure, findMeasure, measures, refreshRollups, resolvePeriod } from '../../server/src/modules/reports/index.ts';
import type { MeasurePeriod } from '../../server/src/modules/reports/measures.ts';
import { defaultMeasureOptions } from '../../server/src/modules/reports/measures.ts';
import { loadRolledDays, planFromRollups } from '../../server/src/modules/reports/rollups.ts';
import { createZonedClock, formatDayNumber } from '../../server/src/modules/calendar/zoned-time.ts';
import { measureCalls } from '../../server/src/modules/calls/wallboard.ts';
import { buildDepartment, buildUser } from '../support/factories.ts';
import { rawReportRows } from './raw-rows.ts';
import { expectSameFigures as expectSameRollupFigures, type FigureVariant } from './same-figures.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('reports: hour rollups of today agree with the live measures', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let clock: ReturnType<typeof createZonedClock>;
  let day: number;
  let now: Date;
  let deptA: { id: string };
  const ids: Record<string, string> = {};
  const local = (d: number, time: string) => {
    const [h, m, s] = time.split(':').map(Number) as [number, number, number];
    return new Date(clock.instantAt(d, h * 60 + m) + s * 1000);
  };
  const plus = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  const variants: FigureVariant[] = [];
  const today = (at = now) => resolvePeriod(platform.ctx.config.timezone, formatDayNumber(day), formatDayNumber(day + 1), at);
  const plan = async (key: string, p: MeasurePeriod) =>
    planFromRollups(platform.ctx.config.timezone, findMeasure(key)!, p, defaultMeasureOptions, [], await loadRolledDays(platform.ctx, p));
  const hourIso = (time: string) => local(day, time).toISOString();

  const expectSameFigures = (p: MeasurePeriod) => expectSameRollupFigures(platform.ctx, variants, p);

  before(async () => {
    // The test runs the roll-up itself, on its own clock: the every-minute schedule must not run it meanwhile.
    platform = await startTestPlatform({ WORKER_SCHEDULE: 'off' });
    const db = platform.ctx.db;
    clock = createZonedClock(platform.ctx.config.timezone);
    day = clock.dayNumberOf(Date.now()) + 1;
    now = local(day, '15:30:00');
    deptA = await buildDepartment(db, { name: '甲局' });
    const deptB = await buildDepartment(db, { name: '乙局' });
    const agent1 = await buildUser(db, { role: 'agent' });
    const agent2 = await buildUser(db, { role: 'agent' });
    variants.push(
      { name: 'total', scope: { kind: 'all' } },
      { name: 'by department', scope: { kind: 'all' }, cut: 'department' },
      { name: 'by agent', scope: { kind: 'all' }, cut: 'agent' },
      { name: 'by desk', scope: { kind: 'all' }, cut: 'desk' },
      { name: 'channel web only', scope: { kind: 'all' }, filters: { channel: 'web' } },
      { name: 'department A by type', scope: { kind: 'department', departmentId: deptA.id }, cut: 'type' },
    );
    const { call, ticket, assignment, event } = rawReportRows(db, { ids, registeredBy: agent1.id, numberPrefix: 'HR', farDeadline: local(day + 400, '00:00:00') });
    const q = (at: Date) => ({ offered_at: at, queued_at: at });
    const secs = (at: Date, s: number) => new Date(at.getTime() + s * 1000);
    // Calls either side of 11:00, an abandon and a short abandon at noon, a callback, one in the last finished hour and one in the hour under way.
    const c1 = local(day, '10:59:50');
    const c2 = local(day, '11:00:05');
    await call('c1', { ...q(c1), answered_at: secs(c1, 10), wait_seconds: 10, talk_seconds: 100.5, answered_by: agent1.id, outcome: 'answered' });
    await call('c2', { ...q(c2), answered_at: secs(c2, 20), wait_seconds: 20, talk_seconds: 200.25, answered_by: agent2.id, desk: 'dialect', outcome: 'answered' });
    await call('c3', { ...q(local(day, '12:00:00')), abandoned_at: local(day, '12:00:30'), wait_seconds: 30, outcome: 'abandoned' });
    await call('c4', { ...q(local(day, '12:10:00')), abandoned_at: local(day, '12:10:03'), wait_seconds: 3, outcome: 'abandoned' });
    await call('c5', { ...q(local(day, '13:00:00')), callback_requested: true, outcome: 'callback_requested' });
    await call('c6', { ...q(local(day, '14:59:59')), answered_at: local(day, '15:00:09'), wait_seconds: 10, answered_by: agent1.id, status: 'talking' });
    await call('c7', { ...q(local(day, '15:10:00')), answered_at: local(day, '15:10:40'), wait_seconds: 40, talk_seconds: 30, answered_by: agent2.id, outcome: 'answered' });

    await ticket('T1', { type: 'consult', state: 'closed', closure: 'resolved_on_call', created_at: local(day, '10:59:55'), closed_at: local(day, '10:59:55') });
    await event('T1', 'resolveOnCall', local(day, '10:59:55'));
    await ticket('T2', { state: 'closed', closure: 'handled', channel: 'web', created_at: local(day, '11:00:01'), closed_at: local(day, '13:00:00') });
    await assignment('a2', 'T2', { department_id: deptA.id, state: 'done', dispatched_at: local(day, '11:05:00'), sign_by: local(day, '11:30:00'), signed_at: local(day, '11:20:00'), handle_by: local(day, '14:00:00'), replied_at: local(day, '12:30:00') });
    await event('T2', 'return', local(day, '11:10:00'), {}, 'a2');
    await event('T2', 'recordSurvey', local(day, '13:00:00'), { result: 'satisfied' });
    // Closed after handling at 13:00, not surveyed yet (a late rating arrives below).
    await ticket('T3', { type: 'help', state: 'closed', closure: 'handled', created_at: local(day, '12:00:00'), closed_at: local(day, '13:20:00') });
    await assignment('a3', 'T3', { department_id: deptB.id, state: 'done', dispatched_at: local(day, '12:05:00'), sign_by: local(day, '12:30:00'), signed_at: local(day, '12:40:00'), replied_at: local(day, '13:10:00') });
    await event('T3', 'rejectReview', local(day, '13:05:00'), { reopenCount: 1 });
    // Open and not signed: due an hour from now (left out until then), and one already late.
    await ticket('T4', { state: 'dispatched', created_at: local(day, '12:15:00') });
    await assignment('a4', 'T4', { department_id: deptA.id, state: 'dispatched', dispatched_at: local(day, '12:20:00'), sign_by: plus(60) });
    await ticket('T5', { state: 'dispatched', created_at: local(day, '14:00:00') });
    await assignment('a5', 'T5', { department_id: deptA.id, state: 'dispatched', dispatched_at: local(day, '14:10:00'), sign_by: local(day, '14:30:00') });
    // In the hour under way.
    await ticket('T6', { state: 'dispatched', channel: 'web', created_at: local(day, '15:05:00') });
    await assignment('a6', 'T6', { department_id: deptA.id, state: 'signed', dispatched_at: local(day, '15:06:00'), sign_by: local(day, '15:20:00'), signed_at: local(day, '15:15:00') });
  });
  after(async () => platform?.stop());

  it("rolls today's finished hours and reads them from rollups, only the hour under way live", async () => {
    const result = await refreshRollups(platform.ctx, now);
    expect(result.rolledHours).to.deep.equal({ additive: 15, current: 15 });
    const answer = await plan('answerRate', today());
    expect(answer?.days).to.deep.equal({});
    expect(answer?.hours.additive).to.deep.equal(Array.from({ length: 15 }, (_, h) => hourIso(`${String(h).padStart(2, '0')}:00:00`)));
    expect(answer?.live.map((r) => [r.from.toISOString(), r.to.toISOString()])).to.deep.equal([[hourIso('15:00:00'), local(day + 1, '00:00:00').toISOString()]]);
    const signed = await plan('signedOnTime', today());
    expect(signed?.hours.current).to.include(hourIso('12:00:00'));
    // answerRate today: c1 c2 c6 c7 answered, c3 abandoned, c5 a callback; c4 a short abandon.
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, findMeasure('answerRate')!, today())).to.include({ numerator: 4, denominator: 6 });
    await expectSameFigures(today());
  });

  it('splits an hour boundary: 10:59:50 belongs to 10 o\'clock, 11:00:05 to 11, also for periods that cut hours', async () => {
    const tz = platform.ctx.config.timezone;
    const answer = findMeasure('answerRate')!;
    const ten = resolvePeriod(tz, hourIso('10:00:00'), hourIso('11:00:00'), now);
    const eleven = resolvePeriod(tz, hourIso('11:00:00'), hourIso('12:00:00'), now);
    expect((await plan('answerRate', ten))?.hours.additive).to.deep.equal([hourIso('10:00:00')]);
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, answer, ten, { cut: 'agent' })).to.include({ numerator: 1, denominator: 1 });
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, answer, eleven, { cut: 'desk' })).to.include({ numerator: 1, denominator: 1 });
    await expectSameFigures(ten);
    await expectSameFigures(eleven);
    // 10:30–12:30: the hour 11 from rollups, the half hours either side live.
    const cut = resolvePeriod(tz, local(day, '10:30:00').toISOString(), local(day, '12:30:00').toISOString(), now);
    const p = await plan('answerRate', cut);
    expect(p?.hours.additive).to.deep.equal([hourIso('11:00:00')]);
    expect(p?.live).to.have.length(2);
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, answer, cut)).to.include({ numerator: 2, denominator: 3 });
    await expectSameFigures(cut);
  });

  it('gives the dashboard and the wallboard today as the live measures', async () => {
    const dashboard = await buildDashboard(platform.ctx, { kind: 'all' }, now);
    for (const m of measures) {
      expect(dashboard.today.measures[m.key], m.key).to.deep.equal(await computeMeasure(platform.ctx, { kind: 'all' }, m, today(), { useRollups: false }));
    }
    // The wallboard reads the same definitions (from the rollups too): offered = the answerRate denominator.
    const board = await measureCalls(platform.ctx, local(day, '00:00:00'), local(day + 1, '00:00:00'));
    const live = (key: string) => computeMeasure(platform.ctx, { kind: 'all' }, findMeasure(key)!, today(), { useRollups: false });
    expect(board).to.include({ offered: 6, answered: 4, abandoned: 1, answeredWithin15s: (await live('serviceLevel')).numerator });
    expect(board.averageTalkSeconds).to.equal((await live('averageTalk')).value);
    expect(board.answerRate).to.equal((await live('answerRate')).value);
  });

  it('reads hours with late events live until the job rolls them again', async () => {
    const db = platform.ctx.db;
    const lateAt = plus(1);
    // A rating for T3 (closed at 13:20), the end of c6 (offered 14:59:59) reported late.
    await db.insertInto('ticket_events').values({ ticket_id: ids.T3!, actor_name: 't', actor_role: 'agent', action: 'recordSurvey', at: lateAt, data: JSON.stringify({ result: 'basically_satisfied' }) } as never).execute();
    await db.updateTable('calls').set({ status: 'ended', ended_at: lateAt, talk_seconds: '61.5', outcome: 'answered', updated_at: lateAt }).where('id', '=', ids.c6!).execute();
    const at = plus(2);
    const survey = findMeasure('surveyRate')!;
    const live = await computeMeasure(platform.ctx, { kind: 'all' }, survey, today(at), { useRollups: false });
    expect(live).to.include({ numerator: 2, denominator: 2 });
    const pending = await plan('surveyRate', today(at));
    expect(pending?.hours.additive ?? []).to.not.include(hourIso('13:00:00'));
    expect((await plan('averageTalk', today(at)))?.hours.additive ?? []).to.not.include(hourIso('14:00:00'));
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, survey, today(at))).to.deep.equal(live);
    expect((await computeMeasure(platform.ctx, { kind: 'all' }, findMeasure('averageTalk')!, today(at))).denominator).to.equal(4);
    await expectSameFigures(today(at));

    const result = await refreshRollups(platform.ctx, plus(5));
    expect(result.rolledHours.additive).to.be.greaterThan(0);
    const rolled = await plan('surveyRate', today(plus(5)));
    expect(rolled?.hours.additive).to.include(hourIso('13:00:00'));
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, survey, today(plus(5)))).to.deep.equal(live);
    await expectSameFigures(today(plus(5)));
  });

  it('stops using a current hour once an open deadline passes', async () => {
    const later = plus(61);
    const stale = await plan('signedOnTime', today(later));
    expect(stale?.hours.current ?? [], 'a4 turned late at 16:30: the 12 o\'clock hour is read live').to.not.include(hourIso('12:00:00'));
    const signed = findMeasure('signedOnTime')!;
    const live = await computeMeasure(platform.ctx, { kind: 'all' }, signed, today(later), { useRollups: false });
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, signed, today(later))).to.deep.equal(live);
    await refreshRollups(platform.ctx, later);
    expect((await plan('signedOnTime', today(later)))?.hours.current).to.include(hourIso('12:00:00'));
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, signed, today(later))).to.deep.equal(live);
    await expectSameFigures(today(later));
  });
});
