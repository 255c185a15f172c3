/**
 * The rollups give exactly the figures of the live facts queries: every measure, several cuts and scopes, over
 * a past month (judged at its end), over recent days judged now, across a day boundary, after late events
 * (once the job has run again), when the job runs twice, and after a deadline passes by the clock alone.
 *
 * The rows are hand-built around two days: one in the previous month (23:59:50 and 00:00:05 either side of
 * its midnight) and one two days ago, so the data moves with the date the tests run on.
 */
import { expect } from 'chai';
import { sql } from 'kysely';
import { buildDashboard, computeMeasure, findMeasure, measures, refreshRollups, resolvePeriod } from '../../server/src/modules/reports/index.ts';
import type { MeasurePeriod } from '../../server/src/modules/reports/measures.ts';
import { loadRolledDays, planFromRollups } from '../../server/src/modules/reports/rollups.ts';
import { defaultMeasureOptions } from '../../server/src/modules/reports/measures.ts';
import { createZonedClock, formatDayNumber } from '../../server/src/modules/calendar/zoned-time.ts';
import { buildDepartment, buildUser } from '../support/factories.ts';
import { rawReportRows } from './raw-rows.ts';
import { expectSameFigures as expectSameRollupFigures, type FigureVariant } from './same-figures.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('reports: rollups agree with the live measures', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let deptA: { id: string };
  let deptB: { id: string };
  // The job's clock runs ten minutes ahead of the rows written below, so they are older than its look-back and
  // the days are served from rollups; later writes carry explicit times on the same clock.
  const now = new Date(Date.now() + 10 * 60_000);
  const plus = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  let clock: ReturnType<typeof createZonedClock>;
  let today: number;
  let boundaryDay: number; // the 10th of the previous month: rows at 23:59:50 the day before and 00:00:05 on it
  let recentDay: number;
  let monthStart: number;
  let previousMonthStart: number;
  const ids: Record<string, string> = {};

  /** Instant at local day `day`, `hh:mm:ss`. */
  const local = (day: number, time: string) => {
    const [h, m, s] = time.split(':').map(Number) as [number, number, number];
    return new Date(clock.instantAt(day, h * 60 + m) + s * 1000);
  };
  const period = (fromDay: number, toDay: number, at = now) => resolvePeriod(platform.ctx.config.timezone, formatDayNumber(fromDay), formatDayNumber(toDay), at);

  const variants: FigureVariant[] = [];

  const expectSameFigures = (p: MeasurePeriod) => expectSameRollupFigures(platform.ctx, variants, p);

  before(async () => {
    // The test runs the roll-up itself, on its own clock: the every-minute schedule must not run it meanwhile.
    platform = await startTestPlatform({ WORKER_SCHEDULE: 'off' });
    const db = platform.ctx.db;
    clock = createZonedClock(platform.ctx.config.timezone);
    today = clock.dayNumberOf(now.getTime());
    const d = new Date(today * 86_400_000);
    monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 86_400_000;
    previousMonthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) / 86_400_000;
    boundaryDay = previousMonthStart + 9;
    recentDay = today - 2;
    deptA = await buildDepartment(db, { name: '甲局' });
    deptB = await buildDepartment(db, { name: '乙局' });
    const agent1 = await buildUser(db, { role: 'agent' });
    const agent2 = await buildUser(db, { role: 'agent' });
    variants.push(
      { name: 'total', scope: { kind: 'all' } },
      { name: 'by department', scope: { kind: 'all' }, cut: 'department' },
      { name: 'by agent', scope: { kind: 'all' }, cut: 'agent' },
      { name: 'by desk', scope: { kind: 'all' }, cut: 'desk' },
      { name: 'by type', scope: { kind: 'all' }, cut: 'type' },
      { name: 'channel web only', scope: { kind: 'all' }, filters: { channel: 'web' } },
      { name: 'department A by type', scope: { kind: 'department', departmentId: deptA.id }, cut: 'type' },
      // Not a kept grouping: computed live, still the same.
      { name: 'department A by agent', scope: { kind: 'department', departmentId: deptA.id }, cut: 'agent' },
    );

    const { call, ticket, assignment, event } = rawReportRows(db, { ids, registeredBy: agent1.id, numberPrefix: 'RU', farDeadline: local(today + 400, '00:00:00') });

    // The same story around each of the two days; `p` prefixes the names.
    for (const [p, day] of [['m', boundaryDay], ['r', recentDay]] as const) {
      const q = (at: Date) => ({ offered_at: at, queued_at: at });
      const secs = (at: Date, s: number) => new Date(at.getTime() + s * 1000);
      const before = local(day - 1, '23:59:50');
      const after = local(day, '00:00:05');
      await call(`${p}c1`, { ...q(before), answered_at: secs(before, 10), wait_seconds: 10, talk_seconds: 100.5, answered_by: agent1.id, outcome: 'answered' });
      await call(`${p}c2`, { ...q(after), answered_at: secs(after, 20), wait_seconds: 20, talk_seconds: 200.25, answered_by: agent2.id, desk: 'dialect', outcome: 'answered' });
      await call(`${p}c3`, { ...q(local(day, '10:00:00')), abandoned_at: local(day, '10:00:03'), wait_seconds: 3, outcome: 'abandoned' });
      await call(`${p}c4`, { ...q(local(day, '11:00:00')), abandoned_at: local(day, '11:00:30'), wait_seconds: 30, outcome: 'abandoned' });
      await call(`${p}c5`, { ...q(local(day, '11:30:00')), callback_requested: true, outcome: 'callback_requested' });
      await call(`${p}c6`, { ...q(local(day, '12:00:00')), answered_at: local(day, '12:00:15'), wait_seconds: 15, answered_by: agent1.id, status: 'talking' });

      await ticket(`${p}T1`, { type: 'consult', state: 'closed', closure: 'resolved_on_call', created_at: before, closed_at: before });
      await event(`${p}T1`, 'resolveOnCall', before);
      await ticket(`${p}T2`, { state: 'closed', closure: 'handled', channel: 'web', created_at: after, closed_at: local(day + 1, '10:00:00') });
      await assignment(`${p}a2`, `${p}T2`, { department_id: deptA.id, state: 'done', dispatched_at: local(day, '09:00:00'), sign_by: local(day, '11:00:00'), signed_at: local(day, '10:00:00'), handle_by: local(day + 1, '18:00:00'), replied_at: local(day + 1, '09:00:00') });
      await event(`${p}T2`, 'recordSurvey', local(day + 1, '10:00:00'), { result: 'satisfied' });
      await ticket(`${p}T3`, { type: 'help', state: 'closed', closure: 'handled', created_at: local(day, '08:00:00'), closed_at: local(day + 1, '12:00:00'), reopen_count: 1 });
      await assignment(`${p}a3`, `${p}T3`, { department_id: deptA.id, state: 'done', dispatched_at: local(day, '09:00:00'), sign_by: local(day, '09:30:00'), signed_at: local(day, '10:00:00'), handle_by: local(day, '18:00:00'), replied_at: local(day + 1, '09:00:00') });
      await assignment(`${p}a3b`, `${p}T3`, { department_id: deptB.id, role: 'assist', state: 'returned', dispatched_at: local(day, '09:00:00'), sign_by: local(day, '11:00:00'), handle_by: local(day + 1, '18:00:00') });
      await event(`${p}T3`, 'return', local(day, '09:40:00'), {}, `${p}a3b`);
      await event(`${p}T3`, 'rejectReview', local(day, '20:00:00'), { reopenCount: 1 });
      await event(`${p}T3`, 'recordSurvey', local(day + 1, '12:00:00'), { result: 'unsatisfied' });
      // Closed after handling, survey not done yet (a late rating arrives below).
      await ticket(`${p}T4`, { type: 'report', state: 'closed', closure: 'handled', created_at: local(day, '07:00:00'), closed_at: local(day, '22:00:00') });
      await assignment(`${p}a4`, `${p}T4`, { department_id: deptB.id, state: 'done', dispatched_at: local(day, '07:30:00'), sign_by: local(day, '09:30:00'), signed_at: local(day, '08:00:00'), handle_by: local(day, '21:00:00'), replied_at: local(day, '20:00:00') });
      // Open and never signed: the signing deadline two hours after dispatch, or (recent day) an hour from now.
      await ticket(`${p}T5`, { state: 'dispatched', created_at: local(day, '13:00:00') });
      const signBy = p === 'r' ? new Date(now.getTime() + 3_600_000) : local(day, '15:00:00');
      await assignment(`${p}a5`, `${p}T5`, { department_id: deptB.id, state: 'dispatched', dispatched_at: local(day, '13:00:00'), sign_by: signBy, handle_by: local(today + 30, '18:00:00') });
      // A duplicate merged into T2, and a sub-unit child: neither is a new request.
      await ticket(`${p}T6`, { state: 'merged', master_ticket_id: ids[`${p}T2`], created_at: local(day, '09:30:00') });
      await ticket(`${p}T7`, { state: 'dispatched', parent_ticket_id: ids[`${p}T2`], created_at: local(day, '14:00:00') });
    }
  });
  after(async () => platform?.stop());

  it('rolls up every past day and reads the previous month (judged at its end) from rollups, exactly as live', async () => {
    await refreshRollups(platform.ctx, now);
    const p = period(previousMonthStart, monthStart);
    const plan = planFromRollups(platform.ctx.config.timezone, findMeasure('signedOnTime')!, p, defaultMeasureOptions, ['department'], await loadRolledDays(platform.ctx, p));
    expect(plan, 'the month is served from month-end rollups').to.not.equal(undefined);
    // Every day from the first with data (the day before the boundary) to the month's end; the days before it hold nothing and are read live.
    expect(plan!.days.month_end).to.deep.equal(Array.from({ length: monthStart - boundaryDay + 1 }, (_, i) => formatDayNumber(boundaryDay - 1 + i)));
    expect(plan!.live.map((r) => [r.from.getTime(), r.to.getTime()])).to.deep.equal([[clock.instantAt(previousMonthStart, 0), clock.instantAt(boundaryDay - 1, 0)]]);
    // The month holds the boundary story: signedOnTime has a2 (on time), a3 (late), a4 (on time), a5 (late, open past its deadline).
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, findMeasure('signedOnTime')!, p)).to.include({ numerator: 2, denominator: 4 });
    await expectSameFigures(p);
  });

  it('splits a day boundary: 23:59:50 belongs to the day before, 00:00:05 to the day', async () => {
    const answer = findMeasure('answerRate')!;
    const dayBefore = period(boundaryDay - 1, boundaryDay);
    const day = period(boundaryDay, boundaryDay + 1);
    const figures = async (p: MeasurePeriod) => computeMeasure(platform.ctx, { kind: 'all' }, answer, p, { cut: 'agent' });
    // Day before: only mc1 (answered by agent 1); the day: mc2 mc4 mc5 mc6 (mc3 a short abandon).
    expect(await figures(dayBefore)).to.include({ numerator: 1, denominator: 1 });
    expect(await figures(day)).to.include({ numerator: 2, denominator: 4 });
    await expectSameFigures(dayBefore);
    await expectSameFigures(day);
    // A period starting mid-day: the partial day is computed live, the whole days after it from rollups.
    const clockTz = platform.ctx.config.timezone;
    const midday = resolvePeriod(clockTz, local(boundaryDay, '11:15:00').toISOString(), formatDayNumber(boundaryDay + 3), now);
    // mc5 (11:30, asked for a callback) and mc6 (12:00, answered); the day's earlier calls are before the start.
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, answer, midday)).to.include({ numerator: 1, denominator: 2 });
    await expectSameFigures(midday);
  });

  it('reads recent days judged now from current rollups and today live, exactly as live', async () => {
    const p = period(today - 45, today + 1);
    const plan = planFromRollups(platform.ctx.config.timezone, findMeasure('finishedOnTime')!, p, defaultMeasureOptions, [], await loadRolledDays(platform.ctx, p));
    expect(plan?.days.current ?? []).to.include(formatDayNumber(recentDay));
    await expectSameFigures(p);
  });

  it('gives the dashboard (today, month to date) as the live measures over those periods', async () => {
    const at = now;
    const dashboard = await buildDashboard(platform.ctx, { kind: 'all' }, at);
    const month: MeasurePeriod = { from: new Date(clock.instantAt(monthStart, 0)), to: new Date(clock.instantAt(today + 1, 0)), asOf: at };
    for (const m of measures) {
      const live = await computeMeasure(platform.ctx, { kind: 'all' }, m, month, { useRollups: false });
      expect(dashboard.month.measures[m.key], m.key).to.deep.equal(live);
    }
    // Nothing was offered today.
    expect(dashboard.today.measures.answerRate!.denominator).to.equal(0);
  });

  it('runs twice with the same rows', async () => {
    const snapshot = async () =>
      (await sql<{ kind: string; n: number; rows: number; s: string }>`
        select kind, sum(n)::int as n, count(*)::int as rows, sum(s)::text as s from report_rollups group by kind order by kind`.execute(platform.ctx.db)).rows;
    const first = await snapshot();
    expect(first.map((r) => r.kind)).to.deep.equal(['additive', 'current', 'month_end']);
    const again = await refreshRollups(platform.ctx, now);
    expect(again.rolled, 'nothing changed: nothing to roll').to.deep.equal({ additive: 0, month_end: 0, current: 0 });
    expect(await snapshot()).to.deep.equal(first);
    // Forced again (as after a write to every day): the same rows.
    await sql`delete from report_rollup_days`.execute(platform.ctx.db);
    const forced = await refreshRollups(platform.ctx, now);
    expect(forced.rolled.additive).to.be.greaterThan(0);
    expect(await snapshot()).to.deep.equal(first);
  });

  it('reads days with late events live until the job has rolled them again, then from the rollups', async () => {
    const db = platform.ctx.db;
    const lastMonth = period(previousMonthStart, monthStart);
    const survey = findMeasure('surveyRate')!;
    const talk = findMeasure('averageTalk')!;
    const before = await computeMeasure(platform.ctx, { kind: 'all' }, survey, lastMonth);
    // A minute after the roll-up: a rating for mT4 (closed last month), the end of the call mc6 (offered last
    // month) reported late, and rT5 signed late (its day was rolled as "not yet due").
    const lateAt = plus(1);
    await db.insertInto('ticket_events').values({ ticket_id: ids.mT4!, actor_name: 't', actor_role: 'agent', action: 'recordSurvey', at: lateAt, data: JSON.stringify({ result: 'basically_satisfied' }) } as never).execute();
    await db.updateTable('calls').set({ status: 'ended', ended_at: lateAt, talk_seconds: '61.5', outcome: 'answered', updated_at: lateAt }).where('id', '=', ids.mc6!).execute();
    await db.updateTable('ticket_assignments').set({ state: 'signed', signed_at: lateAt, updated_at: lateAt }).where('id', '=', ids.ra5!).execute();
    await db.insertInto('ticket_events').values({ ticket_id: ids.rT5!, assignment_id: ids.ra5!, actor_name: 't', actor_role: 'department_staff', action: 'sign', at: lateAt } as never).execute();
    const live = await computeMeasure(platform.ctx, { kind: 'all' }, survey, lastMonth, { useRollups: false });
    expect(live.numerator, 'the live figure sees the rating at once').to.equal(before.numerator + 1);
    // Before the job runs: the touched days are read live, so the figure does not lag.
    const mT4Day = formatDayNumber(boundaryDay);
    const pending = planFromRollups(platform.ctx.config.timezone, survey, lastMonth, defaultMeasureOptions, [], await loadRolledDays(platform.ctx, lastMonth));
    expect(pending?.days.additive ?? []).to.not.include(mT4Day);
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, survey, lastMonth)).to.deep.equal(live);

    const result = await refreshRollups(platform.ctx, plus(5));
    expect(result.dirtyDays).to.be.greaterThan(0);
    const rolled = planFromRollups(platform.ctx.config.timezone, survey, lastMonth, defaultMeasureOptions, [], await loadRolledDays(platform.ctx, lastMonth));
    expect(rolled?.days.additive ?? []).to.include(mT4Day);
    const recent = period(today - 45, today + 1, plus(5));
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, survey, lastMonth)).to.deep.equal(live);
    expect((await computeMeasure(platform.ctx, { kind: 'all' }, talk, lastMonth)).denominator).to.equal(3);
    await expectSameFigures(lastMonth);
    await expectSameFigures(recent);
  });

  it('stops using a current day once an open deadline passes, and rolls it again', async () => {
    const db = platform.ctx.db;
    // An open assignment dispatched on the recent day, its signing deadline an hour from now.
    await db.insertInto('tickets').values({ number: 'RU-late', channel: 'phone', type: 'help', urgency: 'normal', title: 'x', description: 'x', state: 'dispatched', created_at: local(recentDay, '16:00:00'), updated_at: plus(6) } as never).execute();
    const t = await db.selectFrom('tickets').select('id').where('number', '=', 'RU-late').executeTakeFirstOrThrow();
    const far = local(today + 400, '00:00:00');
    await db
      .insertInto('ticket_assignments')
      .values({ ticket_id: t.id, department_id: deptA.id, role: 'lead', state: 'dispatched', urgency: 'normal', dispatched_at: local(recentDay, '16:00:00'), sign_by: new Date(now.getTime() + 3_600_000), handle_by: far, return_by: far, warn_at: far, updated_at: plus(6) } as never)
      .execute();
    await refreshRollups(platform.ctx, plus(10));
    const row = await sql<{ valid_until: Date | null }>`select valid_until from report_rollup_days where kind = 'current' and day = ${formatDayNumber(recentDay)}::date`.execute(db);
    expect(row.rows[0]?.valid_until?.getTime()).to.equal(now.getTime() + 3_600_000);

    // Two hours later, both open assignments of that day are late: the day's current rows no longer hold.
    const later = new Date(now.getTime() + 2 * 3_600_000);
    const p: MeasurePeriod = { ...period(today - 45, today + 1, later), asOf: later };
    const signed = findMeasure('signedOnTime')!;
    const stale = planFromRollups(platform.ctx.config.timezone, signed, p, defaultMeasureOptions, [], await loadRolledDays(platform.ctx, p));
    expect(stale?.days.current ?? []).to.not.include(formatDayNumber(recentDay));
    // The day waits on a deadline, so its hours were rolled too: only the hour of the item that turned late
    // (RU-late, 16:00; ra5 was signed above) is read live, the other 23 from its hour rows.
    const recentHours = (stale?.hours.current ?? []).filter((h) => clock.dayNumberOf(Date.parse(h)) === recentDay);
    expect(recentHours).to.have.length(23);
    expect(recentHours).to.not.include(local(recentDay, '16:00:00').toISOString());
    const live = await computeMeasure(platform.ctx, { kind: 'all' }, signed, p, { useRollups: false });
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, signed, p)).to.deep.equal(live);

    await refreshRollups(platform.ctx, later);
    const fresh = planFromRollups(platform.ctx.config.timezone, signed, p, defaultMeasureOptions, [], await loadRolledDays(platform.ctx, p));
    expect(fresh?.days.current ?? []).to.include(formatDayNumber(recentDay));
    expect(await computeMeasure(platform.ctx, { kind: 'all' }, signed, p)).to.deep.equal(live);
  });

  it('marks exactly the measures whose facts depend on the moment they are judged at', () => {
    // Compile each facts query at two moments: the additive ones must not change.
    const a: MeasurePeriod = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), asOf: new Date('2026-02-01T00:00:00Z') };
    const b: MeasurePeriod = { ...a, asOf: new Date('2026-03-01T00:00:00Z') };
    for (const m of measures) {
      const params = (p: MeasurePeriod) => JSON.stringify(m.facts(p, defaultMeasureOptions).compile(platform.ctx.db).parameters);
      expect(params(a) !== params(b), m.key).to.equal(m.judgedAtPeriodEnd);
    }
  });
});
