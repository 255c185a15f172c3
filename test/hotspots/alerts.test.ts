/**
 * Hotspot alerts end to end on the real database: tickets registered through the tickets service (backdated
 * with its `now` option to build four weeks of history), the detection run, the socket push, the API a
 * supervisor uses, acknowledgement in the audit trail, and the thresholds an admin changes.
 *
 * The platform's own cron may run the same detection (at real time) while this file runs. Every moment used
 * here is at or just before the real clock, so such a run sees the same tickets and reaches the same result;
 * the assertions count rows rather than relying on which run got there first.
 */
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { systemActor } from '../../server/src/platform/actor.ts';
import { addJob } from '../../server/src/platform/jobs.ts';
import { RegisterTicketBody, registerTicket } from '../../server/src/modules/tickets/index.ts';
import { detectHotspotsJobName, runHotspotDetection } from '../../server/src/modules/hotspots/index.ts';
import { buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('hotspots: detection job, alerts API and acknowledgement', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let T0: Date;
  let tokens: Record<'supervisor' | 'admin' | 'auditor' | 'agent' | 'clerk', string>;
  let supervisorId: string;
  const categories: Record<string, string> = {};
  const burstIds: string[] = [];
  let alertId: string;
  const sockets: Socket[] = [];
  let supervisorSocket: Socket;
  const pushes: { event: string; payload: any }[] = [];

  const register = async (input: { category: string; district?: string; title: string }, at: Date) =>
    registerTicket(
      platform.ctx,
      systemActor('test'),
      RegisterTicketBody.parse({
        channel: 'phone',
        type: 'complaint',
        categoryId: categories[input.category],
        title: input.title,
        description: `${input.title}，请有关部门尽快处理。`,
        ...(input.district ? { district: input.district, address: `${input.district}某小区` } : {}),
      }),
      { now: at },
    );

  const countRows = async (table: 'hotspot_alerts' | 'hotspot_alert_tickets', where?: [string, string]) => {
    let q = platform.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n'));
    if (where) q = q.where(where[0] as never, '=', where[1] as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const auditRows = (action: string) =>
    platform.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  const waitFor = async <T>(check: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> => {
    const until = Date.now() + 15_000;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    for (const row of await db.selectFrom('ticket_categories').select(['id', 'code']).where('code', 'in', ['urban.property', 'city.sanitation']).execute()) {
      categories[row.code] = row.id;
    }
    const supervisor = await buildUser(db, { role: 'supervisor' });
    supervisorId = supervisor.id;
    tokens = {
      supervisor: (await signIn(platform.api, supervisor)).accessToken,
      admin: (await signIn(platform.api, await buildUser(db, { role: 'admin' }))).accessToken,
      auditor: (await signIn(platform.api, await buildUser(db, { role: 'auditor' }))).accessToken,
      agent: (await signIn(platform.api, await buildUser(db, { role: 'agent' }))).accessToken,
      clerk: (await signIn(platform.api, await buildUser(db, { role: 'department_staff' }))).accessToken,
    };

    supervisorSocket = connect(platform.url, { auth: { token: tokens.supervisor }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(supervisorSocket);
    for (const event of ['hotspot.detected', 'hotspot.closed', 'hotspot.acknowledged']) supervisorSocket.on(event, (payload) => pushes.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      supervisorSocket.on('session.ready', () => resolve());
      supervisorSocket.on('connect_error', reject);
    });

    T0 = new Date();
    // Four weeks of quiet history: one property complaint a day in 东城区, half an hour before this clock time.
    for (let d = 1; d <= 28; d++) await register({ category: 'urban.property', district: '东城区', title: `物业问题（历史${d}）` }, new Date(T0.getTime() - d * day - 30 * minute));
    // A busy but steady group: three sanitation complaints a day in 东城区 for four weeks, and six in the last day.
    for (let d = 1; d <= 28; d++) {
      for (const h of [2, 8, 14]) await register({ category: 'city.sanitation', district: '东城区', title: `垃圾清运（历史${d}-${h}）` }, new Date(T0.getTime() - d * day - h * hour));
    }
    for (const h of [1.5, 5, 9, 13, 17, 21]) await register({ category: 'city.sanitation', district: '东城区', title: `垃圾清运（今日${h}）` }, new Date(T0.getTime() - h * hour));
    // Two property complaints in 西城区 with no history: 0 → 2 is not a burst.
    for (const m of [15, 25]) await register({ category: 'urban.property', district: '西城区', title: '物业问题（西城）' }, new Date(T0.getTime() - m * minute));
    // A property complaint with no district cannot be placed, so it belongs to no group.
    await register({ category: 'urban.property', title: '物业问题（未知区域）' }, new Date(T0.getTime() - 12 * minute));
    // The burst: six property complaints in 东城区 within the last hour.
    for (const m of [10, 18, 26, 34, 42, 50]) burstIds.push(await register({ category: 'urban.property', district: '东城区', title: `电梯停运无人维修（${m}）` }, new Date(T0.getTime() - m * minute)));
  });

  after(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await platform?.stop();
  });

  it('opens one alert for the burst, with exactly the tickets behind it, and pushes it to supervisors', async () => {
    const result = await runHotspotDetection(platform.ctx, { now: T0 });
    // Only the 东城区 property burst: the steady sanitation group and the two 西城区 tickets stay quiet.
    expect(result.opened.length + result.updated.length).to.equal(1);
    alertId = (result.opened[0] ?? result.updated[0])!;
    const alert = await platform.ctx.db.selectFrom('hotspot_alerts').selectAll().where('id', '=', alertId).executeTakeFirstOrThrow();
    expect(alert).to.include({ category_id: categories['urban.property'], district: '东城区', state: 'open', ticket_count: 6, peak_count: 6 });
    // 1 h window: 6 now against exactly 1 on each of 28 days → expected 1, spread √1 = 1, score (6 − 1)/1 = 5
    expect(alert.expected).to.equal(1);
    expect(alert.score).to.equal(5);
    const linked = await platform.ctx.db.selectFrom('hotspot_alert_tickets').select('ticket_id').where('alert_id', '=', alertId).execute();
    expect(linked.map((l) => l.ticket_id).sort()).to.deep.equal([...burstIds].sort());

    const push = await waitFor(() => pushes.find((p) => p.event === 'hotspot.detected'), 'the hotspot.detected push');
    expect(push.payload).to.include({ id: alertId, district: '东城区', state: 'open', ticketCount: 6 });
    expect(push.payload.category).to.include({ code: 'urban.property', name: '物业管理' });
    expect(await auditRows('hotspot.detected')).to.have.length(1);
  });

  it('does not duplicate anything when the detection runs again', async () => {
    const again = await runHotspotDetection(platform.ctx, { now: T0 });
    expect(again.opened).to.deep.equal([]);
    expect(again.updated).to.deep.equal([alertId]);
    expect(again.linkedTickets).to.equal(0);
    expect(await countRows('hotspot_alerts')).to.equal(1);
    expect(await countRows('hotspot_alert_tickets')).to.equal(6);
    expect(await auditRows('hotspot.detected')).to.have.length(1);
  });

  it('runs as the scheduled job in the worker, updating the same alert', async () => {
    const before = await platform.ctx.db.selectFrom('hotspot_alerts').select('last_detected_at').where('id', '=', alertId).executeTakeFirstOrThrow();
    await addJob(platform.ctx.db, detectHotspotsJobName, {});
    await waitFor(async () => {
      const row = await platform.ctx.db.selectFrom('hotspot_alerts').select('last_detected_at').where('id', '=', alertId).executeTakeFirstOrThrow();
      return row.last_detected_at.getTime() !== before.last_detected_at.getTime() ? row : undefined;
    }, 'the job to run');
    expect(await countRows('hotspot_alerts')).to.equal(1);
    expect(await countRows('hotspot_alerts', ['state', 'open'])).to.equal(1);
  });

  it('links the newer tickets of a lasting burst to the same alert', async () => {
    for (const m of [3, 6]) burstIds.push(await register({ category: 'urban.property', district: '东城区', title: `电梯又坏了（${m}）` }, new Date(T0.getTime() - m * minute)));
    const result = await runHotspotDetection(platform.ctx, { now: T0 });
    expect(result.updated).to.deep.equal([alertId]);
    expect(result.linkedTickets).to.equal(2);
    const alert = await platform.ctx.db.selectFrom('hotspot_alerts').selectAll().where('id', '=', alertId).executeTakeFirstOrThrow();
    expect(alert).to.include({ ticket_count: 8, peak_count: 8 });
  });

  it('lists alerts and shows one with its tickets to hotline supervisors only', async () => {
    const list = await platform.api.get('/api/hotspots/alerts?state=open', tokens.supervisor);
    expect(list.status).to.equal(200);
    expect(list.body.alerts.map((a: any) => a.id)).to.deep.equal([alertId]);
    expect(list.body.alerts[0]).to.include({ linkedTickets: 8, acknowledged: null });

    const detail = await platform.api.get(`/api/hotspots/alerts/${alertId}`, tokens.auditor);
    expect(detail.status).to.equal(200);
    expect(detail.body.tickets.map((t: any) => t.id).sort()).to.deep.equal([...burstIds].sort());
    expect(detail.body.tickets[0]).to.include({ district: '东城区', state: 'pending_dispatch' });
    expect(detail.body.tickets[0].number).to.match(/^12345\d{14}$/);

    for (const who of ['clerk', 'agent'] as const) {
      const refused = await platform.api.get('/api/hotspots/alerts', tokens[who]);
      expect(refused.status, who).to.equal(403);
      expect(refused.body.error.message).to.equal('您没有权限执行此操作');
    }
    const missing = await platform.api.get('/api/hotspots/alerts/00000000-0000-4000-8000-000000000000', tokens.supervisor);
    expect(missing.status).to.equal(404);
    expect(missing.body.error.message).to.equal('找不到热点预警');
    const badId = await platform.api.get('/api/hotspots/alerts/not-an-id', tokens.supervisor);
    expect(badId.status).to.equal(400);
    expect(badId.body.error.message).to.contain('预警编号格式不正确');
  });

  it('records an acknowledgement with its note in the audit trail, once', async () => {
    const path = `/api/hotspots/alerts/${alertId}/acknowledge`;
    const empty = await platform.api.post(path, { note: '  ' }, tokens.supervisor);
    expect(empty.status).to.equal(400);
    expect(empty.body.error.message).to.contain('请填写处置说明');
    const emptyEn = await platform.api.request('POST', path, { body: { note: '' }, token: tokens.supervisor, headers: { 'accept-language': 'en' } });
    expect(emptyEn.body.error.message).to.match(/^The request is invalid: field note/);
    expect((await platform.api.post(path, { note: '已知悉' }, tokens.auditor)).status).to.equal(403);

    const pushed = waitFor(() => pushes.find((p) => p.event === 'hotspot.acknowledged'), 'the acknowledgement push');
    const ok = await platform.api.post(path, { note: '已通知住建局集中排查东城区电梯' }, tokens.supervisor);
    expect(ok.status).to.equal(200);
    expect(ok.body.acknowledged).to.include({ by: supervisorId, note: '已通知住建局集中排查东城区电梯' });
    expect((await pushed).payload.id).to.equal(alertId);

    const audit = await auditRows('hotspot.acknowledged');
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ actor_id: supervisorId, entity: 'hotspot_alert', entity_id: alertId });
    expect(audit[0]!.data).to.include({ note: '已通知住建局集中排查东城区电梯' });

    const twice = await platform.api.request('POST', path, { body: { note: '再次签收' }, token: tokens.supervisor, headers: { 'accept-language': 'en' } });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.message).to.equal('This alert has already been acknowledged');
  });

  it('lets the admin raise the thresholds, which closes the alert once the group no longer counts as a burst', async () => {
    const current = await platform.api.get('/api/hotspots/rules', tokens.supervisor);
    expect(current.body.rules).to.include({ minCount: 5, baselineDays: 28 });
    const raised = { ...current.body.rules, minCount: 50 };
    expect((await platform.api.request('PUT', '/api/hotspots/rules', { body: raised, token: tokens.supervisor })).status).to.equal(403);
    const invalid = await platform.api.request('PUT', '/api/hotspots/rules', { body: { ...raised, windowsHours: [48] }, token: tokens.admin });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.error.message).to.contain('windowsHours');
    const saved = await platform.api.request('PUT', '/api/hotspots/rules', { body: raised, token: tokens.admin });
    expect(saved.status).to.equal(200);
    expect(saved.body.rules.minCount).to.equal(50);
    expect(await auditRows('hotspot_rules.updated')).to.have.length(1);

    const result = await runHotspotDetection(platform.ctx, { now: T0 });
    const alert = await platform.ctx.db.selectFrom('hotspot_alerts').selectAll().where('id', '=', alertId).executeTakeFirstOrThrow();
    expect(alert.state).to.equal('closed');
    expect(alert.closed_at).to.be.instanceOf(Date);
    expect(result.opened).to.deep.equal([]);
    const closedPush = await waitFor(() => pushes.find((p) => p.event === 'hotspot.closed'), 'the hotspot.closed push');
    expect(closedPush.payload).to.deep.equal({ id: alertId });

    const again = await runHotspotDetection(platform.ctx, { now: T0 });
    expect(again).to.deep.equal({ opened: [], updated: [], closed: [], linkedTickets: 0 });
    expect(await countRows('hotspot_alerts')).to.equal(1);
    const list = await platform.api.get('/api/hotspots/alerts?state=closed', tokens.supervisor);
    expect(list.body.alerts.map((a: any) => a.id)).to.deep.equal([alertId]);
    expect(list.body.alerts[0].acknowledged.note).to.equal('已通知住建局集中排查东城区电梯');
  });
});
